import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { parseJourney, readJourneyFile } from '../src/journeys/journey-parse.ts';
import { applyJourney, listJourneys } from '../src/journeys/journey-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import type { InvalidInputError } from '../src/shared/errors.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

/** A small valid journey to break one field at a time. */
const base = () => ({
  name: 'parse-check',
  trigger: { event: 'quiz_done' } as Record<string, unknown>,
  start: 'wait',
  steps: {
    wait: { type: 'wait', duration: '2h', next: 'done' },
    done: { type: 'exit' },
  } as Record<string, Record<string, unknown>>,
});
/** A branch step (built so the object literal carries no `then` key for the linter). */
const branch = (condition: unknown, yes: string, no: string) =>
  Object.fromEntries([
    ['type', 'branch'],
    ['if', condition],
    ['then', yes],
    ['else', no],
  ]);
const errorOf = (value: unknown, source?: string): string => {
  try {
    parseJourney(typeof value === 'string' ? value : JSON.stringify(value), source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the journey to be rejected');
};

describe('journey validation messages', () => {
  it('names every field at fault, not only the first, for a form to mark them all', () => {
    const j = base();
    j.steps.wait = { type: 'wait', next: 'done' };
    j.steps.send = { type: 'send', templates: [], next: 'nowhere', extra: 1 };
    j.steps.done = { type: 'exit' };
    let fields: readonly { field: string; message: string }[] | undefined;
    try {
      parseJourney(JSON.stringify({ ...j, attribution_days: -1 }), 'body');
    } catch (error) {
      fields = (error as InvalidInputError).fields;
    }
    const paths = (fields ?? []).map((f) => f.field).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'attribution_days',
        'steps.send',
        'steps.send.templates',
        'steps.wait.duration',
      ]),
    );
  });

  it('accepts the base journey, as JSON and as YAML', () => {
    expect(parseJourney(JSON.stringify(base())).steps.wait).toMatchObject({ type: 'wait', duration: '2h' });
    const yaml = 'name: y\ntrigger: {event: quiz_done}\nstart: done\nsteps:\n  done: {type: exit}\n';
    expect(parseJourney(yaml)).toMatchObject({ name: 'y', reentry: 'once', attribution_days: 7 });
  });

  it('names an unknown step type and lists the known ones', () => {
    const j = base();
    j.steps.wait = { type: 'sleep', next: 'done' };
    const message = errorOf(j);
    expect(message).toMatch(/^journey: steps\.wait\.type: unknown step type "sleep"/);
    expect(message).toContain('wait_for_event');
  });

  it('names an unreachable step', () => {
    const j = base();
    j.steps.orphan = { type: 'exit' };
    expect(errorOf(j)).toBe('journey: steps.orphan: unreachable from start "wait"');
  });

  it('names the `next` field that points at a missing step', () => {
    const j = base();
    j.steps.wait!.next = 'dne';
    // journey-parse.ts documents `steps.remind.next: no step named "remnd"`.
    expect(errorOf(j)).toContain('steps.wait.next: no step named "dne"');
  });

  it('names the branch arm that points at a missing step', () => {
    const j = base();
    j.steps.wait = branch({ tag: 'vip' }, 'done', 'nowhere');
    expect(errorOf(j)).toContain('steps.wait.else: no step named "nowhere"');
  });

  it('names a start that is not a step', () => {
    expect(errorOf({ ...base(), start: 'begin' })).toBe(
      'journey: start: no step named "begin" (steps: wait, done)',
    );
  });

  it('explains a bad duration and a bad time of day', () => {
    const j = base();
    j.steps.wait!.duration = '2 days';
    expect(errorOf(j)).toBe('journey: steps.wait.duration: a duration such as 30m, 2h, 7d or 2w');
    j.steps.wait = { type: 'wait_until', time: '25:00', next: 'done' };
    expect(errorOf(j)).toBe('journey: steps.wait.time: a time such as 10:00');
    j.steps.wait = {
      type: 'wait_for_event',
      event: 'x',
      timeout: 'soon',
      on_event: 'done',
      on_timeout: 'done',
    };
    expect(errorOf(j)).toContain('steps.wait.timeout: a duration such as');
  });

  it('reports invalid YAML and invalid JSON with the file it came from', () => {
    const yaml = errorOf('name: j\ntrigger: {event: x\nstart: a\n', 'journeys/bad.yaml');
    expect(yaml).toMatch(/^journeys\/bad\.yaml: not valid JSON or YAML: /);
    expect(yaml).toMatch(/line \d+/);
    expect(errorOf('{"name": "j",', 'j.json')).toMatch(/^j\.json: not valid JSON or YAML: /);
  });

  it('names an invalid entry condition and an invalid branch condition', () => {
    const entry = errorOf({ ...base(), entry: { field: 'nope', op: '>', value: 1 } });
    expect(entry).toMatch(/^journey: entry: /);
    expect(entry).toContain('order_count');
    const j = base();
    j.steps.wait = branch({ colour: 'red' }, 'done', 'done');
    const message = errorOf(j);
    expect(message).toMatch(/^journey: steps\.wait\.if: /);
    expect(message).toContain('colour');
  });

  it('names a misspelt key of a step or a trigger', () => {
    const j = base();
    j.steps.wait!.nxt = 'done';
    expect(errorOf(j)).toBe('journey: steps.wait: Unrecognized key: "nxt"');
    expect(errorOf({ ...base(), trigger: { date: 'birthday', days: 3 } })).toBe(
      'journey: trigger: Unrecognized key: "days"',
    );
  });

  it('reads a P(alive) trigger and names what is wrong with its threshold', () => {
    const ok = parseJourney(
      'name: slipping\ntrigger: {p_alive_below: {threshold: 0.3}}\nstart: done\nsteps:\n  done: {type: exit}\n',
    );
    expect(ok.trigger).toEqual({ p_alive_below: { threshold: 0.3 } });
    const bad: [unknown, string][] = [
      [{ threshold: 1.5 }, 'journey: trigger.p_alive_below.threshold: must be below 1'],
      [{ threshold: 0 }, 'journey: trigger.p_alive_below.threshold: must be above 0'],
      [{ threshold: '0.3' }, 'journey: trigger.p_alive_below.threshold: Invalid input: expected number'],
      [{}, 'journey: trigger.p_alive_below.threshold: Invalid input: expected number'],
      [0.3, 'journey: trigger.p_alive_below: Invalid input: expected object'],
      [{ threshold: 0.3, days: 2 }, 'journey: trigger.p_alive_below: Unrecognized key: "days"'],
    ];
    for (const [value, message] of bad)
      expect(errorOf({ ...base(), trigger: { p_alive_below: value } }), JSON.stringify(value)).toContain(
        message,
      );
    expect(errorOf({ ...base(), trigger: JSON.parse('{"p_alive_below": {"__proto__": {"x": 1}}}') })).toMatch(
      /__proto__/,
    );
  });

  it('tells what a re-entry policy may be', () => {
    const message = errorOf({ ...base(), reentry: 'twice' });
    expect(message).toMatch(/^journey: reentry: /);
    // "Invalid input" alone leaves the user guessing.
    expect(message).toMatch(/once|always|every_days/);
  });

  it('tells what a trigger may be when it is misspelt', () => {
    const message = errorOf({ ...base(), trigger: { evnt: 'quiz_done' } });
    expect(message).toMatch(/^journey: trigger: /);
    // "Invalid input" alone does not say that `evnt` is not a trigger, nor which ones exist.
    expect(message).toMatch(/evnt|order_placed/);
  });

  it('reads a create_task step with its defaults and names a bad assignment rule', () => {
    const j = base();
    j.steps.wait = { type: 'create_task', title: '回访 {{ name }}', next: 'done' };
    expect(parseJourney(JSON.stringify(j)).steps.wait).toEqual({
      type: 'create_task',
      kind: 'callback',
      title: '回访 {{ name }}',
      due_in_hours: 24,
      priority: 'normal',
      assign: { rule: 'owner' },
      next: 'done',
    });
    j.steps.wait = { type: 'create_task', title: 'x', assign: { rule: 'round_robin' }, next: 'done' };
    expect(errorOf(j)).toMatch(/^journey: steps\.wait\.assign\.role: /);
  });

  it('reports an unreadable file by path', async () => {
    await expect(readJourneyFile('/nonexistent/j.yaml')).rejects.toThrow(
      'cannot read /nonexistent/j.yaml: ENOENT',
    );
    const dir = await mkdtemp(join(tmpdir(), 'retain-parse-'));
    const file = join(dir, 'j.yaml');
    await writeFile(file, 'name: j\nstart: a\nsteps: {a: {type: exit}}\n');
    await expect(readJourneyFile(file)).rejects.toThrow(`${file}: trigger:`);
  });
});

