import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import type { Workspace } from '../src/workspaces/workspace-service.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';
import { startWecomServer } from './wecom-server.ts';

const SECRET = 'wecom-Secret-5f1c9a0e77';
/** Each store's own corp, so one store's kept token does not serve the other's sends. */
const corpOf = (store: string) => `ww${store.replace(/\W/g, '')}`;
const stores = storesUnderTest();
let wecom: Awaited<ReturnType<typeof startWecomServer>>;

beforeAll(async () => {
  setClock('2026-06-01T10:00:00+08:00');
  // zhangsan's WeCom contacts; wmC5 is not one of them (WeCom puts it in fail_list).
  wecom = await startWecomServer(Object.fromEntries(stores.map((s) => [corpOf(s.name), SECRET])), {
    zhangsan: ['wmC1', 'wmC2', 'wmC3', 'wmC4', 'wmC9', 'wmC10', 'wmC11'],
    lisi: [],
  });
});
afterAll(async () => {
  setClock(undefined);
  await wecom?.close();
  await dropTestSchemas();
});

describe.each(stores)('WeCom customer contact ($name)', (store) => {
  let database: Database;
  let api: Api;
  let ws: Workspace;
  let admin: string;
  const ids: Record<string, number> = {};
  const users: Record<string, number> = {};

  beforeAll(async () => {
    // Each store's run starts on the same day (the previous one moved the clock on).
    setClock('2026-06-01T10:00:00+08:00');
    database = await store.open();
    api = await startApi(database);
    const made = await workspaceWithKeys(database, `wecom-${store.name}`);
    ws = made.workspace;
    admin = made.keys.admin;
    const file = join(await mkdtemp(join(tmpdir(), 'retain-wecom-')), 'c.csv');
    const names = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11'];
    await writeFile(file, `customer_id,name\n${names.map((n) => `${n},客户${n}`).join('\n')}\n`);
    await importFile(database, { kind: 'customers', file, workspace: ws });
    Object.assign(ids, await customerIds(database.db, ws.id));
    for (const [name, email] of [
      ['owner', 'zhang@shop.cn'],
      ['nowecom', 'li@shop.cn'],
    ] as const) {
      const { user } = await createUser(database.db, ws.id, cliActor(), {
        email,
        password: 'long-enough-password',
        role: 'service',
      });
      users[name] = user.id;
    }
    const put = async (path: string, body: unknown) => {
      const r = await api.call('PUT', path, { key: admin, body });
      expect([path, r.status]).toEqual([path, 200]);
    };
    await put(`/api/v1/users/${users.owner}/wecom`, { wecom_userid: 'zhangsan' });
    for (const c of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C9', 'C10', 'C11'])
      await put(`/api/v1/customers/${ids[c]}/wecom`, { external_userid: `wm${c}` });
    for (const c of names.filter((n) => n !== 'C6')) {
      const owner = c === 'C7' ? users.nowecom : users.owner;
      const r = await api.call('PATCH', `/api/v1/customers/${ids[c]}`, {
        key: admin,
        body: { owner_user_id: owner },
      });
      expect(r.status).toBe(200);
    }
    const set = await api.call('PUT', '/api/v1/channels', {
      key: admin,
      body: {
        channel: 'wecom_customer',
        config: {
          api_base: `http://127.0.0.1:${wecom.port}/`,
          corp_id: corpOf(store.name),
          pending_hours: 48,
        },
        secrets: { secret: SECRET },
      },
    });
    expect(set.status).toBe(204);
    await saveTemplates(database.db, ws.id, [
      {
        name: '回访提醒',
        channel: 'wecom_customer',
        purpose: 'transactional',
        subject: { 'zh-CN': '{{ name }}您好' },
        body: { 'zh-CN': '您上次购买的商品用得怎么样？' },
      },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const send = async (customer: string, key: string) => {
    const r = await api.call('POST', '/api/v1/messages', {
      key: admin,
      body: { template: '回访提醒', customer_id: ids[customer], idempotency_key: `${key}-${store.name}` },
    });
    expect(r.status).toBe(200);
    return r.body as { status: string; reason: string | null };
  };
  const messageOf = (key: string) =>
    database.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('idempotency_key', '=', `api:${key}-${store.name}`)
      .executeTakeFirstOrThrow();
  const tasksSince = (n: number) =>
    wecom.requests.slice(n).filter((r) => r.path.startsWith('/cgi-bin/externalcontact/add_msg_template'));

  it('creates one message task per customer for the owner, with one token for many sends', async () => {
    const requests = wecom.requests.length;
    const tokens = wecom.issued();
    for (const c of ['C1', 'C2', 'C3', 'C4'])
      expect(await send(c, `first-${c}`)).toMatchObject({ status: 'sent' });
    expect(wecom.issued() - tokens).toBe(1);
    const bodies = tasksSince(requests).map((r) => JSON.parse(r.body));
    expect(bodies).toEqual(
      ['C1', 'C2', 'C3', 'C4'].map((c) => ({
        chat_type: 'single',
        external_userid: [`wm${c}`],
        sender: 'zhangsan',
        text: { content: `客户${c}您好\n您上次购买的商品用得怎么样？` },
      })),
    );
    // Each message keeps the msgid WeCom gave, and the task is kept for its result.
    for (const c of ['C1', 'C2', 'C3', 'C4']) {
      const m = await messageOf(`first-${c}`);
      expect(wecom.tasks.get(m.provider_id!)?.externalUserids).toEqual([`wm${c}`]);
    }
    expect(wecom.violations).toEqual([]);
  });

  it('skips, with the reason stored, customers it cannot reach through an owner', async () => {
    const requests = wecom.requests.length;
    expect(await send('C6', 'no-owner')).toMatchObject({ status: 'skipped', reason: 'no_owner' });
    expect(await send('C7', 'no-wecom')).toMatchObject({
      status: 'skipped',
      reason: 'no_owner_wecom_userid',
    });
    expect(await send('C8', 'no-ext')).toMatchObject({
      status: 'skipped',
      reason: 'no_wecom_external_userid',
    });
    expect(tasksSince(requests)).toEqual([]);
    // WeCom itself refuses a customer who is not the sender's contact: failed, not retried.
    expect(await send('C5', 'not-contact')).toMatchObject({ status: 'failed' });
    expect((await messageOf('not-contact')).reason).toContain('fail_list');
  });

  it('gets a new token and tries once more when WeCom says the token expired (42001) or is invalid (40014)', async () => {
    for (const [customer, spoil, code] of [
      ['C10', () => wecom.expireAll(), 42001],
      ['C11', () => wecom.revokeAll(), 40014],
    ] as const) {
      spoil();
      const tokens = wecom.issued();
      const answered = wecom.answered.length;
      expect(await send(customer, `retry-${customer}`)).toMatchObject({ status: 'sent', reason: null });
      expect(wecom.issued() - tokens).toBe(1);
      expect(wecom.answered.slice(answered)).toEqual([code, 0, 0]);
    }
    expect(wecom.violations).toEqual([]);
  });

  it('keeps WeCom’s one message a customer a natural day in the workspace’s zone', async () => {
    expect(await send('C1', 'second-C1')).toMatchObject({ status: 'skipped', reason: 'wecom_daily_quota' });
    // Just before and just after midnight in Shanghai are two days, though one UTC day.
    setClock('2026-06-02T23:30:00+08:00');
    expect(await send('C9', 'night')).toMatchObject({ status: 'sent' });
    setClock('2026-06-03T00:10:00+08:00');
    expect(await send('C9', 'after-midnight')).toMatchObject({ status: 'sent' });
    setClock('2026-06-03T08:00:00+08:00');
    expect(await send('C9', 'morning')).toMatchObject({ status: 'skipped', reason: 'wecom_daily_quota' });
  });

  it('fetches the results in the worker and records them as delivered or failed', async () => {
    const status: Record<string, number> = { C1: 1, C2: 2, C3: 3, C4: 0 };
    const msgids: Record<string, string> = {};
    for (const c of Object.keys(status)) msgids[c] = (await messageOf(`first-${c}`)).provider_id!;
    for (const [c, s] of Object.entries(status)) wecom.setStatus(msgids[c]!, `wm${c}`, s);
    // Sent at 2026-06-01 10:00; 48 hours pass at 06-03 10:00.
    setClock('2026-06-03T09:00:00+08:00');
    await runOnce(database.db, [ws.name]);
    const expected: Record<number, [string, string | null, boolean]> = {
      1: ['sent', null, true],
      2: ['failed', 'wecom_not_friend', false],
      3: ['failed', 'wecom_already_received', false],
      0: ['sent', null, false],
    };
    for (const [c, s] of Object.entries(status)) {
      const m = await messageOf(`first-${c}`);
      expect([c, m.status, m.reason, m.delivered_at !== null]).toEqual([c, ...expected[s]!]);
    }
    // Asked again only after ten minutes.
    const requests = wecom.requests.length;
    setClock('2026-06-03T09:05:00+08:00');
    await runOnce(database.db, [ws.name]);
    expect(wecom.requests.length).toBe(requests);
    // Past the 48-hour window a task still not sent counts as not sent.
    setClock('2026-06-03T10:30:00+08:00');
    const pass = (await runOnce(database.db, [ws.name]))[0]!;
    expect(await messageOf('first-C4')).toMatchObject({ status: 'failed', reason: 'wecom_not_sent' });
    expect(pass.wecom.failed).toBeGreaterThanOrEqual(1);
    expect(wecom.violations).toEqual([]);
  });

  it('never shows or stores the secret: settings, messages, audit', async () => {
    const list = await api.call('GET', '/api/v1/channels', { key: admin });
    const channel = list.body.find((c: { channel: string }) => c.channel === 'wecom_customer');
    expect(channel).toMatchObject({
      secrets: { secret: 'set' },
      config: { corp_id: corpOf(store.name), pending_hours: 48, api_base: `http://127.0.0.1:${wecom.port}` },
    });
    expect(list.text).not.toContain(SECRET);
    const test = await api.call('POST', '/api/v1/channels/wecom_customer/test', { key: admin, body: {} });
    expect(test.body).toEqual({ sent: true, provider_id: null });
    const stored = await database.db
      .selectFrom('messages')
      .select(['reason', 'provider_id'])
      .where('workspace_id', '=', ws.id)
      .execute();
    const audit = await database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(JSON.stringify([stored, audit])).not.toContain(SECRET);
  });

  it('counts a marketing message through the owner toward Retain’s frequency cap across channels', async () => {
    // The workspace's cap: two marketing messages a customer in 7 days, whatever the channel.
    setClock('2026-06-10T10:00:00+08:00');
    await saveTemplates(database.db, ws.id, [
      {
        name: '上新推荐',
        channel: 'wecom_customer',
        purpose: 'marketing',
        body: { 'zh-CN': '新品到店，欢迎来看看' },
      },
    ]);
    // One marketing mail yesterday.
    await database.db
      .insertInto('messages')
      .values({
        workspace_id: ws.id,
        customer_id: ids.C2!,
        channel: 'email',
        template: '上新推荐',
        purpose: 'marketing',
        idempotency_key: `earlier-mail-${store.name}`,
        status: 'sent',
        sent_at: new Date('2026-06-09T10:00:00+08:00'),
      })
      .execute();
    const marketing = async (key: string) => {
      const r = await api.call('POST', '/api/v1/messages', {
        key: admin,
        body: { template: '上新推荐', customer_id: ids.C2, idempotency_key: `${key}-${store.name}` },
      });
      expect(r.status).toBe(200);
      return r.body as { status: string; reason: string | null };
    };
    const requests = wecom.requests.length;
    expect(await marketing('new-arrivals-1')).toMatchObject({ status: 'sent' });
    expect(tasksSince(requests)).toHaveLength(1);
    // The next day (WeCom's own daily quota is free again) the mail and the WeCom message fill the cap.
    setClock('2026-06-11T10:00:00+08:00');
    expect(await marketing('new-arrivals-2')).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(tasksSince(requests)).toHaveLength(1);
  });
});
