import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { deliverDue } from '../src/messaging/message-deliver.ts';
import { sendMessage } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { clockNow, setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds } from './fixtures.ts';
import { startHttpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

/** What the WeChat test server answers next to a template send, by openid. */
const answers = new Map<string, { errcode: number; errmsg: string }>();
let issued = 0;
let wechat: Awaited<ReturnType<typeof startHttpSink>>;

beforeAll(async () => {
  setClock('2026-06-01T10:00:00+08:00');
  // A stand-in for api.weixin.qq.com that checks what the docs require: the token request with the
  // app's id and secret, and sends that carry a token it issued.
  const valid = new Set<string>();
  wechat = await startHttpSink((req, res, body) => {
    const url = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/cgi-bin/token') {
      const ok =
        url.searchParams.get('grant_type') === 'client_credential' &&
        url.searchParams.get('appid') === 'wx-app' &&
        url.searchParams.get('secret') === 'app-secret';
      if (!ok) return res.end(JSON.stringify({ errcode: 40125, errmsg: 'invalid appsecret' }));
      const token = `token-${++issued}`;
      valid.add(token);
      return res.end(JSON.stringify({ access_token: token, expires_in: 7200 }));
    }
    if (url.pathname === '/cgi-bin/message/template/send') {
      if (!valid.has(url.searchParams.get('access_token') ?? ''))
        return res.end(JSON.stringify({ errcode: 40001, errmsg: 'invalid credential' }));
      const sent = JSON.parse(body) as { touser: string };
      const answer = answers.get(sent.touser);
      if (answer) {
        answers.delete(sent.touser);
        // An expired token: the server forgets it, as WeChat does.
        if (answer.errcode === 42001) valid.clear();
        return res.end(JSON.stringify(answer));
      }
      return res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 200228332 }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
});
afterAll(async () => {
  setClock(undefined);
  await wechat?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('WeChat template messages ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `wechat-${store.name}` });
    const file = join(await mkdtemp(join(tmpdir(), 'retain-wechat-')), 'c.csv');
    await writeFile(file, 'customer_id,name,wechat_openid\nW1,周一,oW1\nW2,周二,oW2\nW3,周三,\n');
    await importFile(database, { kind: 'customers', file, workspace: ws });
    Object.assign(ids, await customerIds(database.db, ws.id));
    await setChannel(
      database.db,
      ws.id,
      'wechat_template',
      {
        api_base: `http://127.0.0.1:${wechat.port}`,
        app_id: 'wx-app',
        template_id: 'TPL-1',
        url: 'https://shop.example.cn/',
      },
      { app_secret: 'app-secret' },
    );
    await saveTemplates(database.db, ws.id, [
      {
        name: '到货通知',
        channel: 'wechat_template',
        purpose: 'transactional',
        subject: { 'zh-CN': '{{ name }}，您关注的商品到货了' },
        body: { 'zh-CN': '点击查看详情' },
      },
    ]);
  });
  afterAll(() => database?.close());

  const send = (customer: string, key: string) =>
    sendMessage(database.db, ws, {
      template: '到货通知',
      customerId: ids[customer]!,
      idempotencyKey: `${key}-${store.name}`,
    });

  it('sends to the customer’s openid with the template’s fields, fetching a token once', async () => {
    const before = wechat.requests.length;
    const tokensBefore = issued;
    expect(await send('W1', 'w1')).toEqual({ status: 'sent', reason: null, fresh: true });
    expect(await send('W2', 'w2')).toMatchObject({ status: 'sent' });
    const sends = wechat.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/cgi-bin/message/template/send'));
    expect(sends.map((r) => JSON.parse(r.body))).toEqual([
      {
        touser: 'oW1',
        template_id: 'TPL-1',
        url: 'https://shop.example.cn/',
        data: { first: { value: '周一，您关注的商品到货了' }, remark: { value: '点击查看详情' } },
      },
      {
        touser: 'oW2',
        template_id: 'TPL-1',
        url: 'https://shop.example.cn/',
        data: { first: { value: '周二，您关注的商品到货了' }, remark: { value: '点击查看详情' } },
      },
    ]);
    expect(issued - tokensBefore).toBeLessThanOrEqual(1);
    expect(await send('W3', 'w3')).toMatchObject({ status: 'skipped', reason: 'no_wechat_openid' });
  });

  it('retries after an expired token with a fresh one, and records a refusal that will not heal', async () => {
    answers.set('oW1', { errcode: 42001, errmsg: 'access_token expired' });
    expect(await send('W1', 'expired')).toMatchObject({
      status: 'queued',
      reason: 'retrying: WeChat template message: 42001 access_token expired',
    });
    const tokens = issued;
    await deliverDue(database.db, ws, new Date(clockNow().getTime() + 61_000));
    expect(issued).toBe(tokens + 1);
    const row = await database.db
      .selectFrom('messages')
      .select(['status', 'attempts'])
      .where('idempotency_key', '=', `expired-${store.name}`)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', attempts: 2 });
    answers.set('oW2', { errcode: 43004, errmsg: 'require subscribe' });
    expect(await send('W2', 'unsubscribed')).toMatchObject({
      status: 'failed',
      reason: 'WeChat template message: 43004 require subscribe',
    });
  });
});
