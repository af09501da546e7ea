import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const HOUR = 3_600_000;

describe.each(storesUnderTest())('staff tasks over HTTP ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const users: Record<string, number> = {};
  const customers: number[] = [];
  let bTask: number;

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    b = await workspaceWithKeys(database, 'shop-b');
    api = await startApi(database);
    for (const [name, role] of [
      ['s1', 'service'],
      ['s2', 'service'],
      ['op', 'operator'],
    ] as const) {
      const { user } = await createUser(database.db, a.workspace.id, cliActor(), {
        email: `${name}@shop.cn`,
        password: 'a long enough secret',
        role,
      });
      users[name] = user.id;
    }
    for (let i = 1; i <= 6; i++) {
      const r = await api.call('POST', '/api/v1/customers', {
        key: a.keys.admin,
        body: {
          external_id: `C-${i}`,
          name: `张三${i}`,
          phone: `1380013800${i}`,
          ...(i >= 2 ? { tags: ['vip'] } : {}),
        },
      });
      expect(r.status).toBe(200);
      customers.push(r.body.id);
    }
    const bc = await api.call('POST', '/api/v1/customers', {
      key: b.keys.admin,
      body: { external_id: 'B-1' },
    });
    const bt = await api.call('POST', '/api/v1/tasks', {
      key: b.keys.admin,
      body: { customer_id: bc.body.id, kind: 'callback', title: 'B call' },
    });
    expect(bt.status).toBe(200);
    bTask = bt.body.id;
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('assigns to the owner set on the profile, else to the queue', async () => {
    const [c1, c2] = customers as [number, number];
    const set = await api.call('PATCH', `/api/v1/customers/${c1}`, {
      key: a.keys.service,
      body: { owner_user_id: users.s1 },
    });
    expect(set.status).toBe(200);
    expect(set.body.customer.owner_user_id).toBe(users.s1);
    const notMember = await api.call('PATCH', `/api/v1/customers/${c1}`, {
      key: a.keys.admin,
      body: { owner_user_id: 999_999 },
    });
    expect(notMember.status).toBe(400);
    expect(notMember.body.fields[0].field).toBe('body.owner_user_id');

    const owned = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: { customer_id: c1, kind: 'vip_care', title: '生日关怀', assign: { rule: 'owner' } },
    });
    expect(owned.status).toBe(200);
    expect(owned.body.assignee_id).toBe(users.s1);
    expect(owned.body.assignee_email).toBe('s1@shop.cn');
    expect(owned.body.status).toBe('open');
    expect(owned.body.source).toBe('manual');
    expect(owned.body.history).toHaveLength(1);
    const queued = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: { customer_id: c2, kind: 'callback', title: '回访' },
    });
    expect(queued.body.assignee_id).toBeNull();
    const queue = await api.call('GET', '/api/v1/tasks?assignee=queue', { key: a.keys.admin });
    expect(queue.body.items.map((t: { id: number }) => t.id)).toEqual([queued.body.id]);
    const taken = await api.call('PATCH', `/api/v1/tasks/${queued.body.id}`, {
      key: a.keys.service,
      body: { assignee_id: users.op },
    });
    expect(taken.body.assignee_email).toBe('op@shop.cn');
    expect(taken.body.history.at(-1)).toMatchObject({
      from_status: 'open',
      to_status: 'open',
      assignee_id: users.op,
    });
    const back = await api.call('PATCH', `/api/v1/tasks/${queued.body.id}`, {
      key: a.keys.service,
      body: { assignee_id: null },
    });
    expect(back.body.assignee_id).toBeNull();
    expect(back.body.history).toHaveLength(3);
  });

  it('spreads a bulk run over a role, fewest open tasks first', async () => {
    const seg = await api.call('POST', '/api/v1/segments', {
      key: a.keys.admin,
      body: { name: 'vips', condition: { tag: 'vip' } },
    });
    expect(seg.status).toBe(201);
    // Before: s1 holds one open task (the owner's), s2 none. Five vips: s2 takes the first,
    // then they alternate from a tie (lowest id first), ending 3 + 3 open tasks in all.
    const bulk = await api.call('POST', '/api/v1/tasks/bulk', {
      key: a.keys.operator,
      body: {
        segment: 'vips',
        kind: 'winback_call',
        title: '本周回访',
        due_in_hours: 72,
        assign: { rule: 'round_robin', role: 'service' },
      },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.created).toBe(5);
    const got = Object.fromEntries(
      bulk.body.by_assignee.map((x: { assignee_id: number; tasks: number }) => [x.assignee_id, x.tasks]),
    );
    expect(got).toEqual({ [users.s1!]: 2, [users.s2!]: 3 });
    // Now 3 open tasks each: a tie goes to the lower user id, s1's (created first, checked below).
    const tie = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: {
        customer_id: customers[1],
        kind: 'callback',
        title: '回访',
        assign: { rule: 'round_robin', role: 'service' },
      },
    });
    expect([tie.body.assignee_id, users.s1! < users.s2!]).toEqual([users.s1, true]);
    const open = await api.call('GET', `/api/v1/tasks?assignee=${users.s1}&status=open,in_progress`, {
      key: a.keys.viewer,
    });
    expect(open.body.items).toHaveLength(4);
    const closed = await api.call('GET', '/api/v1/tasks?status=done,cancelled', { key: a.keys.viewer });
    expect(closed.body.items).toHaveLength(0);
    const mine = await api.call('GET', `/api/v1/tasks?assignee=${users.s2}&kind=winback_call`, {
      key: a.keys.viewer,
    });
    expect(mine.body.items).toHaveLength(3);
  });

  it("lists a signed-in agent's own tasks as assignee=me and records them as the actor", async () => {
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 's1@shop.cn', password: 'a long enough secret' },
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const mine = await api.call('GET', '/api/v1/tasks?assignee=me', { cookie });
    const byId = await api.call('GET', `/api/v1/tasks?assignee=${users.s1}`, { key: a.keys.admin });
    // s1 holds the owner's task, two of the bulk run's and the tie's (the test above).
    expect(mine.body.items).toHaveLength(4);
    expect(mine.body.items).toEqual(byId.body.items);
    const started = await api.call('PATCH', `/api/v1/tasks/${mine.body.items[0].id}`, {
      cookie,
      headers: { 'x-csrf-token': login.body.csrf_token },
      body: { status: 'in_progress' },
    });
    expect(started.status).toBe(200);
    expect(started.body.history.at(-1)).toMatchObject({
      actor: 's1@shop.cn',
      from_status: 'open',
      to_status: 'in_progress',
    });
  });

  it('works a task through its statuses with a history and refuses a closed one', async () => {
    const c = customers[2]!;
    const t = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: {
        customer_id: c,
        kind: 'complaint',
        title: '投诉处理',
        priority: 'urgent',
        assign: { rule: 'user', user_id: users.s2 },
      },
    });
    const path = `/api/v1/tasks/${t.body.id}`;
    const start = await api.call('PATCH', path, { key: a.keys.service, body: { status: 'in_progress' } });
    expect(start.body.status).toBe('in_progress');
    const noOutcome = await api.call('PATCH', path, { key: a.keys.service, body: { status: 'done' } });
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.body.fields[0].field).toBe('outcome');
    const badOutcome = await api.call('PATCH', path, {
      key: a.keys.service,
      body: { status: 'done', outcome: 'made_up' },
    });
    expect(badOutcome.status).toBe(400);
    const done = await api.call('PATCH', path, {
      key: a.keys.service,
      body: { status: 'done', outcome: 'complaint_resolved', notes: '已退款' },
    });
    expect(done.status).toBe(200);
    expect(done.body.outcome).toBe('complaint_resolved');
    expect(done.body.notes).toBe('已退款');
    expect(done.body.closed_at).not.toBeNull();
    expect(
      done.body.history.map((h: { from_status: string | null; to_status: string }) => [
        h.from_status,
        h.to_status,
      ]),
    ).toEqual([
      [null, 'open'],
      ['open', 'in_progress'],
      ['in_progress', 'done'],
    ]);
    expect(done.body.history[2].outcome).toBe('complaint_resolved');
    expect(done.body.history[2].actor).toMatch(/^key:service/);
    const again = await api.call('PATCH', path, { key: a.keys.service, body: { status: 'cancelled' } });
    expect(again.status).toBe(409);
    const audit = (await api.call('GET', '/api/v1/audit?action=task.', { key: a.keys.admin })).body.items;
    expect(
      audit
        .filter((e: { object_id: string }) => e.object_id === String(t.body.id))
        .map((e: { action: string }) => e.action),
    ).toEqual(['task.done', 'task.in_progress', 'task.create']);
  });

  it('marks and filters overdue tasks, sorted by due, and pages with a cursor', async () => {
    const c = customers[3]!;
    const past = new Date(Date.now() - 5 * HOUR).toISOString();
    const late = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.service,
      body: { customer_id: c, kind: 'callback', title: 'late', due_at: past },
    });
    expect(late.body.overdue).toBe(true);
    const overdue = await api.call('GET', '/api/v1/tasks?overdue=true', { key: a.keys.admin });
    expect(overdue.body.items.map((t: { id: number }) => t.id)).toEqual([late.body.id]);
    const all: { id: number; due_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof all; next_cursor: string | null } } = await api.call(
        'GET',
        `/api/v1/tasks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: a.keys.admin },
      );
      all.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    const whole = await api.call('GET', '/api/v1/tasks?limit=500', { key: a.keys.admin });
    expect(all.map((t) => t.id)).toEqual(whole.body.items.map((t: { id: number }) => t.id));
    const sorted = [...all].sort((x, y) => Date.parse(x.due_at) - Date.parse(y.due_at) || x.id - y.id);
    expect(all.map((t) => t.id)).toEqual(sorted.map((t) => t.id));
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all[0]!.id).toBe(late.body.id);
  });

  it('masks names and phones for viewers and keeps other workspaces out', async () => {
    const open = await api.call('GET', `/api/v1/customers/${customers[0]}/tasks`, { key: a.keys.service });
    expect(open.body.items[0].customer_name).toBe('张三1');
    expect(open.body.items[0].customer_phone).toBe('13800138001');
    const masked = await api.call('GET', `/api/v1/customers/${customers[0]}/tasks`, { key: a.keys.viewer });
    expect(masked.body.items[0].customer_name).toBe('张**');
    expect(masked.body.items[0].customer_phone).toBe('138****8001');
    const one = await api.call('GET', `/api/v1/tasks/${open.body.items[0].id}`, { key: a.keys.viewer });
    expect(one.body.customer_phone).toBe('138****8001');

    expect((await api.call('GET', `/api/v1/tasks/${bTask}`, { key: a.keys.admin })).status).toBe(404);
    const patch = await api.call('PATCH', `/api/v1/tasks/${bTask}`, {
      key: a.keys.admin,
      body: { status: 'cancelled' },
    });
    expect(patch.status).toBe(404);
    const listed = await api.call('GET', '/api/v1/tasks?limit=500', { key: a.keys.admin });
    expect(listed.body.items.some((t: { id: number }) => t.id === bTask)).toBe(false);
    const bCustomer = await api.call('POST', '/api/v1/tasks', {
      key: a.keys.admin,
      body: {
        customer_id: (await api.call('GET', `/api/v1/tasks/${bTask}`, { key: b.keys.admin })).body
          .customer_id,
        kind: 'callback',
        title: 'x',
      },
    });
    expect(bCustomer.status).toBe(404);
  });

  it('keeps service notes on the profile, newest first', async () => {
    const c = customers[5]!;
    const first = await api.call('POST', `/api/v1/customers/${c}/notes`, {
      key: a.keys.service,
      body: { type: 'call', summary: '电话回访：满意' },
    });
    expect(first.status).toBe(200);
    expect(first.body.author).toMatch(/^key:service/);
    await api.call('POST', `/api/v1/customers/${c}/notes`, {
      key: a.keys.service,
      body: { summary: '备注' },
    });
    const notes = await api.call('GET', `/api/v1/customers/${c}/notes`, { key: a.keys.viewer });
    expect(notes.body.items.map((n: { type: string }) => n.type)).toEqual(['note', 'call']);
    const profile = await api.call('GET', `/api/v1/customers/${c}`, { key: a.keys.viewer });
    expect(profile.body.notes).toHaveLength(2);
    expect(profile.body.tasks.length).toBeGreaterThan(0);
    expect(profile.body.customer.owner_user_id).toBeNull();
    const other = await api.call('GET', `/api/v1/customers/${c}/notes`, { key: b.keys.admin });
    expect(other.status).toBe(404);
  });

  it('answers 400 naming the field for bad input, never 500', async () => {
    const c = customers[0];
    const task = (await api.call('GET', '/api/v1/tasks?limit=1', { key: a.keys.admin })).body.items[0].id;
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/tasks', { customer_id: 'x', kind: 'callback', title: 't' }, 'customer_id'],
      ['POST', '/api/v1/tasks', { customer_id: c, kind: 'callback', title: 'x'.repeat(100_000) }, 'title'],
      ['POST', '/api/v1/tasks', { customer_id: c, kind: 'callback', title: 'a\u0000b' }, 'title'],
      ['POST', '/api/v1/tasks', { customer_id: c, kind: 'callback', title: 'a\ud800b' }, 'title'],
      [
        'POST',
        '/api/v1/tasks',
        { customer_id: c, kind: 'callback', title: 't', due_at: '2026-02-30T10:00:00Z' },
        'due_at',
      ],
      [
        'POST',
        '/api/v1/tasks',
        { customer_id: c, kind: 'callback', title: 't', due_at: 'tomorrow' },
        'due_at',
      ],
      ['POST', '/api/v1/tasks', { customer_id: c, kind: 'nope', title: 't' }, 'kind'],
      [
        'POST',
        '/api/v1/tasks',
        { customer_id: c, kind: 'callback', title: 't', assign: { rule: 'user', user_id: 424242 } },
        'assign',
      ],
      [
        'POST',
        '/api/v1/tasks',
        { customer_id: c, kind: 'callback', title: 't', assign: { rule: 'round_robin', role: 'boss' } },
        'assign',
      ],
      // The input guard refuses a __proto__ key by name, before any schema.
      [
        'POST',
        '/api/v1/tasks',
        JSON.parse('{"__proto__": {"x": 1}, "customer_id": 1, "kind": "callback", "title": "t"}'),
        '__proto__',
      ],
      ['PATCH', `/api/v1/tasks/${task}`, { status: 'finished' }, 'status'],
      ['PATCH', `/api/v1/tasks/${task}`, { notes: 'x\u0000' }, 'notes'],
      ['PATCH', `/api/v1/tasks/${task}`, { due_at: '2026-13-01T00:00:00Z' }, 'due_at'],
      ['PATCH', `/api/v1/tasks/${task}`, { assignee_id: 'me' }, 'assignee_id'],
      ['PATCH', `/api/v1/tasks/${task}`, { assignee_id: 424242 }, 'assignee_id'],
      [
        'POST',
        '/api/v1/tasks/bulk',
        { segment: 'vips', kind: 'callback', title: 't', due_in_hours: -1 },
        'due_in_hours',
      ],
      [
        'POST',
        '/api/v1/tasks/bulk',
        { segment: 'v\u0000', kind: 'callback', title: 't', due_in_hours: 1 },
        'segment',
      ],
      ['POST', `/api/v1/customers/${c}/notes`, { type: 'memo', summary: 's' }, 'type'],
      ['POST', `/api/v1/customers/${c}/notes`, { summary: '\udc00' }, 'summary'],
      ['POST', `/api/v1/customers/${c}/notes`, { summary: 'y'.repeat(5000) }, 'summary'],
      ['GET', '/api/v1/tasks?assignee=everyone', undefined, 'assignee'],
      ['GET', '/api/v1/tasks?assignee=me', undefined, 'assignee'],
      ['GET', '/api/v1/tasks?overdue=yes', undefined, 'overdue'],
      ['GET', '/api/v1/tasks?status=open,nope', undefined, 'status'],
      ['GET', '/api/v1/tasks?cursor=abc', undefined, 'cursor'],
      ['GET', '/api/v1/tasks?customer_id=-3', undefined, 'customer_id'],
      ['GET', '/api/v1/tasks/report?from=2026-01-01&to=nope', undefined, 'to'],
      ['GET', '/api/v1/tasks/report?from=2026-03-01&to=2026-01-01', undefined, 'to'],
      ['GET', '/api/v1/tasks/99999999999999999999', undefined, 'taskId'],
      ['GET', '/api/v1/tasks/report?from=2026-02-30&to=2026-03-01', undefined, 'from'],
      ['GET', '/api/v1/tasks/report?from=2026-01-01&to=2026-01-01&x=1', undefined, 'querystring'],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await api.call(method, path, { key: a.keys.admin, body });
      expect({ path, body, status: r.status }).toEqual({ path, body, status: 400 });
      const named = (r.body.fields ?? []).map((f: { field: string }) => f.field).join(' ') + r.body.message;
      expect(named, JSON.stringify(r.body)).toContain(field);
    }
  });
});
