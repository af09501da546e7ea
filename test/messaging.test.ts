import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-key-service.ts';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { deliverDue } from '../src/messaging/message-deliver.ts';
import { optOut, renderForCustomer, sendMessage } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { clockNow, setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { startApi } from './api-harness.ts';
import { customerIds, useLocalChannels } from './fixtures.ts';
import { type ReceivedMail, type ReceivedRequest, startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const csvDir = mkdtempSync(join(tmpdir(), 'retain-messaging-files-'));
let csvCount = 0;
const csvFile = (text: string) => {
  const path = join(csvDir, `f-${csvCount++}.csv`);
  writeFileSync(path, text);
  return path;
};

afterAll(dropTestSchemas);

let mail: ReceivedMail[] = [];
let hooks: ReceivedRequest[] = [];
let smtpPort = 0;
let httpPort = 0;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // Mid-morning in Shanghai, outside the default quiet hours, whenever the suite runs.
  setClock('2026-06-01T10:00:00+08:00');
  const smtp = await startSmtpSink();
  // A real HTTP server standing in for the merchant's webhook receiver, WeCom and Tencent Cloud.
  const http = await startHttpSink((req, res, body) => {
    if (req.url?.startsWith('/wecom')) {
      const ok = req.url.includes('key=robot-key');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 93000, errmsg: 'invalid webhook url' }),
      );
    } else if (req.url === '/tencent') {
      res.setHeader('content-type', 'application/json');
      const phone = JSON.parse(body).PhoneNumberSet?.[0];
      res.end(
        JSON.stringify({
          Response: {
            SendStatusSet: [{ SerialNo: 'sn-1', PhoneNumber: phone, Code: 'Ok' }],
            RequestId: 'r1',
          },
        }),
      );
    } else if (req.url === '/down') {
      res.statusCode = 503;
      res.end();
    } else res.end('ok');
  });
  mail = smtp.mail;
  hooks = http.requests;
  smtpPort = smtp.port;
  httpPort = http.port;
  closers.push(smtp.close, http.close);
});
afterAll(async () => {
  for (const close of closers) await close();
});

