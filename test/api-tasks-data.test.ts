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

// Who may write tasks; tasks as data over time: a workspace's own kinds, what a merge and an erasure do to tasks, and
// the completion report.
describe.each(storesUnderTest())('staff tasks: merge, erasure and report ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('gives tasks.write to service, operator and admin, not viewers', async () => {
    const own = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'P-1' },
    });
    const body = { customer_id: own.body.id, kind: 'store_invite', title: '到店邀约' };
    expect((await api.call('POST', '/api/v1/tasks', { key: a.keys.viewer, body })).status).toBe(403);
    for (const role of ['service', 'operator', 'admin'] as const)
      expect((await api.call('POST', '/api/v1/tasks', { key: a.keys[role], body })).status).toBe(200);
    expect(
      (
        await api.call('POST', `/api/v1/customers/${own.body.id}/notes`, {
          key: a.keys.viewer,
          body: { summary: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it("accepts a workspace's own kinds and outcomes from settings", async () => {
    const own = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'K-1' },
    });
    const set = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: a.keys.admin,
      body: { 'tasks.kinds': ['birthday_call'], 'tasks.outcomes': ['sent_sample'] },
    });
    expect(set.status).toBe(200);
    const t = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: { customer_id: own.body.id, kind: 'birthday_call', title: '生日电话' },
    });
    expect(t.status).toBe(200);
    const done = await api.call('PATCH', `/api/v1/tasks/${t.body.id}`, {
      key: a.keys.service,
      body: { status: 'done', outcome: 'sent_sample' },
    });
    expect(done.body.outcome).toBe('sent_sample');
    const bad = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: a.keys.admin,
      body: { 'tasks.kinds': ['Bad Kind!'] },
    });
    expect(bad.status).toBe(400);
  });

  it('moves tasks and notes to the survivor of a merge, and erasure blanks them', async () => {
    const x = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'M-1' },
    });
    const y = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'M-2' },
    });
    const t = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.admin,
      body: { customer_id: y.body.id, kind: 'callback', title: '回访 M-2', notes: '私人信息' },
    });
    await api.call('POST', `/api/v1/customers/${y.body.id}/notes`, {
      key: a.keys.admin,
      body: { summary: '住址：某处' },
    });
    const merged = await api.call('POST', `/api/v1/customers/${x.body.id}/merge`, {
      key: a.keys.admin,
      body: { other_id: y.body.id },
    });
    expect(merged.status).toBe(200);
    const moved = await api.call('GET', `/api/v1/tasks/${t.body.id}`, { key: a.keys.admin });
    expect(moved.body.customer_id).toBe(x.body.id);
    const notes = await api.call('GET', `/api/v1/customers/${x.body.id}/notes`, { key: a.keys.admin });
    expect(notes.body.items.map((n: { summary: string }) => n.summary)).toEqual(['住址：某处']);
    const erased = await api.call('DELETE', `/api/v1/customers/${x.body.id}`, { key: a.keys.admin });
    expect(erased.status).toBe(200);
    const after = await api.call('GET', `/api/v1/tasks/${t.body.id}`, { key: a.keys.admin });
    expect([after.body.title, after.body.notes]).toEqual(['(erased)', null]);
    expect(
      (await api.call('GET', `/api/v1/customers/${x.body.id}/notes`, { key: a.keys.admin })).body.items,
    ).toEqual([]);
  });

  it('reports completion and median hours to done per kind and assignee, as computed here', async () => {
    const c = await workspaceWithKeys(database, 'shop-c');
    const staff: number[] = [];
    for (const email of ['r1@shop.cn', 'r2@shop.cn']) {
      const { user } = await createUser(database.db, c.workspace.id, cliActor(), {
        email,
        password: 'a long enough secret',
        role: 'service',
      });
      staff.push(user.id);
    }
    const people: number[] = [];
    for (let i = 0; i < 4; i++)
      people.push(
        (await api.call('POST', '/api/v1/customers', { key: c.keys.admin, body: { external_id: `R-${i}` } }))
          .body.id,
      );
    // Generated tasks: every 7 hours from 2026-02-27 20:00 +08:00, so some fall before and after the period.
    const base = Date.parse('2026-02-27T20:00:00+08:00');
    const kinds = ['callback', 'vip_care', 'winback_call'];
    const made: { kind: string; assignee: number | null; created: number; done: number | null }[] = [];
    for (let i = 0; i < 30; i++) {
      const created = base + i * 7 * HOUR;
      const assignee = i % 3 === 2 ? null : staff[i % 3]!;
      const kind = kinds[(i * 5) % 3]!;
      const [task] = await createTasks(
        database.db,
        c.workspace,
        cliActor(),
        'manual',
        [{ customerId: people[i % 4]!, kind, title: `t${i}`, dueAt: new Date(created + 48 * HOUR) }],
        assignee === null ? { rule: 'queue' } : { rule: 'user', user_id: assignee },
        new Date(created),
      );
      let done: number | null = null;
      if (i % 4 !== 3) {
        done = created + (((i * 13) % 50) + 0.5) * HOUR;
        await updateTask(
          database.db,
          c.workspace,
          cliActor(),
          task!.id,
          { status: 'done', outcome: 'reached' },
          new Date(done),
        );
      } else if (i % 8 === 7)
        await updateTask(
          database.db,
          c.workspace,
          cliActor(),
          task!.id,
          { status: 'cancelled' },
          new Date(created + HOUR),
        );
      made.push({ kind, assignee, created, done });
    }
    const from = Date.parse('2026-03-01T00:00:00+08:00');
    const to = Date.parse('2026-03-06T00:00:00+08:00');
    const inPeriod = made.filter((m) => m.created >= from && m.created < to);
    const median = (xs: number[]) => {
      if (!xs.length) return null;
      const s = [...xs].sort((p, q) => p - q);
      const mid = Math.floor(s.length / 2);
      return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    };
    const expected = (group: typeof made) => {
      const done = group.filter((m) => m.done !== null);
      return {
        created: group.length,
        done: done.length,
        completion_rate: done.length / group.length,
        median_hours_to_done: median(done.map((m) => (m.done! - m.created) / HOUR)),
      };
    };
    const report = await api.call('GET', '/api/v1/tasks/report?from=2026-03-01&to=2026-03-05', {
      key: c.keys.viewer,
    });
    expect(report.status).toBe(200);
    const byKind = Object.fromEntries(report.body.by_kind.map((r: { kind: string }) => [r.kind, r]));
    for (const kind of new Set(inPeriod.map((m) => m.kind))) {
      const want = expected(inPeriod.filter((m) => m.kind === kind));
      const got = byKind[kind];
      expect([got.created, got.done]).toEqual([want.created, want.done]);
      expect(got.completion_rate).toBeCloseTo(want.completion_rate, 9);
      expect(got.median_hours_to_done).toBeCloseTo(want.median_hours_to_done!, 6);
    }
    expect(report.body.by_kind).toHaveLength(new Set(inPeriod.map((m) => m.kind)).size);
    for (const who of [...staff, null]) {
      const want = expected(inPeriod.filter((m) => m.assignee === who));
      const got = report.body.by_assignee.find((r: { assignee_id: number | null }) => r.assignee_id === who);
      expect([got.created, got.done]).toEqual([want.created, want.done]);
      expect(got.median_hours_to_done).toBeCloseTo(want.median_hours_to_done!, 6);
    }
    expect(inPeriod.length).toBeGreaterThan(10);
    expect(inPeriod.length).toBeLessThan(made.length);
  });

  it('measures orders within 7 days after a reached call against calls that did not reach', async () => {
    const c = await workspaceWithKeys(database, 'shop-lift');
    const closedAt = Date.parse('2026-03-02T10:00:00+08:00');
    const DAY = 24 * HOUR;
    // reached: 10 calls, orders 1 h, 3 d, 6.9 d, 2 d, 5 d after (5 inside), one 8 d after, one the day before.
    // not reached (or wrong number): 10 calls, orders 1 d and 6 d after (2 inside), one 7.5 d after.
    const plan = [
      ...[HOUR, 3 * DAY, 6.9 * DAY, 2 * DAY, 5 * DAY, 8 * DAY, -DAY, null, null, null].map((o) => ({
        outcome: 'reached',
        after: o,
      })),
      ...[DAY, 6 * DAY, 7.5 * DAY, null, null, null, null, null, null, null].map((o, i) => ({
        outcome: i % 2 ? 'wrong_number' : 'not_reached',
        after: o,
      })),
    ];
    for (const [i, p] of plan.entries()) {
      const customer = await api.call('POST', '/api/v1/customers', {
        key: c.keys.admin,
        body: { external_id: `L-${i}` },
      });
      const [task] = await createTasks(
        database.db,
        c.workspace,
        cliActor(),
        'manual',
        [{ customerId: customer.body.id, kind: 'callback', title: '回访', dueAt: new Date(closedAt + DAY) }],
        { rule: 'queue' },
        new Date(closedAt - HOUR),
      );
      await updateTask(
        database.db,
        c.workspace,
        cliActor(),
        task!.id,
        { status: 'done', outcome: p.outcome },
        new Date(closedAt),
      );
      if (p.after !== null) {
        const item = {
          order_id: `LO-${i}`,
          customer_id: `L-${i}`,
          ordered_at: new Date(closedAt + p.after).toISOString(),
          amount: 5000,
          status: 'paid',
        };
        expect(
          (await api.call('POST', '/api/v1/orders', { key: c.keys.admin, body: { items: [item] } })).body
            .accepted,
        ).toBe(1);
      }
    }
    const report = await api.call('GET', '/api/v1/tasks/report?from=2026-03-01&to=2026-03-05', {
      key: c.keys.viewer,
    });
    const lift = report.body.call_lift;
    expect(lift).toMatchObject({
      days: 7,
      reached: { calls: 10, ordered: 5 },
      not_reached: { calls: 10, ordered: 2 },
    });
    const [p1, p2] = [0.5, 0.2];
    const se = Math.sqrt((p1 * (1 - p1)) / 10 + (p2 * (1 - p2)) / 10);
    expect(lift.difference).toBeCloseTo(0.3, 9);
    expect(lift.ci95[0]).toBeCloseTo(0.3 - 1.96 * se, 3);
    expect(lift.ci95[1]).toBeCloseTo(0.3 + 1.96 * se, 3);
    expect(lift.p_value).toBeGreaterThan(0.05);
  });
});
