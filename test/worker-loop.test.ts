import { afterAll, describe, expect, it } from 'vitest';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { runForever } from '../src/worker/worker.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// `retain serve` runs the worker loop without an onPass callback; the passes must still run.
afterAll(async () => {
  await dropTestSchemas();
});

describe.each(storesUnderTest())('worker loop ($name)', (store) => {
  it('makes passes when no one listens to them', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, { name: 'loop' });
      await applyJourney(database.db, ws.id, {
        name: '生日',
        trigger: { date: 'birthday' },
        reentry: 'once',
        attribution_days: 7,
        start: 'done',
        steps: { done: { type: 'exit' } },
      });
      // A pass evaluates a date trigger for today, so it records the day it did.
      expect((await findJourney(database.db, ws.id, '生日')).dated_to).toBeNull();
      const stop = new AbortController();
      const loop = runForever(database.db, { intervalMs: 20, signal: stop.signal });
      for (let i = 0; i < 200 && !(await findJourney(database.db, ws.id, '生日')).dated_to; i++)
        await new Promise((r) => setTimeout(r, 25));
      stop.abort();
      await loop;
      expect((await findJourney(database.db, ws.id, '生日')).dated_to).not.toBeNull();
    } finally {
      await database.close();
    }
  });
});