describe.each(storesUnderTest())('messages over real local servers ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `shop-${store.name}` });
    const dir = mkdtempSync(join(tmpdir(), 'retain-messaging-'));
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id,name,email\nM1,张三,zhang@example.com\nM2,李四,\n');
    await importFile(database, { kind: 'customers', file: customers, workspace: ws });
    const lines = join(dir, 'lines.csv');
    writeFileSync(
      lines,
      'order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status\nL1,M1,2024-05-01 10:00:00,S1,有机牛奶,1,59.00,paid\n',
    );
    await importFile(database, { kind: 'order-lines', file: lines, workspace: ws });
    Object.assign(ids, await customerIds(database.db, ws.id));
    await useLocalChannels(database.db, ws.id, {
      smtpPort: smtpPort,
      webhookUrl: `http://127.0.0.1:${httpPort}/hook`,
      webhookSecret: 'shh',
    });
    await setChannel(
      database.db,
      ws.id,
      'wecom_robot',
      { endpoint: `http://127.0.0.1:${httpPort}/wecom` },
      { key: 'robot-key' },
    );
    await saveTemplates(database.db, ws.id, [
      {
        name: 'thanks',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '{{ name }}，感谢您的购买', en: 'Thank you, {{ name }}' },
        body: {
          'zh-CN': '您上次买的{{ last_product }}还满意吗？积分 {{ points }}。',
          en: 'How is the {{ last_product }}?',
        },
      },
      { name: 'hook', channel: 'webhook', purpose: 'transactional', body: { 'zh-CN': '{{ name }} 下单了' } },
      {
        name: 'staff',
        channel: 'wecom_robot',
        purpose: 'transactional',
        subject: { 'zh-CN': '回访提醒' },
        body: { 'zh-CN': '请回访 {{ name }}' },
      },
    ]);
  });
  afterAll(() => database?.close());

  it('sends a personalised email in the chosen language through a real SMTP server, once per key', async () => {
    const before = mail.length;
    const sent = await sendMessage(database.db, ws, {
      template: 'thanks',
      customerId: ids.M1!,
      idempotencyKey: `thanks-${store.name}`,
    });
    expect(sent).toEqual({ status: 'sent', reason: null, fresh: true });
    expect(mail.slice(before)).toMatchObject([
      {
        from: 'shop@example.com',
        to: ['zhang@example.com'],
        subject: '张三，感谢您的购买',
        text: '您上次买的有机牛奶还满意吗？积分 0。',
      },
    ]);
    const again = await sendMessage(database.db, ws, {
      template: 'thanks',
      customerId: ids.M1!,
      idempotencyKey: `thanks-${store.name}`,
    });
    expect(again).toMatchObject({ status: 'sent', fresh: false });
    expect(mail.length).toBe(before + 1);
    const en = await renderForCustomer(database.db, ws, {
      template: 'thanks',
      customerId: ids.M1!,
      locale: 'en',
    });
    expect([en.subject, en.body]).toEqual(['Thank you, 张三', 'How is the 有机牛奶?']);
  });

  it('skips, with the reason, a customer without an address or who opted out of marketing', async () => {
    const noEmail = await sendMessage(database.db, ws, {
      template: 'thanks',
      customerId: ids.M2!,
      idempotencyKey: `m2-${store.name}`,
    });
    expect(noEmail).toMatchObject({ status: 'skipped', reason: 'no_email' });
    await optOut(database.db, ws.id, ids.M1!, 'email', 'marketing', 'unsubscribe link');
    const before = mail.length;
    const out = await sendMessage(database.db, ws, {
      template: 'thanks',
      customerId: ids.M1!,
      idempotencyKey: `after-optout-${store.name}`,
    });
    expect(out).toMatchObject({ status: 'skipped', reason: 'opted_out' });
    expect(mail.length).toBe(before);
  });

  it('caps marketing messages per customer across channels in a rolling window; transactional ones pass', async () => {
    await importFile(database, {
      kind: 'customers',
      file: csvFile('customer_id,name,email\nCAP,赵六,zhao@example.com\n'),
      workspace: ws,
    });
    const cap = (
      await database.db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('external_id', '=', 'CAP')
        .executeTakeFirstOrThrow()
    ).id;
    await saveTemplates(database.db, ws.id, [
      { name: 'm-hook', channel: 'webhook', purpose: 'marketing', body: { 'zh-CN': '活动 {{ name }}' } },
    ]);
    const send = (template: string, key: string) =>
      sendMessage(database.db, ws, { template, customerId: cap, idempotencyKey: `${key}-${store.name}` });
    // Two marketing touches (email, then webhook) fill the default cap of 2 in 7 days.
    expect((await send('thanks', 'cap-1')).status).toBe('sent');
    expect((await send('m-hook', 'cap-2')).status).toBe('sent');
    expect(await send('thanks', 'cap-3')).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect((await send('hook', 'cap-4')).status).toBe('sent');
  });

  it('signs webhook calls so the receiver can check them, and posts WeCom robot markdown', async () => {
    const before = hooks.length;
    expect(
      await sendMessage(database.db, ws, {
        template: 'hook',
        customerId: ids.M2!,
        idempotencyKey: `hook-${store.name}`,
      }),
    ).toMatchObject({ status: 'sent' });
    const call = hooks[before]!;
    const expected = createHmac('sha256', 'shh')
      .update(`${call.headers['x-retain-timestamp']}.${call.body}`)
      .digest('hex');
    expect(call.headers['x-retain-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(call.body)).toMatchObject({ customer_id: ids.M2, body: '李四 下单了' });
    expect(
      await sendMessage(database.db, ws, {
        template: 'staff',
        customerId: ids.M2!,
        idempotencyKey: `staff-${store.name}`,
      }),
    ).toMatchObject({ status: 'sent' });
    expect(JSON.parse(hooks[before + 1]!.body)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**回访提醒**\n请回访 李四' },
    });
  });

  it('texts the customer’s phone through an SMS provider, and skips a customer without one', async () => {
    await setChannel(
      database.db,
      ws.id,
      'sms_tencent',
      {
        endpoint: `http://127.0.0.1:${httpPort}/tencent`,
        sdk_app_id: '1400000000',
        sign_name: '某某旗舰店',
        template_id: '100',
      },
      { secret_id: 'AKIDtest', secret_key: 'test-key' },
    );
    await saveTemplates(database.db, ws.id, [
      {
        name: 'sms-hi',
        channel: 'sms_tencent',
        purpose: 'transactional',
        body: { 'zh-CN': '{{ name }}您好' },
      },
    ]);
    await importFile(database, {
      kind: 'customers',
      file: csvFile('customer_id,name,phone\nSMS1,孙七,138 0013 8000\n'),
      workspace: ws,
    });
    const withPhone = (
      await database.db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('external_id', '=', 'SMS1')
        .executeTakeFirstOrThrow()
    ).id;
    const before = hooks.length;
    expect(
      await sendMessage(database.db, ws, {
        template: 'sms-hi',
        customerId: withPhone,
        idempotencyKey: `sms-${store.name}`,
      }),
    ).toMatchObject({ status: 'sent' });
    const request = JSON.parse(hooks[before]!.body);
    expect(request).toMatchObject({
      SmsSdkAppId: '1400000000',
      SignName: '某某旗舰店',
      TemplateId: '100',
      TemplateParamSet: ['孙七您好'],
    });
    expect(request.PhoneNumberSet).toEqual(['+8613800138000']);
    expect(hooks[before]!.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtest\//);
    expect(
      await sendMessage(database.db, ws, {
        template: 'sms-hi',
        customerId: ids.M2!,
        idempotencyKey: `sms2-${store.name}`,
      }),
    ).toMatchObject({
      status: 'skipped',
      reason: 'no_phone',
    });
  });

  it('records provider failures with their reason instead of losing them', async () => {
    await setChannel(
      database.db,
      ws.id,
      'wecom_robot',
      { endpoint: `http://127.0.0.1:${httpPort}/wecom` },
      { key: 'wrong' },
    );
    const bad = await sendMessage(database.db, ws, {
      template: 'staff',
      customerId: ids.M1!,
      idempotencyKey: `bad-${store.name}`,
    });
    expect(bad).toMatchObject({ status: 'failed', reason: 'WeCom robot: 93000 invalid webhook url' });
    await setChannel(database.db, ws.id, 'webhook', { url: `http://127.0.0.1:${httpPort}/down` }, {});
    const down = await sendMessage(database.db, ws, {
      template: 'hook',
      customerId: ids.M1!,
      idempotencyKey: `down-${store.name}`,
    });
    expect(down).toMatchObject({ status: 'queued', reason: 'retrying: webhook answered 503' });
    // Retried with backoff (1, 5, 30, 120 minutes), then recorded as failed after the fifth attempt.
    const calls = () => hooks.filter((h) => h.path === '/down').length;
    const first = calls();
    let at = clockNow().getTime();
    for (const minutes of [1, 5, 30, 120]) {
      expect(await deliverDue(database.db, ws, new Date(at + (minutes - 0.5) * 60_000))).toMatchObject({
        claimed: 0,
      });
      at += minutes * 60_000;
      await deliverDue(database.db, ws, new Date(at + 1000));
    }
    expect(calls() - first).toBe(4);
    const row = await database.db
      .selectFrom('messages')
      .select(['status', 'reason', 'attempts'])
      .where('idempotency_key', '=', `down-${store.name}`)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'failed',
      reason: 'gave up after 5 attempts: webhook answered 503',
      attempts: 5,
    });
  });

  it('tracks opens and signed clicks; a GET of the unsubscribe link unsubscribes no one (mail scanners), the page button and RFC 8058 one-click POST do', async () => {
    const api = await startApi(database);
    process.env.RETAIN_PUBLIC_URL = api.base;
    try {
      await saveTemplates(database.db, ws.id, [
        {
          name: 'promo',
          channel: 'email',
          purpose: 'marketing',
          subject: { 'zh-CN': '新品' },
          body: { 'zh-CN': "看看 {{ 'https://shop.example.com/p/1' | track }} 退订 {{ unsubscribe_link }}" },
        },
      ]);
      await importFile(database, {
        kind: 'customers',
        file: csvFile('customer_id,name,email\nM3,王五,wang@example.com\n'),
        workspace: ws,
      });
      const m3 = (
        await database.db
          .selectFrom('customers')
          .select('id')
          .where('workspace_id', '=', ws.id)
          .where('external_id', '=', 'M3')
          .executeTakeFirstOrThrow()
      ).id;
      const before = mail.length;
      expect(
        await sendMessage(database.db, ws, {
          template: 'promo',
          customerId: m3,
          idempotencyKey: `promo-${store.name}`,
        }),
      ).toMatchObject({ status: 'sent' });
      const received = mail[before]!;
      const [click, unsubscribe] = received.text.match(/http:\/\/127\.0\.0\.1:\d+\/t\/[cu]\/\S+/g)!;
      expect(received.html).toMatch(/<img src="http:\/\/127\.0\.0\.1:\d+\/t\/o\//);
      expect(received.listUnsubscribe).toBe(unsubscribe);
      expect(received.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');
      const pixel = /<img src="([^"]+)"/.exec(received.html ?? '')![1]!.replaceAll('&amp;', '&');
      expect((await fetch(pixel)).headers.get('content-type')).toBe('image/gif');
      const redirect = await fetch(click!, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([
        302,
        'https://shop.example.com/p/1',
      ]);
      const forged = await fetch(click!.replace('shop.example.com', 'evil.example.com'), {
        redirect: 'manual',
      });
      expect(forged.status).toBe(400);
      const row = await database.db
        .selectFrom('messages')
        .select(['opened_at', 'clicked_at'])
        .where('workspace_id', '=', ws.id)
        .where('idempotency_key', '=', `promo-${store.name}`)
        .executeTakeFirstOrThrow();
      expect(row.opened_at).not.toBeNull();
      expect(row.clicked_at).not.toBeNull();
      // Unsubscribe by GET: a mail scanner following the link only sees a question.
      const scanned = await fetch(unsubscribe!);
      expect(scanned.status).toBe(200);
      const confirm = await scanned.text();
      expect(confirm).toContain('确认退订');
      expect(confirm).toContain('<form method="post">');
      const stillSubscribed = await sendMessage(database.db, ws, {
        template: 'promo',
        customerId: m3,
        idempotencyKey: `promo-after-get-${store.name}`,
      });
      expect(stillSubscribed).toMatchObject({ status: 'sent' });
      const oneClick = await fetch(unsubscribe!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(await oneClick.json()).toEqual({ unsubscribed: true });
      // A minute later the customer also presses the page's button: a second, separate event.
      setClock(new Date(clockNow().getTime() + 60_000));
      const pressed = await fetch(unsubscribe!, {
        method: 'POST',
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(await pressed.text()).toContain('您已退订');
      const next = await sendMessage(database.db, ws, {
        template: 'promo',
        customerId: m3,
        idempotencyKey: `promo2-${store.name}`,
      });
      expect(next).toMatchObject({ status: 'skipped', reason: 'opted_out' });
      const events = await database.db
        .selectFrom('events')
        .select('type')
        .where('workspace_id', '=', ws.id)
        .where('customer_id', '=', m3)
        .execute();
      expect(events.map((e) => e.type).sort()).toEqual([
        'message_clicked',
        'message_opened',
        'unsubscribed',
        'unsubscribed',
      ]);
    } finally {
      delete process.env.RETAIN_PUBLIC_URL;
      await api.close();
    }
  });

  it('is driven over the API: channels (secrets never shown), templates, preview, send, history', async () => {
    const api = await startApi(database);
    try {
      const admin = (await createApiKey(database.db, ws.id, { name: 'admin', role: 'admin' })).key;
      const setup = await api.call('PUT', '/api/v1/channels', {
        key: admin,
        body: {
          channel: 'webhook',
          config: { url: `http://127.0.0.1:${httpPort}/hook` },
          secrets: { secret: 'api-secret' },
        },
      });
      expect(setup.status).toBe(204);
      const listed = await api.call('GET', '/api/v1/channels', { key: admin });
      expect(listed.text).not.toContain('api-secret');
      expect(listed.body.find((c: { channel: string }) => c.channel === 'webhook').secrets).toEqual({
        secret: 'set',
      });
      const template = {
        name: 'api-hook',
        channel: 'webhook',
        purpose: 'transactional',
        body: { 'zh-CN': '{{ name }} 的券 {{ coupon_code }}' },
      };
      expect((await api.call('PUT', '/api/v1/templates', { key: admin, body: template })).body).toEqual({
        name: 'api-hook',
      });
      const preview = await api.call('POST', '/api/v1/templates/api-hook/preview', {
        key: admin,
        body: { customer_id: ids.M2, variables: { coupon_code: 'ABCDE-FGHJK' } },
      });
      expect(preview.body).toEqual({ locale: 'zh-CN', subject: null, body: '李四 的券 ABCDE-FGHJK' });
      // An operator sees the customer's name masked, as in the customer list.
      const operator = (await createApiKey(database.db, ws.id, { name: 'operator', role: 'operator' })).key;
      const masked = await api.call('POST', '/api/v1/templates/api-hook/preview', {
        key: operator,
        body: { customer_id: ids.M2, variables: { coupon_code: 'ABCDE-FGHJK' } },
      });
      expect(masked.body.body).toBe('李* 的券 ABCDE-FGHJK');
      const send = {
        template: 'api-hook',
        customer_id: ids.M2,
        idempotency_key: 'api-1',
        variables: { coupon_code: 'X' },
      };
      expect((await api.call('POST', '/api/v1/messages', { key: admin, body: send })).body).toEqual({
        status: 'sent',
        reason: null,
        fresh: true,
      });
      expect((await api.call('POST', '/api/v1/messages', { key: admin, body: send })).body).toMatchObject({
        fresh: false,
      });
      const history = await api.call('GET', `/api/v1/customers/${ids.M2}/messages`, { key: admin });
      expect(
        history.body
          .filter((m: { template: string }) => m.template === 'api-hook')
          .map((m: { status: string }) => m.status),
      ).toEqual(['sent']);
    } finally {
      await api.close();
    }
  });

  it('refuses templates with unknown variables or bad syntax, naming the place', async () => {
    await saveTemplates(database.db, ws.id, [
      { name: 'typo', channel: 'email', purpose: 'marketing', body: { 'zh-CN': '您好 {{ nmae }}' } },
    ]);
    await expect(
      renderForCustomer(database.db, ws, { template: 'typo', customerId: ids.M1! }),
    ).rejects.toThrow(/template "typo" body \(zh-CN\): unknown variable nmae/);
    await expect(
      saveTemplates(database.db, ws.id, [
        { name: 'broken', channel: 'email', purpose: 'marketing', body: { 'zh-CN': '{% if %}' } },
      ]),
    ).rejects.toThrow(/template "broken" body \(zh-CN\)/);
  });
});
