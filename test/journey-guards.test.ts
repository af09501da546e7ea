import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { journeyCounts } from '../src/journeys/journey-report.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { enqueueMessages, optOut, sendMessage } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import {
  createWorkspace,
  findWorkspace,
  saveSettings,
  type Workspace,
} from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The guards through the real worker, a real SMTP server and a real webhook receiver.
// 10:00 on Monday 2 March 2026 in Shanghai: outside the default quiet hours (21:00–09:00).
const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const M = 60_000;
const D = 24 * 60 * M;
const at = (ms: number) => new Date(T0 + ms);
/** The workspace-local `YYYY-MM-DD HH:MM` a millisecond offset from T0 shows in Shanghai. */
const local = (ms: number) => new Date(T0 + ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let http: Awaited<ReturnType<typeof startHttpSink>>;
let down = false;
beforeAll(async () => {
  smtp = await startSmtpSink();
  http = await startHttpSink((_req, res) => {
    res.statusCode = down ? 503 : 200;
    res.end(down ? 'unavailable' : 'ok');
  });
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await http?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('message guards through the worker ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  const address = (p: string) => `${p.toLowerCase()}-guards-${store.name}@example.com`;
  const hookPath = `/guards-${store.name}`;
  const mailTo = (p: string) => smtp.mail.filter((m) => m.to.includes(address(p)));
  const hooksFor = (p: string) =>
    http.requests.filter((r) => r.path === hookPath && JSON.parse(r.body).customer_id === ids[p]);
  const load = (kind: 'customers' | 'events', text: string) => importText(database, ws, kind, text);
  const fire = (type: string, people: string[], ms: number) =>
    load(
      'events',
      `customer_id,type,occurred_at\n${people.map((p) => `${p},${type},${local(ms - M)}`).join('\n')}\n`,
    );
  const pass = async (ms: number) => {
    setClock(at(ms));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const messagesOf = (p: string) =>
    database.db
      .selectFrom('messages')
      .select(['id', 'channel', 'template', 'status', 'reason', 'attempts'])
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', ids[p]!)
      .orderBy('id')
      .execute();

  const people = [
    'OPT',
    'MAILOPT',
    'CAP',
    'NOMAIL',
    'FLAKY',
    'NIGHT',
    'RACE',
    'CRASH',
    ...Array.from({ length: 8 }, (_, i) => `CC${i}`),
  ];
  beforeAll(async () => {
    database = await store.open();
    setClock(at(-D));
    ws = await createWorkspace(database.db, { name: `guards-${store.name}` });
    const noMail = new Set(['NOMAIL', 'FLAKY', 'NIGHT']);
    await load(
      'customers',
      `customer_id,name,email\n${people.map((p) => `${p},客户${p},${noMail.has(p) ? '' : address(p)}`).join('\n')}\n`,
    );
    Object.assign(ids, await customerIds(database.db, ws.id));
    await useLocalChannels(database.db, ws.id, {
      smtpPort: smtp.port,
      webhookUrl: `http://127.0.0.1:${http.port}${hookPath}`,
      webhookSecret: 's',
    });
    await saveTemplates(database.db, ws.id, [
      {
        name: 'promo-mail',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '促销' },
        body: { 'zh-CN': '{{ name }} 促销' },
      },
      {
        name: 'promo-hook',
        channel: 'webhook',
        purpose: 'marketing',
        body: { 'zh-CN': '{{ name }} 促销推送' },
      },
      {
        name: 'receipt',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': '收据' },
        body: { 'zh-CN': '收据' },
      },
    ]);
    const journey = (name: string, event: string, templates: string[]) =>
      applyJourney(database.db, ws.id, {
        name,
        trigger: { event },
        reentry: 'always',
        attribution_days: 7,
        start: 'send',
        steps: {
          send: { type: 'send', templates, skip_if_ordered: false, next: 'done' },
          done: { type: 'exit' },
        },
      });
    // Email first, the app's webhook when the customer has no email (the default priority agrees).
    await journey('promo', 'promo', ['promo-mail', 'promo-hook']);
    await journey('ping', 'ping', ['promo-hook']);
    await optOut(database.db, ws.id, ids.OPT!, 'all', 'marketing', 'test');
    await optOut(database.db, ws.id, ids.MAILOPT!, 'email', 'marketing', 'test');
  });
  afterAll(() => database?.close());

  it('skips an opted-out customer and falls back to another channel for a per-channel opt-out', async () => {
    await fire('promo', ['OPT', 'MAILOPT', 'NOMAIL'], 0);
    await pass(0);
    expect(await messagesOf('OPT')).toMatchObject([{ status: 'skipped', reason: 'opted_out' }]);
    expect(mailTo('OPT')).toEqual([]);
    expect(hooksFor('OPT')).toEqual([]);
    // Opted out of marketing mail only: the app webhook carries it; no mail is sent.
    expect(await messagesOf('MAILOPT')).toMatchObject([
      { status: 'sent', channel: 'webhook', template: 'promo-hook' },
    ]);
    expect(mailTo('MAILOPT')).toEqual([]);
    expect(hooksFor('MAILOPT').length).toBe(1);
  });

  it('sends a customer without email the webhook template (channel priority)', async () => {
    expect(await messagesOf('NOMAIL')).toMatchObject([
      { status: 'sent', channel: 'webhook', template: 'promo-hook' },
    ]);
    const [hook] = hooksFor('NOMAIL');
    expect(JSON.parse(hook!.body).body).toBe('客户NOMAIL 促销推送');
  });

  it('caps marketing across channels over a rolling 7 days, and sends again once the window passes', async () => {
    await fire('promo', ['CAP'], 0);
    await pass(0);
    await fire('ping', ['CAP'], D);
    await pass(D);
    expect(mailTo('CAP').length).toBe(1);
    expect(hooksFor('CAP').length).toBe(1);
    await fire('promo', ['CAP'], 2 * D);
    await pass(2 * D);
    expect((await messagesOf('CAP')).map((m) => [m.status, m.reason])).toEqual([
      ['sent', null],
      ['sent', null],
      ['skipped', 'frequency_cap'],
    ]);
    expect(mailTo('CAP').length).toBe(1);
    // Just after 7 days from the first touch only the webhook (day 1) is in the window: one more fits.
    await fire('promo', ['CAP'], 7 * D + M);
    await pass(7 * D + M);
    expect((await messagesOf('CAP'))[3]).toMatchObject({ status: 'sent', channel: 'email' });
    expect(mailTo('CAP').length).toBe(2);
    // …and the next one that day is capped again.
    await fire('promo', ['CAP'], 7 * D + 10 * M);
    await pass(7 * D + 10 * M);
    expect((await messagesOf('CAP'))[4]).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(mailTo('CAP').length).toBe(2);
  });

  it('keeps the cap when several marketing sends for one customer are delivered at once', async () => {
    const now = 30 * D;
    setClock(at(now));
    // Three sends at the same moment (say, two API calls and a worker), the cap being 2 in 7 days.
    const results = await Promise.all(
      [0, 1, 2].map((i) =>
        sendMessage(database.db, ws, {
          template: 'promo-mail',
          customerId: ids.RACE!,
          idempotencyKey: `race-${store.name}-${i}`,
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['sent', 'sent', 'skipped']);
    expect(mailTo('RACE').length).toBe(2);
  });

  it('recovers a message a crashed worker left `sending` once its lease ran out, and sends it once', async () => {
    const now = 8 * D;
    setClock(at(now));
    const enqueue = () =>
      enqueueMessages(database.db, ws.id, [
        {
          customerId: ids.CRASH!,
          templates: ['receipt'],
          idempotencyKey: `crash-${store.name}`,
          dueAt: at(now),
        },
      ]);
    const [id] = await enqueue();
    // The crash: claimed (committed `sending`, its lease still running) but never finished.
    const claim = (lease: string) =>
      sql`update messages set status = 'sending', lease_until = ${new Date()}::timestamptz + ${lease}::interval
        where workspace_id = ${ws.id} and id = ${id!}`.execute(database.db);
    await claim('1 hour');
    expect((await pass(now)).delivery).toMatchObject({ claimed: 0, recovered: 0 });
    expect(mailTo('CRASH')).toEqual([]);
    // Its worker is gone: the lease runs out and the next pass sends it, counted as a re-send.
    await claim('-1 second');
    expect((await pass(now)).delivery).toMatchObject({ claimed: 1, sent: 1, recovered: 1 });
    await pass(now + D);
    expect(mailTo('CRASH')).toHaveLength(1);
    const row = await database.db
      .selectFrom('messages')
      .select(['status', 'resends'])
      .where('workspace_id', '=', ws.id)
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', resends: 1 });
    // The same key enqueued again adds nothing.
    expect(await enqueue()).toEqual([]);
  });

  it('sends each message exactly once when two passes run at the same time', async () => {
    const now = 40 * D;
    const group = people.filter((p) => p.startsWith('CC'));
    await fire('promo', group, now);
    setClock(at(now));
    const [a, b] = await Promise.all([runOnce(database.db, [ws.name]), runOnce(database.db, [ws.name])]);
    expect(a![0]!.entered + b![0]!.entered).toBe(group.length);
    expect(a![0]!.delivery.sent + b![0]!.delivery.sent).toBe(group.length);
    for (const p of group) {
      expect(mailTo(p).length, p).toBe(1);
      expect(await messagesOf(p), p).toMatchObject([{ status: 'sent', channel: 'email', attempts: 1 }]);
    }
    // A later pass sends nothing more.
    await pass(now + M);
    expect(group.map((p) => mailTo(p).length)).toEqual(group.map(() => 1));
  });

  it('retries a provider 503 with backoff and delivers when the receiver recovers', async () => {
    const now = 50 * D;
    down = true;
    try {
      await fire('ping', ['FLAKY'], now);
      await pass(now);
      expect(await messagesOf('FLAKY')).toMatchObject([
        { status: 'queued', reason: 'retrying: webhook answered 503', attempts: 1 },
      ]);
      expect(hooksFor('FLAKY').length).toBe(1);
      // The first retry waits a minute: a pass 30 s later does not call the receiver.
      await pass(now + 30_000);
      expect(hooksFor('FLAKY').length).toBe(1);
      await pass(now + M);
      expect(hooksFor('FLAKY').length).toBe(2);
      const second = (await messagesOf('FLAKY'))[0]!;
      expect(second).toMatchObject({ status: 'queued', attempts: 2 });
      const due = await database.db
        .selectFrom('messages')
        .select('due_at')
        .where('id', '=', second.id)
        .executeTakeFirstOrThrow();
      const retryAt = due.due_at!.getTime();
      // A longer wait after the second failure.
      expect(retryAt - at(now + M).getTime()).toBeGreaterThan(M);
      down = false;
      await pass(now + M + 1000);
      expect(hooksFor('FLAKY').length).toBe(2);
      await pass(retryAt - T0);
    } finally {
      down = false;
    }
    expect(await messagesOf('FLAKY')).toMatchObject([{ status: 'sent', reason: null, attempts: 3 }]);
    const calls = hooksFor('FLAKY');
    expect(calls.length).toBe(3);
    // Every attempt carries the same idempotency key, so the receiver can drop a duplicate.
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(1);
  });

  it('counts provider attempts only: a quiet-hours deferral does not use up a retry', async () => {
    const current = (await findWorkspace(database.db, ws.name))!;
    await saveSettings(database.db, ws.id, setSetting(current.settings, 'messaging.max_attempts', 2));
    const night = 60 * D + 12 * 60 * M; // 22:00 in Shanghai
    try {
      await fire('ping', ['NIGHT'], night);
      await pass(night);
      expect(await messagesOf('NIGHT')).toMatchObject([{ status: 'queued', reason: 'quiet_hours' }]);
      expect(hooksFor('NIGHT')).toEqual([]);
      // 09:00 the next morning: the receiver is down for the first real attempt.
      down = true;
      await pass(night + 11 * 60 * M);
      down = false;
      expect(hooksFor('NIGHT').length).toBe(1);
      // One provider attempt of the two allowed: it must be retried, not given up.
      expect(await messagesOf('NIGHT')).toMatchObject([
        { status: 'queued', reason: 'retrying: webhook answered 503' },
      ]);
      await pass(night + 11 * 60 * M + 2 * M);
      expect(await messagesOf('NIGHT')).toMatchObject([{ status: 'sent' }]);
      expect(hooksFor('NIGHT').length).toBe(2);
    } finally {
      down = false;
      await saveSettings(database.db, ws.id, current.settings as Record<string, unknown>);
    }
  });

  it("reports a send step's messages by what became of them: 已排队发送 counts only those still waiting", async () => {
    const night = 90 * D + 12 * 60 * M; // 22:00: NOMAIL's promo is deferred to the morning
    await fire('promo', ['NOMAIL'], night);
    await pass(night);
    for (const name of ['promo', 'ping']) {
      const journey = await findJourney(database.db, ws.id, name);
      const { steps } = await journeyCounts(database.db, journey);
      const send = steps.find((s) => s.step === 'send')!;
      // Independently: the journey's messages by status, straight from the table.
      const rows = await database.db
        .selectFrom('messages')
        .select(['status', 'reason'])
        .where('workspace_id', '=', ws.id)
        .where('journey_id', '=', journey.id)
        .execute();
      const by = (status: string[]) => rows.filter((r) => status.includes(r.status)).length;
      const want: Record<string, number> = {
        queued: by(['queued', 'sending']),
        sent: by(['sent']),
        skipped: by(['skipped']),
        failed: by(['failed']),
      };
      for (const k of Object.keys(want)) if (!want[k]) delete want[k];
      expect(send.outcomes, name).toEqual(want);
      expect(send.reached, name).toBe(rows.length);
      const reasons: Record<string, number> = {};
      for (const r of rows.filter((r) => r.status === 'skipped'))
        reasons[r.reason!] = (reasons[r.reason!] ?? 0) + 1;
      expect(send.not_sent, name).toEqual(reasons);
    }
    // The promo journey had both: an opted-out customer skipped, a capped one skipped, one deferred.
    const promo = await journeyCounts(database.db, await findJourney(database.db, ws.id, 'promo'));
    const send = promo.steps.find((s) => s.step === 'send')!;
    expect(send.not_sent).toMatchObject({ opted_out: 1, frequency_cap: 2 });
    expect(send.outcomes.queued).toBe(1);
  });
});
