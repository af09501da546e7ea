import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastDefinition } from '../src/broadcasts/broadcast-contract.ts';
import { estimateReach } from '../src/broadcasts/broadcast-reach.ts';
import { createBroadcast, parseBroadcast } from '../src/broadcasts/broadcast-service.ts';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import { deliverDue, enqueueMessages, previewDecision } from '../src/messaging/index.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { changeSettings, createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { actor } from './broadcast-fixture.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Reach rules per channel through the real delivery round, a real SMTP server and a real HTTP
// server speaking Tencent Cloud's SMS API: the SMS row has its own cap (1 a week) and its own
// quiet hours (12:00–14:00); email keeps the workspace's (3 a week, 21:00–09:00).
// 10:00 on Monday 2 March 2026 in Shanghai.
const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const M = 60_000;
const at = (ms: number) => new Date(T0 + ms);

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let http: Awaited<ReturnType<typeof startHttpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
  http = await startHttpSink((_req, res, body) => {
    res.setHeader('content-type', 'application/json');
    const phone = JSON.parse(body).PhoneNumberSet?.[0];
    res.end(
      JSON.stringify({
        Response: { SendStatusSet: [{ SerialNo: 'sn', PhoneNumber: phone, Code: 'Ok' }], RequestId: 'r' },
      }),
    );
  });
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await http?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('reach rules per channel ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number> = {};
  const people = ['A', 'B', 'C', 'D'];
  // Each person's phone: +86 138 0000 000N.
  const phone = (p: string) => `+861380000000${people.indexOf(p) + 1}`;
  const mail = (p: string) => `${p.toLowerCase()}-reach-${store.name}@example.com`;
  const smsTo = (p: string) =>
    http.requests.filter(
      (r) => r.path === `/sms-${store.name}` && JSON.parse(r.body).PhoneNumberSet[0] === phone(p),
    );
  const mailTo = (p: string) => smtp.mail.filter((m) => m.to.includes(mail(p)));
  let key = 0;
  const queue = (p: string, templates: string[], due: Date) =>
    enqueueMessages(database.db, ws.id, [
      { customerId: ids[p]!, templates, idempotencyKey: `reach-${store.name}-${key++}`, dueAt: due },
    ]);
  const statuses = async (p: string) =>
    (
      await database.db
        .selectFrom('messages')
        .select(['template', 'status', 'reason', 'due_at'])
        .where('workspace_id', '=', ws.id)
        .where('customer_id', '=', ids[p]!)
        .orderBy('id')
        .execute()
    ).map((m) => `${m.template} ${m.status}${m.reason ? ` ${m.reason}` : ''}`);

  beforeAll(async () => {
    database = await store.open();
    setClock(at(-60 * M));
    ws = await createWorkspace(database.db, { name: `reach-${store.name}` });
    await importText(
      database,
      ws,
      'customers',
      `customer_id,name,email,phone\n${people.map((p) => `${p},客户${p},${mail(p)},${phone(p)}`).join('\n')}\n`,
    );
    ids = await customerIds(database.db, ws.id);
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    await setChannel(
      database.db,
      ws.id,
      'sms_tencent',
      {
        endpoint: `http://127.0.0.1:${http.port}/sms-${store.name}`,
        sdk_app_id: '1400000000',
        sign_name: '某某旗舰店',
        template_id: '100',
      },
      { secret_id: 'AKIDtest', secret_key: 'test-key' },
    );
    await saveTemplates(database.db, ws.id, [
      {
        name: 'promo-sms',
        channel: 'sms_tencent',
        purpose: 'marketing',
        body: { 'zh-CN': '{{ name }}促销' },
      },
      { name: 'notice-sms', channel: 'sms_tencent', purpose: 'transactional', body: { 'zh-CN': '发货了' } },
      {
        name: 'promo-mail',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '促销' },
        body: { 'zh-CN': '{{ name }}促销' },
      },
    ]);
    ws = await changeSettings(database.db, ws, actor, [
      ['messaging.frequency_cap', 3],
      ['messaging.frequency_days', 7],
      [
        'messaging.channels',
        { sms_tencent: { cap: { count: 1, days: 7 }, quiet_hours: { start: '12:00', end: '14:00' } } },
      ],
    ]);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('skips an SMS over its channel cap while the same customer’s email is sent, in one round or two', async () => {
    await queue('A', ['promo-sms'], at(0));
    setClock(at(0));
    expect(await deliverDue(database.db, ws, at(0))).toMatchObject({ sent: 1, skipped: 0 });
    // A second SMS is over the SMS row's 1 a week; the email is under the workspace's 3.
    await queue('A', ['promo-sms'], at(M));
    await queue('A', ['promo-mail'], at(M));
    // B: two SMS and an email in one batch — one place for SMS, the email under the workspace cap.
    await queue('B', ['promo-sms'], at(M));
    await queue('B', ['promo-sms'], at(M));
    await queue('B', ['promo-mail'], at(M));
    // A transactional SMS is not held by the channel's marketing cap.
    await queue('B', ['notice-sms'], at(M));
    setClock(at(M));
    expect(await deliverDue(database.db, ws, at(M))).toMatchObject({ sent: 4, skipped: 2, deferred: 0 });
    expect(await statuses('A')).toEqual([
      'promo-sms sent',
      'promo-sms skipped frequency_cap',
      'promo-mail sent',
    ]);
    expect(await statuses('B')).toEqual([
      'promo-sms sent',
      'promo-sms skipped frequency_cap',
      'promo-mail sent',
      'notice-sms sent',
    ]);
    expect(smsTo('A')).toHaveLength(1);
    expect(smsTo('B')).toHaveLength(2);
    expect(mailTo('A')).toHaveLength(1);
    expect(mailTo('B')).toHaveLength(1);
    // The journey test run resolves the same rule: A's next SMS is capped, an email would go.
    expect(await previewDecision(database.db, ws, ids.A!, ['promo-sms'], at(2 * M))).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
    expect((await previewDecision(database.db, ws, ids.A!, ['promo-mail'], at(2 * M))).kind).toBe('send');
  });

  it('defers only the SMS in the SMS row’s quiet hours, until they end', async () => {
    const noon = 150 * M; // 12:30 in Shanghai
    await queue('C', ['promo-sms'], at(noon));
    await queue('C', ['promo-mail'], at(noon));
    setClock(at(noon));
    expect(await deliverDue(database.db, ws, at(noon))).toMatchObject({ sent: 1, deferred: 1 });
    expect(await statuses('C')).toEqual(['promo-sms queued quiet_hours', 'promo-mail sent']);
    const due = await database.db
      .selectFrom('messages')
      .select('due_at')
      .where('workspace_id', '=', ws.id)
      .where('template', '=', 'promo-sms')
      .where('customer_id', '=', ids.C!)
      .executeTakeFirstOrThrow();
    expect(new Date(due.due_at!).toISOString()).toBe('2026-03-02T06:00:00.000Z'); // 14:00 in Shanghai
    expect(mailTo('C')).toHaveLength(1);
    expect(smsTo('C')).toHaveLength(0);
    setClock(at(241 * M));
    expect(await deliverDue(database.db, ws, at(241 * M))).toMatchObject({ sent: 1 });
    expect(smsTo('C')).toHaveLength(1);
  });

  it('estimates a broadcast’s reach by the same rules: the SMS row’s cap and quiet hours', async () => {
    const make = (name: string, template: string, time: string) =>
      createBroadcast(
        database.db,
        ws,
        actor,
        parseBroadcast({
          name,
          audience: { list: people },
          templates: [template],
          send: { at: 'scheduled', time },
        }) as BroadcastDefinition,
      );
    setClock(at(5 * 60 * M));
    // A, B and C have had their SMS this week; D has not. At 12:30 D is in the SMS quiet hours.
    const sms = await estimateReach(database.db, ws, await make('短信群发', 'promo-sms', '2026-03-03T12:30'));
    expect(sms).toMatchObject({ members: 4, frequency_capped: 3, deferred: 1, reachable: 1, no_address: 0 });
    // Email: everyone is under the workspace's 3 a week (A, B and C have two marketing messages),
    // and 12:30 is outside the workspace's quiet hours.
    const email = await estimateReach(
      database.db,
      ws,
      await make('邮件群发', 'promo-mail', '2026-03-03T12:30'),
    );
    expect(email).toMatchObject({ members: 4, frequency_capped: 0, deferred: 0, reachable: 4 });
  });
});
