import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSteps } from '../src/journeys/journey-model.ts';
import { parseJourney } from '../src/journeys/journey-parse.ts';
import { ApiError } from '../web/src/api/client.ts';
import { zhCN } from '../web/src/i18n/messages-zh-cn.ts';
import {
  connect,
  disconnect,
  edgesOf,
  layoutPositions,
  TRIGGER_ID,
} from '../web/src/pages/journeys/journey-canvas-graph.ts';
import {
  freshStepId,
  type JourneyDraft,
  journeyJson,
  newJourney,
  newStep,
  newTrigger,
  STEP_KINDS,
  type StepDraft,
  TRIGGER_KINDS,
  type TriggerDraft,
} from '../web/src/pages/journeys/journey-draft.ts';
import { draftFromJourney } from '../web/src/pages/journeys/journey-draft-load.ts';
import { fieldErrors } from '../web/src/pages/journeys/journey-errors.ts';
import { triggerSummary } from '../web/src/pages/journeys/journey-trigger-summary.ts';
import { newRule } from '../web/src/pages/segments/segment-rule.ts';

// Whatever the dashboard's journey builder produces must be accepted by the product's own parser,
// and a stored journey opened in the builder must come back unchanged when saved.
const step = (kind: StepDraft['kind'], id: string, changes: Partial<StepDraft>): StepDraft => ({
  ...newStep(kind, id),
  ...changes,
});
const parse = (draft: JourneyDraft) => parseJourney(JSON.stringify(journeyJson(draft, 100)), 'body');
const examples = join(import.meta.dirname, '..', 'examples', 'journeys');

/** A journey using every step kind the builder offers. */
function everyStep(): JourneyDraft {
  return {
    ...newJourney(),
    name: '全部步骤',
    description: 'every step kind',
    entry: { rules: [{ ...newRule('tag'), value: '员工', not: true }], join: 'all' },
    reentry: 'every',
    reentryDays: '30',
    maxEntries: '1000',
    attributionDays: '14',
    steps: [
      step('holdout', 'holdout_1', { percent: '10', next: 'wait_1' }),
      step('wait', 'wait_1', { duration: { amount: '2', unit: 'h' }, next: 'wait_until_1' }),
      step('wait_until', 'wait_until_1', { weekday: '1', time: '10:00', next: 'wait_for_event_1' }),
      step('wait_for_event', 'wait_for_event_1', {
        event: 'add_to_cart',
        properties: [{ key: 'sku', value: 'MILK-900G' }],
        timeout: { amount: '3', unit: 'd' },
        onEvent: 'branch_1',
        onTimeout: 'split_1',
      }),
      step('branch', 'branch_1', {
        condition: {
          rules: [
            { ...newRule('field'), subject: 'net_total', op: 'gte', value: '99.5' },
            { ...newRule('lifecycle'), values: ['silent'] },
          ],
          join: 'any',
        },
        ifTrue: 'send_1',
        ifFalse: 'split_1',
      }),
      step('split', 'split_1', {
        arms: [
          { name: 'coupon', weight: '70', next: 'issue_coupon_1' },
          { name: 'points', weight: '30', next: 'award_points_1' },
        ],
      }),
      step('issue_coupon', 'issue_coupon_1', { coupon: '满100减10', next: 'send_1' }),
      step('award_points', 'award_points_1', { points: '100', reason: '回馈', next: 'send_1' }),
      step('send', 'send_1', {
        sends: [
          { channel: 'sms_aliyun', template: '短信提醒' },
          { channel: 'email', template: '邮件提醒' },
        ],
        skipIfOrdered: true,
        next: 'tag_1',
      }),
      step('tag', 'tag_1', { add: ['已触达'], remove: ['待触达'], next: 'webhook_1' }),
      step('webhook', 'webhook_1', { data: [{ key: 'kind', value: 'journey_done' }], next: 'create_task_1' }),
      step('create_task', 'create_task_1', {
        task: {
          kind: 'store_invite',
          title: '邀约 {{ name }} 到店',
          dueHours: '48',
          priority: 'high',
          rule: 'round_robin',
          role: 'service',
          userId: '',
        },
        next: 'send_survey_1',
      }),
      step('send_survey', 'send_survey_1', {
        survey: '购后NPS',
        sends: [{ channel: 'email', template: '邀请评价' }],
        next: 'exit_1',
      }),
      step('exit', 'exit_1', {}),
    ],
  };
}

