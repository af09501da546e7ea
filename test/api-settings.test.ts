import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The settings an admin changes from the dashboard: the workspace's zone and currency, and a test
// send on each channel, against a real SMTP server and a real HTTP server on 127.0.0.1.
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let hook: Awaited<ReturnType<typeof startHttpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
  hook = await startHttpSink();
});
afterAll(async () => {
  await smtp?.close();
  await hook?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('workspace and channel settings over the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `settings-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('changes zone and currency while nothing is imported, and refuses once orders are in', async () => {
    const admin = shop.keys.admin;
    const bad = await api.call('PATCH', '/api/v1/workspace', {
      key: admin,
      body: { timezone: 'Mars/Olympus' },
    });
    expect([bad.status, bad.body.message]).toEqual([
      400,
      expect.stringContaining('unknown time zone "Mars/Olympus"'),
    ]);
    expect((await api.call('PATCH', '/api/v1/workspace', { key: shop.keys.operator, body: {} })).status).toBe(
      403,
    );
    const changed = await api.call('PATCH', '/api/v1/workspace', {
      key: admin,
      body: { timezone: 'Europe/Berlin', currency: 'eur' },
    });
    expect(changed.body).toMatchObject({ timezone: 'Europe/Berlin', currency: 'EUR' });
    expect((await api.call('GET', '/api/v1/workspace', { key: shop.keys.viewer })).body).toEqual({
      name: shop.workspace.name,
      timezone: 'Europe/Berlin',
      currency: 'EUR',
      locked: false,
    });
    // A Berlin wall-clock time now reads as Berlin time: 23:30 on 1 May is still 1 May.
    const orders = await api.call('POST', '/api/v1/orders', {
      key: admin,
      body: {
        items: [
          { order_id: 'O1', customer_id: 'K1', ordered_at: '2024-05-01 23:30', amount: 4990, status: 'paid' },
        ],
      },
    });
    expect(orders.body.accepted).toBe(1);
    const found = await api.call('GET', '/api/v1/customers?q=K1', { key: admin });
    const profile = await api.call('GET', `/api/v1/customers/${found.body.items[0].id}`, { key: admin });
    expect(profile.body.orders.map((o: { local_date: string }) => o.local_date)).toEqual(['2024-05-01']);
    const refused = await api.call('PATCH', '/api/v1/workspace', {
      key: admin,
      body: { timezone: 'Asia/Shanghai' },
    });
    expect([refused.status, refused.body.message]).toEqual([
      409,
      expect.stringContaining('already holds orders'),
    ]);
    expect((await api.call('GET', '/api/v1/workspace', { key: admin })).body).toMatchObject({
      timezone: 'Europe/Berlin',
      locked: true,
    });
  });

  // Issue #13: this body answered 400 but wrote into Object.prototype, after which every strict
  // body in every workspace was refused with `Unrecognized key: "polluted"` until restart.
  it('prototype pollution: a settings path through __proto__ is refused and pollutes nothing', async () => {
    for (const body of [
      { '__proto__.polluted': 'yes' },
      { 'constructor.prototype.polluted': 'yes' },
      { 'points.__proto__.polluted': 'yes' },
    ]) {
      const reply = await api.call('PATCH', '/api/v1/workspace/settings', { key: shop.keys.admin, body });
      const [path] = Object.keys(body);
      expect(reply.status).toBe(400);
      expect(reply.body.fields).toEqual([
        { field: `body.${path}`, message: expect.stringContaining('is not allowed') },
      ]);
    }
    expect(Object.prototype).not.toHaveProperty('polluted');
    // A strict body elsewhere, from another workspace, is still accepted.
    const other = await workspaceWithKeys(database, `settings-other-${store.name}`);
    const saved = await api.call('PUT', '/api/v1/templates', {
      key: other.keys.operator,
      body: { name: 'hello', channel: 'email', purpose: 'marketing', body: { 'zh-CN': '您好' } },
    });
    expect([saved.status, saved.body]).toEqual([200, { name: 'hello' }]);
    const set = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: other.keys.admin,
      body: { 'points.enabled': true },
    });
    expect([set.status, set.body.points.enabled]).toEqual([200, true]);
  });

  it('reach rules per channel: wrong types, huge values, unknown channels and __proto__ keys are refused by field', async () => {
    const patch = (body: unknown) =>
      api.call('PATCH', '/api/v1/workspace/settings', { key: shop.keys.admin, body });
    const fieldsOf = async (body: unknown) => {
      const reply = await patch(body);
      expect(reply.status).toBe(400);
      return reply.body.fields.map((f: { field: string }) => f.field);
    };
    const path = 'messaging.channels.sms_aliyun';
    expect(
      await fieldsOf({ 'messaging.channels': { sms_aliyun: { cap: { count: 1e12, days: 7 } } } }),
    ).toEqual([`${path}.cap.count`]);
    expect(
      await fieldsOf({ 'messaging.channels': { sms_aliyun: { quiet_hours: { start: '25:00', end: 9 } } } }),
    ).toEqual([`${path}.quiet_hours.start`, `${path}.quiet_hours.end`]);
    // A cap needs both its count and its days; a days as text is refused too.
    expect(await fieldsOf({ [`${path}.cap.days`]: '7' })).toEqual([`${path}.cap.count`, `${path}.cap.days`]);
    expect(await fieldsOf({ [`${path}.cap`]: { count: 1, days: 7, x: '\u0000' } })).toEqual([
      `body.${path}.cap.x`,
    ]);
    expect(await fieldsOf({ 'messaging.channels': { sms: { cap: null } } })).toEqual(['messaging.channels']);
    expect(await fieldsOf({ 'messaging.purposes': { service: {} } })).toEqual(['messaging.purposes']);
    expect(await fieldsOf({ 'messaging.channels.__proto__.cap': null })).toEqual([
      'body.messaging.channels.__proto__.cap',
    ]);
    // A JSON body with a __proto__ key is refused before it is read.
    const raw = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: shop.keys.admin,
      headers: { 'content-type': 'application/json' },
      raw: '{"messaging.channels": {"__proto__": {"cap": {"count": 0, "days": 1}}}}',
    });
    expect(raw.status).toBe(400);
    expect(Object.prototype).not.toHaveProperty('cap');
    expect(
      (await api.call('GET', '/api/v1/workspace/settings', { key: shop.keys.admin })).body.messaging.channels,
    ).toEqual({});

    const saved = await patch({
      [`${path}.cap`]: { count: 1, days: 3 },
      'messaging.purposes.transactional.quiet_hours': { start: '23:00', end: '07:00' },
    });
    expect(saved.status).toBe(200);
    expect([saved.body.messaging.channels, saved.body.messaging.purposes]).toEqual([
      { sms_aliyun: { cap: { count: 1, days: 3 } } },
      { transactional: { quiet_hours: { start: '23:00', end: '07:00' } } },
    ]);
  });

  it('sends a test message on email and on the signed webhook, and reports a provider that refuses', async () => {
    const admin = shop.keys.admin;
    const setChannel = (body: unknown) => api.call('PUT', '/api/v1/channels', { key: admin, body });
    expect(
      (
        await setChannel({
          channel: 'email',
          config: { host: '127.0.0.1', port: smtp.port, from: 'shop@example.com' },
        })
      ).status,
    ).toBe(204);
    const to = `owner-${store.name}@example.com`;
    const sent = await api.call('POST', '/api/v1/channels/email/test', { key: admin, body: { to } });
    expect(sent.body).toMatchObject({ sent: true });
    expect(smtp.mail.filter((m) => m.to.includes(to)).map((m) => m.subject)).toEqual([
      'Retain 测试消息 / test message',
    ]);

    const noAddress = await api.call('POST', '/api/v1/channels/email/test', { key: admin, body: {} });
    expect([noAddress.status, noAddress.body.message]).toEqual([400, expect.stringMatching(/^to: /)]);
    expect(
      (
        await api.call('POST', '/api/v1/channels/sms_aliyun/test', {
          key: admin,
          body: { to: '13800000000' },
        })
      ).status,
    ).toBe(404);

    expect(
      (
        await setChannel({
          channel: 'webhook',
          config: { url: `http://127.0.0.1:${hook.port}/retain-${store.name}` },
          secrets: { secret: 'test-secret' },
        })
      ).status,
    ).toBe(204);
    expect(
      (await api.call('POST', '/api/v1/channels/webhook/test', { key: admin, body: {} })).body,
    ).toMatchObject({
      sent: true,
    });
    const received = hook.requests.filter((r) => r.path === `/retain-${store.name}`);
    expect(received).toHaveLength(1);
    // The receiver can check the signature with the secret it shares, as for every webhook.
    const signature = String(received[0]!.headers['x-retain-signature']);
    const timestamp = String(received[0]!.headers['x-retain-timestamp']);
    const expected = createHmac('sha256', 'test-secret')
      .update(`${timestamp}.${received[0]!.body}`)
      .digest('hex');
    expect(signature).toContain(expected);

    // An SMTP port where nothing listens: the provider's error comes back, nothing is thrown.
    await setChannel({ channel: 'email', config: { host: '127.0.0.1', port: 9, from: 'shop@example.com' } });
    const refused = await api.call('POST', '/api/v1/channels/email/test', { key: admin, body: { to } });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ sent: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(
      (await api.call('POST', '/api/v1/channels/email/test', { key: shop.keys.operator, body: { to } }))
        .status,
    ).toBe(403);
  });
});
