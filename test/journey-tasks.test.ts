import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { updateCustomer } from '../src/customers/customer-update.ts';
import type { Database } from '../src/db/database.ts';
import { parseJourney } from '../src/journeys/journey-parse.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { createJourneyTask } from '../src/journeys/journey-task.ts';
import { setClock } from '../src/shared/clock.ts';
import { listTasks } from '../src/tasks/task-read.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const T0 = Date.parse('2026-03-02T09:30:00+08:00');
const HOUR = 3_600_000;

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

const journey = (steps: Record<string, unknown>) => ({
  name: '投诉跟进',
  trigger: { event: 'complaint_filed' },
  start: 'task',
  steps: { ...steps, done: { type: 'exit' } },
});

describe.each(storesUnderTest())('journey step create_task ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number>;
  let agent: number;

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date(T0 - HOUR));
    ws = await createWorkspace(database.db, { name: `tasks-${store.name}` });
    await importText(database, ws, 'customers', 'customer_id,name\nK1,王芳\nK2,李雷\n');
    ids = await customerIds(database.db, ws.id);
    agent = (
      await createUser(database.db, ws.id, cliActor(), {
        email: 'kf@shop.cn',
        password: 'a long enough secret',
        role: 'service',
      })
    ).user.id;
    await updateCustomer(database.db, ws.id, ids.K1!, { owner_user_id: agent });
  });
  afterAll(() => database?.close());

  it('refuses at apply an unknown kind, a broken title and a user who is not a member', async () => {
    const step = (extra: Record<string, unknown>) =>
      parseJourney(
        JSON.stringify(journey({ task: { type: 'create_task', title: 'x', next: 'done', ...extra } })),
      );
    await expect(applyJourney(database.db, ws.id, step({ kind: 'massage' }))).rejects.toThrow(
      /steps\.task\.kind: unknown task kind/,
    );
    await expect(applyJourney(database.db, ws.id, step({ title: '{{ name' }))).rejects.toThrow(
      /steps\.task\.title/,
    );
    await expect(
      applyJourney(database.db, ws.id, step({ assign: { rule: 'user', user_id: 987654 } })),
    ).rejects.toThrow(/steps\.task\.assign\.user_id/);
    expect(() => step({ assign: { rule: 'boss' } })).toThrow(/steps\.task\.assign/);
  });

  it('creates one task per entry, titled for the customer, for the owner or the queue', async () => {
    await applyJourney(
      database.db,
      ws.id,
      parseJourney(
        JSON.stringify(
          journey({
            task: {
              type: 'create_task',
              kind: 'complaint',
              title: '处理{{ name }}的投诉',
              due_in_hours: 4,
              priority: 'high',
              assign: { rule: 'owner' },
              next: 'done',
            },
          }),
        ),
      ),
    );
    setClock(new Date(T0 - 10 * 60_000));
    await importText(
      database,
      ws,
      'events',
      'customer_id,type,occurred_at\nK1,complaint_filed,2026-03-02 09:20\nK2,complaint_filed,2026-03-02 09:21\n',
    );
    setClock(new Date(T0));
    await runOnce(database.db, [ws.name]);
    await runOnce(database.db, [ws.name]);
    const { items } = await listTasks(database.db, ws.id, { limit: 50 }, new Date(T0));
    const byCustomer = Object.fromEntries(items.map((t) => [t.customer_id, t]));
    expect(items).toHaveLength(2);
    expect(byCustomer[ids.K1!]).toMatchObject({
      title: '处理王芳的投诉',
      kind: 'complaint',
      priority: 'high',
      assignee_id: agent,
      source: 'journey',
      status: 'open',
      created_by: 'journey:投诉跟进',
    });
    expect(byCustomer[ids.K1!]!.due_at.getTime()).toBe(T0 + 4 * HOUR);
    expect(byCustomer[ids.K2!]).toMatchObject({ title: '处理李雷的投诉', assignee_id: null });
    expect(byCustomer[ids.K2!]!.source_ref).toMatch(/^journey:\d+\/entry:\d+\/step:task$/);

    // Run the step again for the same entry (a retried batch): no second task.
    const stored = (await findJourney(database.db, ws.id, '投诉跟进'))!;
    const entryId = Number(/entry:(\d+)/.exec(byCustomer[ids.K1!]!.source_ref!)![1]);
    const again = await createJourneyTask(
      database.db,
      ws,
      stored,
      { id: entryId, customer_id: ids.K1!, vars: {} },
      'task',
      stored.definition.steps.task as Extract<
        (typeof stored.definition.steps)[string],
        { type: 'create_task' }
      >,
      new Date(T0 + HOUR),
    );
    expect(again).toBe('already_created');
    expect((await listTasks(database.db, ws.id, { limit: 50 })).items).toHaveLength(2);
  });
});