describe('journey builder drafts', () => {
  it('turns a draft with every step kind into a journey the parser accepts', () => {
    const draft = everyStep();
    expect(new Set(draft.steps.map((s) => s.kind))).toEqual(new Set(STEP_KINDS));
    const journey = parse(draft);
    expect(journey.start).toBe('holdout_1');
    expect(journey.reentry).toEqual({ every_days: 30 });
    expect(journey.entry).toEqual({ not: { tag: '员工' } });
    expect(journey.steps.wait_1).toEqual({ type: 'wait', duration: '2h', next: 'wait_until_1' });
    expect(journey.steps.branch_1).toMatchObject({
      if: { any: [{ field: 'net_total', op: 'gte', value: 9950 }, { lifecycle: ['silent'] }] },
    });
    expect(journey.steps.send_1).toEqual({
      type: 'send',
      templates: ['短信提醒', '邮件提醒'],
      skip_if_ordered: true,
      next: 'tag_1',
    });
    expect(journey.steps.split_1).toMatchObject({ arms: [{ weight: 70 }, { weight: 30 }] });
    expect(journey.steps.wait_for_event_1).toMatchObject({ properties: { sku: 'MILK-900G' }, timeout: '3d' });
    expect(journey.steps.create_task_1).toEqual({
      type: 'create_task',
      kind: 'store_invite',
      title: '邀约 {{ name }} 到店',
      due_in_hours: 48,
      priority: 'high',
      assign: { rule: 'round_robin', role: 'service' },
      next: 'send_survey_1',
    });
  });

  it('opens a create_task step of each rule and saves it back unchanged', () => {
    for (const assign of [
      { rule: 'owner' },
      { rule: 'store' },
      { rule: 'queue' },
      { rule: 'user', user_id: 7 },
    ]) {
      const json = {
        name: '回访',
        trigger: { event: 'complaint_filed' },
        start: 'call',
        steps: {
          call: {
            type: 'create_task',
            kind: 'complaint',
            title: '处理 {{ name }}',
            due_in_hours: 4,
            priority: 'urgent',
            assign,
            next: 'done',
          },
          done: { type: 'exit' },
        },
      };
      const draft = draftFromJourney(json as never, 100);
      const saved = journeyJson(draft, 100) as { steps: Record<string, unknown> };
      expect(saved.steps.call).toEqual(json.steps.call);
      expect(parseJourney(JSON.stringify(journeyJson(draft, 100)), 'body').steps.call).toEqual(
        json.steps.call,
      );
    }
  });

  it('turns every kind of trigger into one the parser accepts', () => {
    const fields: Partial<Record<TriggerDraft['kind'], Partial<TriggerDraft>>> = {
      order_placed: { channel: 'tmall' },
      event: { event: 'product_viewed', properties: [{ key: 'sku', value: 'A1' }] },
      lifecycle_changed: { to: 'silent' },
      rfm_group_changed: { from: 'important_value', to: 'important_keep' },
      tier_changed: { to: 'gold' },
      segment: { segment: '高价值', on: 'exited' },
    };
    for (const kind of TRIGGER_KINDS) {
      const draft = { ...newJourney(), name: kind, trigger: { ...newTrigger(kind), ...fields[kind] } };
      expect(() => parse(draft), kind).not.toThrow();
    }
    const days = { ...newJourney(), name: 'd', trigger: { ...newTrigger('days_without_order'), days: '91' } };
    expect(parse(days).trigger).toEqual({ date: 'days_without_order', days: 91 });
  });

  it('writes a P(alive) threshold typed as a percentage, reads it back, and says it in Chinese', () => {
    const draft = {
      ...newJourney(),
      name: 'p',
      trigger: { ...newTrigger('p_alive_below'), threshold: '35' },
    };
    const journey = parse(draft);
    expect(journey.trigger).toEqual({ p_alive_below: { threshold: 0.35 } });
    expect(draftFromJourney(JSON.parse(JSON.stringify(journey)), 100).trigger.threshold).toBe('35');
    const zh = (key: string, vars?: Record<string, string | number>) =>
      zhCN[key as keyof typeof zhCN].replace(/\{(\w+)\}/g, (_, k) => String(vars?.[k]));
    expect(triggerSummary({ p_alive_below: { threshold: 0.35 } }, zh, (_k, c) => c)).toBe('活跃概率跌破 35%');
    // A known event in words, without its code; one the product does not know, as typed.
    const events = (kind: string, c: string) => (zhCN as Record<string, string>)[`${kind}.${c}`] ?? c;
    expect(triggerSummary({ event: 'add_to_cart' }, zh, events)).toBe('事件 加购');
    expect(triggerSummary({ event: 'store_visit' }, zh, events)).toBe('事件 store_visit');
    // Out of range: the parser names the field, as the builder shows it beside the input.
    const bad = { ...draft, trigger: { ...draft.trigger, threshold: '120' } };
    expect(() => parse(bad)).toThrow('body: trigger.p_alive_below.threshold: must be below 1');
  });

  it('opens every example journey and saves it back unchanged', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
    // The builder offers every step kind, so every example opens in it (the O2O one included).
    expect(files).toContain('store-guide-invite.yaml');
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const original = parseJourney(readFileSync(join(examples, file), 'utf8'), file);
      const draft = draftFromJourney(JSON.parse(JSON.stringify(original)), 100);
      // The stored JSON's keys come back sorted by the database; the builder shows the graph's order.
      const sorted = { ...original, steps: Object.fromEntries(Object.entries(original.steps).sort()) };
      const fromStore = draftFromJourney(JSON.parse(JSON.stringify(sorted)), 100);
      const order = fromStore.steps.map((s) => s.id);
      expect([...order].sort(), file).toEqual(Object.keys(original.steps).sort());
      expect(order[0], file).toBe(original.start);
      // Every step after the first is shown below a step that leads to it, and exits come last.
      order.slice(1).forEach((id, i) => {
        const before = order.slice(0, i + 1).flatMap((b) => nextSteps(original.steps[b]!));
        expect(before, `${file}: ${id}`).toContain(id);
      });
      const kinds = order.map((id) => original.steps[id]!.type);
      expect(
        kinds.slice(kinds.indexOf('exit')).every((k) => k === 'exit'),
        file,
      ).toBe(true);
      expect(draft.steps[0]?.id, file).toBe(original.start);
      expect(parse(draft), file).toEqual(original);
    }
  });

  it('keeps a condition the rules cannot show, and values of webhook data that are not text', () => {
    const kept = { all: [{ any: [{ tag: 'A' }, { tag: 'B' }] }, { identity: 'phone' }] };
    const draft = draftFromJourney(
      {
        name: 'kept',
        trigger: { first_order: {} },
        entry: kept,
        start: 'hook',
        steps: {
          hook: { type: 'webhook', data: { n: 3, on: true, s: 'x' }, next: 'done' },
          done: { type: 'exit' },
        },
      },
      100,
    );
    expect(draft.entry.kept).toEqual(kept);
    const journey = parse(draft);
    expect(journey.entry).toEqual(kept);
    expect(journey.steps.hook).toEqual({ type: 'webhook', data: { n: 3, on: true, s: 'x' }, next: 'done' });
  });

  it('leaves missing fields out, so the parser names them; the field is read from its message', () => {
    const draft: JourneyDraft = {
      ...newJourney(),
      name: '缺字段',
      steps: [
        step('wait', 'wait_1', { duration: { amount: '', unit: 'd' }, next: 'exit_1' }),
        newStep('exit', 'exit_1'),
      ],
    };
    let message = '';
    try {
      parse(draft);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^body: steps\.wait_1\.duration: /);
    expect(fieldErrors(new ApiError(400, 'invalid_input', message))).toEqual([
      { path: 'steps.wait_1.duration', message: message.replace('body: steps.wait_1.duration: ', '') },
    ]);
    // Knowing what was sent, the field is known to have been left empty.
    const sent = journeyJson(draft, 100);
    expect(fieldErrors(new ApiError(400, 'invalid_input', message), sent)[0]?.missing).toBe(true);
    const typo = { ...sent, steps: { wait_1: { type: 'wait', duration: '7x', next: 'exit_1' } } };
    expect(fieldErrors(new ApiError(400, 'invalid_input', message), typo)[0]?.missing).toBe(false);
    expect(
      fieldErrors(
        new ApiError(
          400,
          'invalid_input',
          'journey "缺字段": steps.send_1.templates.0: no message template "x"',
        ),
      ),
    ).toEqual([{ path: 'steps.send_1.templates.0', message: 'no message template "x"' }]);
    const noNext = { ...draft, steps: [step('wait', 'wait_1', { next: '' }), newStep('exit', 'exit_1')] };
    expect(() => parse(noNext)).toThrow(/steps\.wait_1\.next/);
  });

  it('names new steps uniquely', () => {
    const steps = [newStep('wait', 'wait_1'), newStep('wait', 'wait_3')];
    expect(freshStepId('wait', steps)).toBe('wait_2');
    expect(freshStepId('exit', steps)).toBe('exit_1');
  });

  it('draws an edge on the canvas for every way on the parser reads, and connecting or disconnecting changes those', () => {
    const t = (key: string) => key;
    const draft = everyStep();
    const journey = parse(draft);
    // The server's own reading of the ways on: each step's next fields, plus the trigger to start.
    const expected = [
      `@trigger>${journey.start}`,
      ...Object.entries(journey.steps).flatMap(([id, s]) => nextSteps(s).map((to) => `${id}>${to}`)),
    ].sort();
    const drawn = (d: JourneyDraft) =>
      edgesOf(d, t as never)
        .map((e) => `${e.source}>${e.target}`)
        .sort();
    expect(drawn(draft)).toEqual(expected);

    // The trigger dragged onto wait_1 makes it the start; split_1's second arm onto send_1 (and
    // the coupon on to the points, so they stay reachable).
    expect(journeyJson(connect(draft, TRIGGER_ID, 'start', 'wait_1'), 100).start).toBe('wait_1');
    const rewired = connect(
      connect(draft, 'split_1', 'arm:1', 'send_1'),
      'issue_coupon_1',
      'next',
      'award_points_1',
    );
    const after = parse(rewired);
    expect(after.steps.split_1).toMatchObject({ arms: [{ next: 'issue_coupon_1' }, { next: 'send_1' }] });
    expect(after.steps.issue_coupon_1).toMatchObject({ next: 'award_points_1' });
    // Removing the edge from branch_1's "else" leaves it empty, so the parser names the field.
    const edge = edgesOf(draft, t as never).find(
      (e) => e.source === 'branch_1' && e.sourceHandle === 'ifFalse',
    )!;
    expect(() => parse(disconnect(draft, edge.id))).toThrow(/steps\.branch_1\.else/);
    // The start edge cannot be removed; a step cannot lead to itself or to the trigger.
    expect(disconnect(draft, edgesOf(draft, t as never)[0]!.id)).toEqual(draft);
    expect(connect(draft, 'wait_1', 'next', 'wait_1')).toEqual(draft);
    expect(connect(draft, 'wait_1', 'next', TRIGGER_ID)).toEqual(draft);
    // The layout places every node, each apart from the others.
    const spots = Object.values(layoutPositions(draft, t as never)).map((p) => `${p.x},${p.y}`);
    expect(new Set(spots).size).toBe(draft.steps.length + 1);
  });
});
