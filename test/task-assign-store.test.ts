import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createTasks } from '../src/tasks/task-create.ts';
import { getTask } from '../src/tasks/task-read.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// The owner import column, the `store` rule, and what removing a member does to their tasks.
describe.each(storesUnderTest())('task owners, stores and removal ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const users: Record<string, number> = {};

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `stores-${store.name}`);
    api = await startApi(database);
    for (const [key, email, role, name] of [
      ['li', 'li@shop.cn', 'service', '李导购'],
      ['wang', 'wang@shop.cn', 'service', '王导购'],
      ['zhou', 'zhou@shop.cn', 'service', '同名'],
      ['zhou2', 'zhou2@shop.cn', 'service', '同名'],
      ['boss', 'boss@shop.cn', 'admin', undefined],
    ] as const) {
      users[key] = (
        await createUser(database.db, shop.workspace.id, cliActor(), {
          email,
          password: 'a long enough secret',
          role,
          ...(name ? { name } : {}),
        })
      ).user.id;
    }
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('imports owners by email or unique name; an unknown or ambiguous one is a line error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retain-owner-'));
    const file = join(dir, 'customers.csv');
    await writeFile(
      file,
      [
        'customer_id,姓名,导购',
        'O1,甲,LI@shop.cn',
        'O2,乙,王导购',
        'O3,丙,nobody@shop.cn',
        'O4,丁,同名',
        'O5,戊,',
      ].join('\n'),
    );
    const r = await importFile(database, { kind: 'customers', file, workspace: shop.workspace });
    expect(r.rejected).toBe(2);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [4, '导购'],
      [5, '导购'],
    ]);
    expect(r.errors[0]!.reason).toMatch(/"nobody@shop.cn" is not a member/);
    expect(r.errors[1]!.reason).toMatch(/name of 2 members; use the email/);
    const ids = await customerIds(database.db, shop.workspace.id);
    const owners = await database.db
      .selectFrom('customers')
      .select(['external_id', 'owner_user_id'])
      .where('workspace_id', '=', shop.workspace.id)
      .orderBy('external_id')
      .execute();
    expect(owners).toEqual([
      { external_id: 'O1', owner_user_id: users.li },
      { external_id: 'O2', owner_user_id: users.wang },
      { external_id: 'O5', owner_user_id: null },
    ]);
    // An empty owner cell leaves a known owner as it is; the `owner_email` column sets another.
    await importText(database, shop.workspace, 'customers', 'customer_id,owner_email\nO1,\nO2,li@shop.cn\n');
    const after = await database.db
      .selectFrom('customers')
      .select(['id', 'owner_user_id'])
      .where('workspace_id', '=', shop.workspace.id)
      .where('id', 'in', [ids.O1!, ids.O2!])
      .orderBy('id')
      .execute();
    expect(after.map((c) => c.owner_user_id)).toEqual([users.li, users.li]);
  });

  it('sets members’ stores and language over the API; bad bodies name the field', async () => {
    const set = (id: number, body: unknown, key = shop.keys.admin) =>
      api.call('PATCH', `/api/v1/users/${id}`, { key, body });
    const li = await set(users.li!, { stores: ['西湖店', ' 西湖店 ', '滨江店'], language: 'en' });
    expect(li.status).toBe(200);
    expect(li.body).toMatchObject({ stores: ['西湖店', '滨江店'], language: 'en' });
    expect((await set(users.wang!, { stores: ['西湖店'] })).body.stores).toEqual(['西湖店']);
    expect((await set(users.zhou!, { stores: ['滨江店'] })).status).toBe(200);
    for (const [body, field] of [
      [{ stores: 'x' }, 'stores'],
      [{ stores: [''] }, 'stores'],
      [{ stores: ['a\u0000b'] }, 'stores'],
      [{ language: 'fr' }, 'language'],
      [{ role: 'owner' }, 'role'],
    ] as const) {
      const r = await set(users.li!, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.text).toContain(field);
    }
    expect((await set(users.li!, { language: null }, shop.keys.operator)).status).toBe(403);
    expect((await set(987654, { language: null })).status).toBe(404);
    const list = await api.call('GET', '/api/v1/users', { key: shop.keys.admin });
    expect(list.body.find((u: { id: number }) => u.id === users.li).stores).toEqual(['西湖店', '滨江店']);
  });

  it('the store rule: round robin among the staff of the last order’s store; nobody: the queue', async () => {
    await importText(
      database,
      shop.workspace,
      'orders',
      [
        'order_id,customer_id,ordered_at,amount,store',
        'S1,K1,2026-01-01 10:00,100,滨江店',
        'S2,K1,2026-02-01 10:00,100,西湖店',
        'S3,K2,2026-02-01 10:00,100,西湖店',
        'S4,K3,2026-02-01 10:00,100,西湖店',
        'S5,K4,2026-02-01 10:00,100,城西店',
        'S6,K5,2026-02-01 10:00,100,',
        'S7,K6,2026-01-01 10:00,100,滨江店',
      ].join('\n'),
    );
    const ids = await customerIds(database.db, shop.workspace.id);
    const order = ['K1', 'K2', 'K3', 'K4', 'K5', 'K6'];
    const created = await createTasks(
      database.db,
      shop.workspace,
      cliActor(),
      'bulk',
      order.map((k) => ({
        customerId: ids[k]!,
        kind: 'store_invite',
        title: `邀约 ${k}`,
        dueAt: new Date(),
      })),
      { rule: 'store' },
    );
    // Independently: 西湖店 has li and wang (no open tasks yet), handed out fewest-first, ties to the
    // lower id; 城西店 has nobody, K5 has no store; 滨江店 has li and zhou.
    const [lo, hi] = [users.li!, users.wang!].sort((a, b) => a - b);
    const load = new Map([
      [users.li!, 0],
      [users.wang!, 0],
      [users.zhou!, 0],
    ]);
    const staff: Record<string, number[]> = {
      西湖店: [lo!, hi!],
      滨江店: [users.li!, users.zhou!].sort((a, b) => a - b),
    };
    const storeOf: Record<string, string | null> = {
      K1: '西湖店',
      K2: '西湖店',
      K3: '西湖店',
      K4: '城西店',
      K5: null,
      K6: '滨江店',
    };
    const expected = order.map((k) => {
      const pool = staff[storeOf[k] ?? ''] ?? [];
      if (pool.length === 0) return null;
      const best = pool.reduce((b, id) => (load.get(id)! < load.get(b)! ? id : b));
      load.set(best, load.get(best)! + 1);
      return best;
    });
    expect(created.map((t) => t.assignee_id)).toEqual(expected);
    const cli = await api.call('POST', '/api/v1/tasks', {
      key: shop.keys.admin,
      body: { customer_id: ids.K4, kind: 'store_invite', title: '城西', assign: { rule: 'store' } },
    });
    expect(cli.status).toBe(200);
    expect(cli.body.assignee_id).toBeNull();
  });

  it('removing a member puts their open tasks in the queue with history; rules skip them after', async () => {
    const ids = await customerIds(database.db, shop.workspace.id);
    const mine = await createTasks(
      database.db,
      shop.workspace,
      cliActor(),
      'manual',
      [1, 2, 3].map((i) => ({
        customerId: ids.K1!,
        kind: 'callback',
        title: `回访 ${i}`,
        dueAt: new Date(),
      })),
      { rule: 'user', user_id: users.wang! },
    );
    const done = await api.call('PATCH', `/api/v1/tasks/${mine[2]!.id}`, {
      key: shop.keys.admin,
      body: { status: 'done', outcome: 'reached' },
    });
    expect(done.status).toBe(200);
    const openOfWang = await database.db
      .selectFrom('tasks')
      .select('id')
      .where('workspace_id', '=', shop.workspace.id)
      .where('assignee_id', '=', users.wang!)
      .where('status', 'in', ['open', 'in_progress'])
      .execute();
    const removed = await api.call('DELETE', `/api/v1/users/${users.wang}`, { key: shop.keys.admin });
    expect(removed.status).toBe(204);
    for (const { id } of openOfWang) {
      const task = await getTask(database.db, shop.workspace.id, id);
      expect(task.assignee_id).toBeNull();
      expect(task.history.at(-1)).toMatchObject({ event: 'requeued', assignee_id: null });
    }
    expect((await getTask(database.db, shop.workspace.id, mine[2]!.id)).assignee_id).toBe(users.wang);
    // The store rule and round robin no longer give wang anything; a direct pick of wang is refused.
    const next = await createTasks(
      database.db,
      shop.workspace,
      cliActor(),
      'bulk',
      [ids.K2!, ids.K3!, ids.K1!].map((c) => ({
        customerId: c,
        kind: 'callback',
        title: 'x',
        dueAt: new Date(),
      })),
      { rule: 'store' },
    );
    expect(next.map((t) => t.assignee_id)).toEqual([users.li, users.li, users.li]);
    const rr = await createTasks(
      database.db,
      shop.workspace,
      cliActor(),
      'bulk',
      Array.from({ length: 6 }, () => ({
        customerId: ids.K1!,
        kind: 'callback',
        title: 'y',
        dueAt: new Date(),
      })),
      { rule: 'round_robin', role: 'service' },
    );
    expect(rr.some((t) => t.assignee_id === users.wang)).toBe(false);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('workspace_id', '=', shop.workspace.id)
      .where('action', '=', 'user.remove')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ requeued_tasks: openOfWang.length });
  });

  it('reassigns tasks in bulk: open ones move with history, closed and others’ are listed', async () => {
    const ids = await customerIds(database.db, shop.workspace.id);
    const made = await createTasks(
      database.db,
      shop.workspace,
      cliActor(),
      'manual',
      [1, 2, 3].map((i) => ({
        customerId: ids.K1!,
        kind: 'callback',
        title: `批量 ${i}`,
        dueAt: new Date(),
      })),
      { rule: 'queue' },
    );
    await api.call('PATCH', `/api/v1/tasks/${made[2]!.id}`, {
      key: shop.keys.admin,
      body: { status: 'cancelled' },
    });
    const ok = await api.call('POST', '/api/v1/tasks/reassign', {
      key: shop.keys.service,
      body: { task_ids: made.map((t) => t.id).concat(99_999_999), assignee_id: users.zhou },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({
      reassigned: [made[0]!.id, made[1]!.id],
      skipped: [
        { id: made[2]!.id, reason: 'closed' },
        { id: 99_999_999, reason: 'not_found' },
      ],
    });
    const task = await getTask(database.db, shop.workspace.id, made[0]!.id);
    expect(task.assignee_id).toBe(users.zhou);
    expect(task.history.at(-1)).toMatchObject({
      assignee_id: users.zhou,
      from_status: 'open',
      to_status: 'open',
    });
    expect(task.history.at(-1)!.actor).toMatch(/^key:service/);
    for (const [body, field] of [
      [{ task_ids: [], assignee_id: null }, 'task_ids'],
      [{ task_ids: [made[0]!.id], assignee_id: users.wang }, 'assignee_id'],
      [{ task_ids: ['1'], assignee_id: null }, 'task_ids'],
      [{ task_ids: [made[0]!.id] }, 'assignee_id'],
    ] as const) {
      const r = await api.call('POST', '/api/v1/tasks/reassign', { key: shop.keys.admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.text).toContain(field);
    }
    const viewer = await api.call('POST', '/api/v1/tasks/reassign', {
      key: shop.keys.viewer,
      body: { task_ids: [made[0]!.id], assignee_id: null },
    });
    expect(viewer.status).toBe(403);
  });
});
