// An existing journey (the definition `GET /journeys/{journey}` returns) into the builder's draft.
import { conditionRules } from '../segments/condition-rules.ts';
import {
  type ConditionDraft,
  DURATION_UNITS,
  type DurationDraft,
  emptyCondition,
  type JourneyDraft,
  newStep,
  newTrigger,
  type Pair,
  STEP_KINDS,
  type StepDraft,
  type StepKind,
  TASK_RULES,
  type TriggerDraft,
  type TriggerKind,
} from './journey-draft.ts';

type Json = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** `30m`, `2h`, `7d`, `2w`, `30min` or `{days: 30}` as amount and unit. */
export function durationDraft(d: unknown): DurationDraft {
  if (typeof d === 'object' && d !== null && 'days' in d) return { amount: s((d as Json).days), unit: 'd' };
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/.exec(s(d));
  if (!m) return { amount: s(d), unit: 'd' };
  const unit = m[2] === 'min' ? 'm' : (m[2] as DurationDraft['unit']);
  return { amount: m[1]!, unit: DURATION_UNITS.includes(unit) ? unit : 'd' };
}

const pairsOf = (record: unknown): Pair[] =>
  Object.entries((record ?? {}) as Json).map(([key, value]) =>
    typeof value === 'string' ? { key, value } : { key, value: JSON.stringify(value), raw: value },
  );

function conditionDraft(condition: unknown, minorPerUnit: number): ConditionDraft {
  if (condition === undefined) return emptyCondition();
  return conditionRules(condition, minorPerUnit) ?? { ...emptyCondition(), kept: condition };
}

function triggerDraft(t: Json): TriggerDraft {
  if ('date' in t) {
    const kind = t.date as TriggerKind;
    return {
      ...newTrigger(kind),
      days: s(t.days ?? 30),
      daysBefore: s(t.days_before ?? newTrigger(kind).daysBefore),
    };
  }
  const kind = Object.keys(t).find((k) => k !== 'properties' && k !== 'on') as TriggerKind;
  const base = newTrigger(kind);
  const inner = (t[kind] ?? {}) as Json;
  switch (kind) {
    case 'order_placed':
      return { ...base, channel: s(inner.channel) };
    case 'event':
      return { ...base, event: s(t.event), properties: pairsOf(t.properties) };
    case 'segment':
      return { ...base, segment: s(t.segment), on: t.on === 'exited' ? 'exited' : 'entered' };
    case 'lifecycle_changed':
    case 'rfm_group_changed':
    case 'tier_changed':
      return { ...base, from: s(inner.from), to: s(inner.to) };
    case 'p_alive_below':
      return {
        ...base,
        threshold: typeof inner.threshold === 'number' ? String(Math.round(inner.threshold * 1e6) / 1e4) : '',
      };
    case 'survey_answered':
      return {
        ...base,
        survey: s(inner.survey),
        npsGroup: s(inner.nps_group),
        scoreMin: s(inner.score_min),
        scoreMax: s(inner.score_max),
      };
    default:
      return base;
  }
}

function stepDraft(id: string, j: Json, minorPerUnit: number): StepDraft {
  const kind = j.type as StepKind;
  const step = { ...newStep(STEP_KINDS.includes(kind) ? kind : 'exit', id), next: s(j.next) };
  switch (kind) {
    case 'wait':
      return { ...step, duration: durationDraft(j.duration) };
    case 'wait_until':
      return { ...step, weekday: s(j.weekday), time: s(j.time) };
    case 'wait_for_event':
      return {
        ...step,
        event: s(j.event),
        properties: pairsOf(j.properties),
        timeout: durationDraft(j.timeout),
        onEvent: s(j.on_event),
        onTimeout: s(j.on_timeout),
      };
    case 'branch':
      return {
        ...step,
        condition: conditionDraft(j.if, minorPerUnit),
        ifTrue: s(j.then),
        ifFalse: s(j.else),
      };
    case 'split':
      return {
        ...step,
        arms: ((j.arms ?? []) as Json[]).map((a) => ({
          name: s(a.name),
          weight: s(a.weight),
          next: s(a.next),
        })),
      };
    case 'holdout':
      return { ...step, percent: s(j.percent) };
    case 'send':
      return {
        ...step,
        sends: ((j.templates ?? []) as string[]).map((template) => ({ channel: '', template })),
        skipIfOrdered: j.skip_if_ordered === true,
      };
    case 'send_survey':
      return {
        ...step,
        survey: s(j.survey),
        sends: ((j.templates ?? []) as string[]).map((template) => ({ channel: '', template })),
      };
    case 'tag':
      return { ...step, add: (j.add ?? []) as string[], remove: (j.remove ?? []) as string[] };
    case 'webhook':
      return { ...step, data: pairsOf(j.data) };
    case 'issue_coupon':
      return { ...step, coupon: s(j.template) };
    case 'award_points':
      return { ...step, points: s(j.points), reason: s(j.reason) };
    case 'create_task': {
      const assign = (j.assign ?? { rule: 'owner' }) as Json;
      const rule = TASK_RULES.find((r) => r === assign.rule) ?? 'owner';
      return {
        ...step,
        task: {
          kind: s(j.kind ?? 'callback'),
          title: s(j.title),
          dueHours: s(j.due_in_hours ?? 24),
          priority: s(j.priority ?? 'normal'),
          rule,
          role: s(assign.role ?? 'service'),
          userId: s(assign.user_id),
        },
      };
    }
    default:
      return step;
  }
}

/** The ids a step leads to, in the order its fields name them. */
const targets = (j: Json): string[] =>
  [j.next, j.on_event, j.on_timeout, j.then, j.else, ...((j.arms ?? []) as Json[]).map((a) => a.next)].filter(
    (t): t is string => typeof t === 'string',
  );

/**
 * The order to show steps in (the stored JSON keeps no order of its own): from the start along
 * each step's ways on, depth first, exits last, then any step not reached.
 */
export function stepOrder(steps: Record<string, Json>, start: string): string[] {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id) || !steps[id]) return;
    seen.add(id);
    for (const t of targets(steps[id])) visit(t);
  };
  visit(start);
  const reached = [...seen];
  const exits = reached.filter((id) => steps[id]!.type === 'exit' && id !== start);
  const rest = Object.keys(steps).filter((id) => !seen.has(id));
  return [...reached.filter((id) => !exits.includes(id)), ...exits, ...rest];
}

/** The draft of a stored journey: its start step first, then along the graph. */
export function draftFromJourney(definition: Json, minorPerUnit: number): JourneyDraft {
  const stored = (definition.steps ?? {}) as Record<string, Json>;
  const steps = stepOrder(stored, s(definition.start)).map((id) => [id, stored[id]!] as const);
  const reentry = definition.reentry;
  return {
    name: s(definition.name),
    description: s(definition.description),
    trigger: triggerDraft((definition.trigger ?? {}) as Json),
    entry: conditionDraft(definition.entry, minorPerUnit),
    reentry:
      typeof reentry === 'object' && reentry !== null ? 'every' : reentry === 'always' ? 'always' : 'once',
    reentryDays: typeof reentry === 'object' && reentry !== null ? s((reentry as Json).every_days) : '30',
    maxEntries: s(definition.max_entries),
    attributionDays: s(definition.attribution_days ?? 7),
    steps: steps.map(([id, step]) => stepDraft(id, step, minorPerUnit)),
  };
}
