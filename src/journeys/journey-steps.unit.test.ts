import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { Batch, type Entry } from './journey-entry.ts';
import type { Journey, Step } from './journey-model.ts';
import type { StoredJourney } from './journey-service.ts';
import { type StepContext, takeStep } from './journey-steps.ts';

// The steps that decide without the database, each taken alone (the database's steps are covered by
// test/journeys.test.ts on both stores).
const now = new Date('2026-03-02T01:00:00Z'); // Monday 09:00 in Shanghai
const noDatabase = new Proxy(
  {},
  {
    get() {
      throw new Error('this step should not touch the database');
    },
  },
) as Kysely<Schema>;

function context(over: Partial<Entry> = {}, waking = false): StepContext {
  const entry: Entry = {
    id: 7,
    journey_id: 3,
    customer_id: 42,
    entered_at: new Date('2026-03-01T00:00:00Z'),
    state: waking ? 'waiting' : 'active',
    step: 'here',
    wake_at: null,
    wait_since: null,
    arm: null,
    holdout: false,
    vars: { name: '张三' },
    exit_reason: null,
    zone: null,
    external_id: 'C42',
    erased: false,
    version: 1,
    ...over,
  };
  return {
    trx: noDatabase,
    workspace: { id: 1, timezone: 'Asia/Shanghai' } as Workspace,
    journey: { id: 3 } as StoredJourney,
    def: { name: '复购提醒' } as Journey,
    entry,
    name: 'here',
    now,
    batch: new Batch(),
    waking,
    zone: 'Asia/Shanghai',
  };
}

describe('journey steps taken alone', () => {
  it('a wait sleeps for its duration, and goes on when it wakes', async () => {
    const step: Step = { type: 'wait', duration: '2h', next: 'then' };
    expect(await takeStep(context(), step)).toEqual({
      kind: 'sleep',
      until: new Date('2026-03-02T03:00:00Z'),
    });
    expect(await takeStep(context({}, true), step)).toEqual({ kind: 'go', next: 'then', outcome: 'passed' });
  });

  it('a wait until 20:00 sleeps to 20:00 the same day in the zone', async () => {
    const step = { type: 'wait_until', time: '20:00', next: 'then' } as Step;
    expect(await takeStep(context(), step)).toEqual({
      kind: 'sleep',
      until: new Date('2026-03-02T12:00:00Z'),
    });
  });

  it('a send queues one message keyed by journey, entry and step, with the entry variables', async () => {
    const ctx = context();
    const step = { type: 'send', templates: ['回购提醒'], next: 'then', skip_if_ordered: true } as Step;
    expect(await takeStep(ctx, step)).toEqual({ kind: 'go', next: 'then', outcome: 'queued' });
    expect(ctx.batch.messages).toEqual([
      {
        customerId: 42,
        templates: ['回购提醒'],
        idempotencyKey: 'journey:3:7:here',
        dueAt: now,
        variables: { name: '张三' },
        journeyId: 3,
        entryId: 7,
        step: 'here',
        skipIfOrderedSince: new Date('2026-03-01T00:00:00Z'),
      },
    ]);
  });

  it('a webhook queues its payload under the same key, with the external id', async () => {
    const ctx = context();
    const step = { type: 'webhook', data: { coupon: 'A' }, next: 'then' } as Step;
    await takeStep(ctx, step);
    expect(ctx.batch.messages[0]).toMatchObject({
      templates: ['webhook:here'],
      idempotencyKey: 'journey:3:7:here',
      payload: {
        type: 'journey.step',
        journey: '复购提醒',
        step: 'here',
        customer_id: 42,
        external_id: 'C42',
        at: now.toISOString(),
        data: { coupon: 'A' },
      },
    });
  });

  it('a 100% holdout leaves as held out; a 0% one lets everyone through', async () => {
    const all = context();
    expect(await takeStep(all, { type: 'holdout', percent: 100, next: 'then' } as Step)).toEqual({
      kind: 'leave',
      state: 'exited',
      reason: 'holdout',
      outcome: 'held_out',
    });
    expect(all.entry.holdout).toBe(true);
    const none = context();
    expect(await takeStep(none, { type: 'holdout', percent: 0, next: 'then' } as Step)).toEqual({
      kind: 'go',
      next: 'then',
      outcome: 'treated',
    });
    expect(none.entry.holdout).toBe(false);
  });

  it('a split with one weighted arm takes it and remembers the arm', async () => {
    const ctx = context();
    const step = {
      type: 'split',
      arms: [
        { name: 'A', weight: 0, next: 'a' },
        { name: 'B', weight: 1, next: 'b' },
      ],
    } as Step;
    expect(await takeStep(ctx, step)).toEqual({ kind: 'go', next: 'b', outcome: 'B' });
    expect(ctx.entry.arm).toBe('B');
  });

  it('an exit completes the journey', async () => {
    expect(await takeStep(context(), { type: 'exit' } as Step)).toEqual({
      kind: 'leave',
      state: 'completed',
      reason: 'exit',
      outcome: 'exit',
    });
  });
});