describe.each(storesUnderTest())('applying a journey checks what it names ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `parse-${store.name}` });
    await saveTemplates(database.db, ws.id, [
      {
        name: 'hello',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '你好' },
        body: { 'zh-CN': '你好' },
      },
    ]);
    await createCouponTemplate(database.db, ws, {
      name: 'ten-off',
      kind: 'amount_off',
      amount_off: 1000,
      threshold: 0,
      valid_days: 7,
    });
  });
  afterAll(() => database?.close());

  const apply = (mutate: (j: ReturnType<typeof base>) => void) => {
    const j = base();
    mutate(j);
    return applyJourney(database.db, ws.id, JSON.stringify(j));
  };

  it('names the send step and position of a missing message template', async () => {
    await expect(
      apply((j) => {
        j.steps.wait = { type: 'send', templates: ['hello', 'helo'], next: 'done' };
      }),
    ).rejects.toThrow('journey "parse-check": steps.wait.templates.1: no message template "helo"');
  });

  it('names a missing coupon template', async () => {
    await expect(
      apply((j) => {
        j.steps.wait = { type: 'issue_coupon', template: 'twenty-off', next: 'done' };
      }),
    ).rejects.toThrow(/^journey "parse-check": steps\.wait\.template: .*twenty-off/);
  });

  it('names a missing trigger segment', async () => {
    await expect(
      apply((j) => {
        j.trigger = { segment: 'whales' };
      }),
    ).rejects.toThrow(/^journey "parse-check": trigger\.segment: .*whales/);
  });

  it('stores nothing when a reference is missing, and stores a correct journey', async () => {
    expect(await listJourneys(database.db, ws.id)).toEqual([]);
    const ok = await apply((j) => {
      j.steps.wait = { type: 'send', templates: ['hello'], next: 'coupon' };
      j.steps.coupon = { type: 'issue_coupon', template: 'ten-off', next: 'done' };
    });
    expect(ok).toMatchObject({ name: 'parse-check', created: true });
    expect((await listJourneys(database.db, ws.id)).map((j) => j.name)).toEqual(['parse-check']);
  });
});
