import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('service records through the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let ws: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  const notes = (id: number, key: string) => api.call('GET', `/api/v1/customers/${id}/notes`, { key });
  const write = (id: number, key: string, body: unknown) =>
    api.call('POST', `/api/v1/customers/${id}/notes`, { key, body });

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    ws = await workspaceWithKeys(database, `svc-api-${store.name}`);
    await importText(
      database,
      ws.workspace,
      'customers',
      'customer_id,name,phone,member_card\nS1,张三,13812345678,\nS2,李四,,CARD-2\n',
    );
    ids = await customerIds(database.db, ws.workspace.id);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('writes calls and tickets, lists them by when they happened, and moves a ticket on', async () => {
    const c = ids.S1!;
    const call = await write(c, ws.keys.service, {
      type: 'call',
      summary: '电话回访：对奶粉满意，新号码 13987654321',
      occurred_at: '2026-03-02T10:00:00+08:00',
    });
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({
      type: 'call',
      status: null,
      author: expect.stringMatching(/^key:service /),
      author_user_id: null,
      source: 'manual',
      external_ref: null,
      occurred_at: '2026-03-02T02:00:00.000Z',
    });
    const ticket = await write(c, ws.keys.operator, {
      type: 'ticket',
      summary: '退货：罐子破损',
      occurred_at: '2026-03-03T09:00:00Z',
      external_ref: 'TK-1',
    });
    expect(ticket.body).toMatchObject({ type: 'ticket', status: 'open', external_ref: 'TK-1' });
    // Written later but happened earlier: listed after the call.
    const note = await write(c, ws.keys.admin, {
      summary: '喜欢蓝色',
      occurred_at: '2026-03-01T08:00:00+08:00',
    });
    expect(note.body).toMatchObject({ type: 'note', status: null });

    const list = await notes(c, ws.keys.service);
    expect(list.body.items.map((n: { id: number }) => n.id)).toEqual([
      ticket.body.id,
      call.body.id,
      note.body.id,
    ]);

    const resolved = await api.call('PATCH', `/api/v1/customers/${c}/notes/${ticket.body.id}`, {
      key: ws.keys.service,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    const wrong = await api.call('PATCH', `/api/v1/customers/${c}/notes/${call.body.id}`, {
      key: ws.keys.service,
      body: { status: 'open' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/status: open does not fit a call/);
    const elsewhere = await api.call('PATCH', `/api/v1/customers/${ids.S2}/notes/${ticket.body.id}`, {
      key: ws.keys.service,
      body: { status: 'closed' },
    });
    expect(elsewhere.status).toBe(404);
    const viewer = await api.call('PATCH', `/api/v1/customers/${c}/notes/${ticket.body.id}`, {
      key: ws.keys.viewer,
      body: { status: 'closed' },
    });
    expect(viewer.status).toBe(403);
  });

  it('masks phones and emails inside summaries for roles without personal data, in the list and the profile', async () => {
    const c = ids.S2!;
    const summary = '客户留了新号码 13987654321 和邮箱 li.si@example.com，要求回电';
    await write(c, ws.keys.service, { type: 'call', summary });
    const masked = '客户留了新号码 139****4321 和邮箱 l***@example.com，要求回电';
    for (const [role, expected] of [
      ['service', summary],
      ['admin', summary],
      ['operator', masked],
      ['viewer', masked],
    ] as const) {
      const list = await notes(c, ws.keys[role]);
      expect(
        list.body.items.map((n: { summary: string }) => n.summary),
        role,
      ).toEqual([expected]);
      const profile = await api.call('GET', `/api/v1/customers/${c}`, { key: ws.keys[role] });
      expect(
        profile.body.notes.map((n: { summary: string }) => n.summary),
        role,
      ).toEqual([expected]);
    }
  });

  it('answers 400 naming the field for bad records, and writes none of them', async () => {
    const c = ids.S2!;
    const before = (await notes(c, ws.keys.admin)).body.items.length;
    const cases: [unknown, string][] = [
      [{ type: 'call', summary: 'a\u0000b' }, 'summary'],
      [{ type: 'call', summary: '   ' }, 'summary'],
      [{ type: 'call', summary: 'x'.repeat(4001) }, 'summary'],
      [{ type: 'sms', summary: 'x' }, 'type'],
      [{ type: 'call', summary: 'x', status: 'open' }, 'status'],
      [{ type: 'ticket', summary: 'x', status: 'done' }, 'status'],
      [{ type: 'call', summary: 'x', occurred_at: '2026-02-30T10:00:00+08:00' }, 'occurred_at'],
      [{ type: 'call', summary: 'x', occurred_at: 'yesterday' }, 'occurred_at'],
      [{ type: 'call', summary: 'x', external_ref: 'r'.repeat(201) }, 'external_ref'],
      [{ type: 'call', summary: 'x', author: 'someone else' }, 'author'],
    ];
    for (const [body, field] of cases) {
      const reply = await write(c, ws.keys.service, body);
      expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(reply.body.message, field).toContain(field);
    }
    expect((await notes(c, ws.keys.admin)).body.items.length).toBe(before);
  });

  it('imports a service export through the upload route: dry run writes nothing, errors by line and column', async () => {
    const csv = [
      '工单号,会员卡号,客户手机号,类型,状态,摘要,处理人,时间',
      'W1,CARD-2,,工单,已关闭,发票补开,小王,2026-03-05 10:00',
      'W2,,13900000000,电话,,打错了,小王,2026-03-05 11:00',
      'W3,,13812345678,到店,,试用推车,导购小周,2026-03-06 15:00',
    ].join('\n');
    const upload = async (dryRun: boolean) => {
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), '客服导出.csv');
      const started = await api.call(
        'POST',
        `/api/v1/imports?kind=service-records${dryRun ? '&dry_run=true' : ''}`,
        { key: ws.keys.operator, raw: form },
      );
      expect(started.status).toBe(202);
      let job = started.body;
      for (let i = 0; i < 400 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await api.call('GET', `/api/v1/imports/${job.id}`, { key: ws.keys.operator })).body;
      }
      expect(job.status).toBe('completed');
      return job.stats;
    };
    const imported = async () =>
      (
        await database.db
          .selectFrom('customer_notes')
          .select(['external_ref', 'customer_id', 'type', 'status', 'author'])
          .where('workspace_id', '=', ws.workspace.id)
          .where('source', '=', 'import')
          .orderBy('external_ref')
          .execute()
      ).map((r) => ({ ...r, customer_id: Number(r.customer_id) }));
    const dry = await upload(true);
    expect(dry).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    expect(dry.errors).toEqual([
      {
        line: 3,
        column: '客户手机号',
        reason: '客户手机号 names no known customer (import or create the customer first)',
      },
    ]);
    expect(await imported()).toEqual([]);
    expect(await upload(false)).toMatchObject({ inserted: 2, rejected: 1 });
    const expected = [
      { external_ref: 'W1', customer_id: ids.S2, type: 'ticket', status: 'closed', author: '小王' },
      { external_ref: 'W3', customer_id: ids.S1, type: 'visit', status: null, author: '导购小周' },
    ];
    expect(await imported()).toEqual(expected);
    expect(await upload(false)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
    expect(await imported()).toEqual(expected);
  });
});
