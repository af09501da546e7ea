import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { createTasks } from '../src/tasks/task-create.ts';
import { updateTask } from '../src/tasks/task-update.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const HOUR = 3_600_000;

// The team board (GET /tasks/team) the dashboard's tasks page shows, and the member emails that the
// report and a task's history carry so the dashboard can name members to roles that may not list them.
describe.each(storesUnderTest())('staff tasks: team board and member names ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const staff: { id: number; email: string }[] = [];
  /** What was made here, to count independently of the server. */
  const made: { id: number; assignee: number | null; due: number; closed: boolean }[] = [];

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, 'team-a');
    api = await startApi(database);
    for (const email of ['t1@shop.cn', 't2@shop.cn', 't3@shop.cn']) {
      const { user } = await createUser(database.db, shop.workspace.id, cliActor(), {
        email,
        password: 'a long enough secret',
        role: 'service',
      });
      staff.push({ id: user.id, email });
    }
    const customer = (
      await api.call('POST', '/api/v1/customers', { key: shop.keys.admin, body: { external_id: 'T-1' } })
    ).body.id as number;
    // Generated: 40 tasks over the three members and the queue, due from 20 hours ago to 19 ahead;
    // every fifth one closed (done or cancelled), so neither its due time nor its assignee counts.
    const now = Date.now();
    for (let i = 0; i < 40; i++) {
      const assignee = i % 4 === 3 ? null : staff[(i * 7) % 3]!.id;
      const due = now + (i - 20) * HOUR;
      const [task] = await createTasks(
        database.db,
        shop.workspace,
        cliActor(),
        'manual',
        [{ customerId: customer, kind: 'callback', title: `回访 ${i}`, dueAt: new Date(due) }],
        assignee === null ? { rule: 'queue' } : { rule: 'user', user_id: assignee },
      );
      const closed = i % 5 === 0;
      if (closed)
        await updateTask(database.db, shop.workspace, cliActor(), task!.id, {
          status: i % 10 === 0 ? 'done' : 'cancelled',
          ...(i % 10 === 0 ? { outcome: 'reached' } : {}),
        });
      made.push({ id: task!.id, assignee, due, closed });
    }
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('counts each member’s open and overdue tasks and the queue’s, most overdue first, as counted here', async () => {
    const expected = new Map<number | null, { open: number; overdue: number }>();
    const at = Date.now();
    for (const t of made) {
      if (t.closed) continue;
      const row = expected.get(t.assignee) ?? { open: 0, overdue: 0 };
      row.open++;
      if (t.due < at) row.overdue++;
      expected.set(t.assignee, row);
    }
    // The viewer reads the board too (read permission); staff emails are not customers' data.
    const reply = await api.call('GET', '/api/v1/tasks/team', { key: shop.keys.viewer });
    expect(reply.status).toBe(200);
    const items = (reply.body as { items: { assignee_id: number | null; assignee_email: string | null }[] })
      .items;
    const emailOf = (id: number | null) => staff.find((s) => s.id === id)?.email ?? null;
    expect(new Map(items.map((r) => [r.assignee_id, r]))).toEqual(
      new Map([...expected].map(([id, c]) => [id, { assignee_id: id, assignee_email: emailOf(id), ...c }])),
    );
    const order = (items as unknown as { overdue: number; open: number }[]).map((r) => [r.overdue, r.open]);
    expect(order).toEqual([...order].sort((x, y) => y[0]! - x[0]! || y[1]! - x[1]!));
    // Another workspace's board is empty: nothing leaks across.
    const other = await workspaceWithKeys(database, 'team-b');
    expect((await api.call('GET', '/api/v1/tasks/team', { key: other.keys.admin })).body).toEqual({
      items: [],
    });
  });

  it('names members in the report and in a task’s history', async () => {
    const open = made.find((t) => !t.closed && t.assignee !== null)!;
    const moved = await api.call('PATCH', `/api/v1/tasks/${open.id}`, {
      key: shop.keys.admin,
      body: { assignee_id: null },
    });
    expect(moved.status).toBe(200);
    const history = moved.body.history as { assignee_id: number | null; assignee_email: string | null }[];
    expect(history.map((h) => [h.assignee_id, h.assignee_email])).toEqual([
      [open.assignee, staff.find((s) => s.id === open.assignee)!.email],
      [null, null],
    ]);
    open.assignee = null;
    const report = await api.call('GET', '/api/v1/tasks/report?from=2020-01-01&to=2100-01-01', {
      key: shop.keys.service,
    });
    expect(report.status).toBe(200);
    const rows = report.body.by_assignee as { assignee_id: number | null; assignee_email: string | null }[];
    expect(rows.map((r) => [r.assignee_id, r.assignee_email]).sort()).toEqual(
      [...new Set(made.map((t) => t.assignee))]
        .map((id) => [id, staff.find((s) => s.id === id)?.email ?? null])
        .sort(),
    );
  });

  it('answers odd queries with the board or a 400, never a 500', async () => {
    for (const query of [
      '?x=1',
      '?__proto__=1',
      `?a=${'x'.repeat(5000)}`,
      '?a=%00',
      '?constructor[prototype]=1',
    ]) {
      const reply = await api.call('GET', `/api/v1/tasks/team${query}`, { key: shop.keys.service });
      expect([200, 400], `${query.slice(0, 30)}: ${reply.text.slice(0, 200)}`).toContain(reply.status);
    }
    expect((await api.call('GET', '/api/v1/tasks/team')).status).toBe(401);
  });
});
