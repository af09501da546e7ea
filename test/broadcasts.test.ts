import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastDefinition } from '../src/broadcasts/broadcast-contract.ts';
import { estimateReach } from '../src/broadcasts/broadcast-reach.ts';
import { broadcastReport } from '../src/broadcasts/broadcast-report.ts';
import { runBroadcasts } from '../src/broadcasts/broadcast-send.ts';
import {
  approveBroadcast,
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  parseBroadcast,
  pauseBroadcast,
  resumeBroadcast,
  scheduleBroadcast,
} from '../src/broadcasts/broadcast-service.ts';
import { testSendBroadcast } from '../src/broadcasts/broadcast-test-send.ts';
import type { Database } from '../src/db/database.ts';
import { deliverDue } from '../src/messaging/message-deliver.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import {
  createWorkspace,
  saveSettings,
  type Workspace,
  workspaceById,
} from '../src/workspaces/workspace-service.ts';
import { actor, generateAudience, independentDraws, type Person } from './broadcast-fixture.ts';
import { importText } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const H = 3_600_000;
const D = 24 * H;
// Monday 1 June 2026, 08:00 in Shanghai: the broadcast is prepared, to go at 10:00.
const T0 = Date.parse('2026-06-01T08:00:00+08:00');
const AT = Date.parse('2026-06-01T10:00:00+08:00');
const N = 150;

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await dropTestSchemas();
});

/** Two-proportion comparison computed here (pooled z for p, unpooled interval), for the lift. */
function interval(x1: number, n1: number, x2: number, n2: number) {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { difference: p1 - p2, ci95: [p1 - p2 - 1.959964 * se, p1 - p2 + 1.959964 * se] };
}

describe.each(storesUnderTest())('broadcasts ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let people: Person[];
  const mailTo = (p: Person) => smtp.mail.filter((m) => m.to.includes(p.email ?? '-'));

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date(T0 - D));
    ws = await createWorkspace(database.db, { name: `bc-${store.name}` });
    people = await generateAudience(database, ws, N, smtp.port, new Date(T0 - D));
    setClock(new Date(T0));
  });
  afterAll(async () => {
    await database?.close();
  });

  const create = (def: Record<string, unknown>) =>
    createBroadcast(database.db, ws, actor, parseBroadcast(def) as BroadcastDefinition);

  it('estimates reach with the guards, sends at the scheduled time, holds out, and measures lift', async () => {
    const b = await create({
      name: '夏日群发',
      audience: { condition: { attribute: 'city', op: 'eq', value: '上海' } },
      templates: ['bc-offer'],
      coupon: '夏日券',
      holdout_percent: 20,
      send: { at: 'scheduled', time: '2026-06-01T10:00' },
    });
    // The expected reach, from the people as generated and the guards' documented order.
    const members = people.filter((p) => p.city === '上海');
    const draws = await independentDraws(
      database.db,
      b.id,
      members.map((p) => p.id),
    );
    const held = members.filter((p) => draws.get(p.id)!.holdout < 20);
    const treated = members.filter((p) => draws.get(p.id)!.holdout >= 20);
    const optedOut = treated.filter((p) => p.optedOut);
    const capped = treated.filter((p) => !p.optedOut && p.capped);
    const rest = treated.filter((p) => !p.optedOut && !p.capped);
    // At 10:00 in Shanghai it is 22:00 in New York and 02:00 UTC (an unknown zone): quiet hours.
    const deferred = rest.filter((p) => p.zone !== null);
    const noEmail = rest.filter((p) => p.zone === null && !p.email);
    const now = rest.filter((p) => p.zone === null && p.email);
    const reach = await estimateReach(database.db, ws, b);
    expect(reach).toMatchObject({
      members: members.length,
      held_out: held.length,
      targeted: treated.length,
      opted_out: optedOut.length,
      frequency_capped: capped.length,
      no_address: noEmail.length,
      deferred: deferred.length,
      reachable: now.length + deferred.length,
    });
    expect(reach.reasons.no_email).toBe(noEmail.length);
    expect(optedOut.length * capped.length * deferred.length * noEmail.length * held.length).toBeGreaterThan(
      0,
    );

    // A test send: to a chosen address, marked, not in the outbox.
    const before = smtp.mail.length;
    const test = await testSendBroadcast(database.db, ws, actor, b, { to: ['boss@example.com'] });
    expect(test.sent).toEqual([
      { arm: 'main', template: 'bc-offer', to: 'boss@example.com', ok: true, error: null },
    ]);
    expect(smtp.mail.length).toBe(before + 1);
    expect(smtp.mail.at(-1)!.subject).toBe('【测试】夏日礼券 TEST-0000');
    const outbox = await database.db
      .selectFrom('messages')
      .select('id')
      .where('broadcast_id', '=', b.id)
      .execute();
    expect(outbox).toHaveLength(0);

    await scheduleBroadcast(database.db, ws, actor, b.id);
    setClock(new Date(AT - 60_000));
    await runOnce(database.db, [ws.name]);
    expect((await getBroadcast(database.db, ws.id, b.id)).status).toBe('scheduled');
    expect(smtp.mail.length).toBe(before + 1);
    setClock(new Date(AT));
    await runOnce(database.db, [ws.name]);
    expect((await getBroadcast(database.db, ws.id, b.id)).status).toBe('sending');
    for (const p of now) {
      const got = mailTo(p);
      expect(got).toHaveLength(1);
      const code = await database.db
        .selectFrom('coupons')
        .select('code')
        .where('workspace_id', '=', ws.id)
        .where('customer_id', '=', p.id)
        .executeTakeFirstOrThrow();
      expect(got[0]!.subject).toBe(`夏日礼券 ${code.code}`);
    }
    for (const p of [...held, ...deferred, ...optedOut, ...capped]) expect(mailTo(p)).toHaveLength(0);
    const heldMessages = await database.db
      .selectFrom('messages')
      .select('id')
      .where('broadcast_id', '=', b.id)
      .where(
        'customer_id',
        'in',
        held.map((p) => p.id),
      )
      .execute();
    expect(heldMessages).toHaveLength(0);

    // After quiet hours (22:00 in Shanghai: 10:00 in New York, 14:00 UTC) the deferred ones go
    // (those with an address), and the broadcast completes.
    setClock(new Date(AT + 12 * H));
    await runOnce(database.db, [ws.name]);
    await runOnce(database.db, [ws.name]);
    for (const p of deferred) expect(mailTo(p)).toHaveLength(p.email ? 1 : 0);
    expect((await getBroadcast(database.db, ws.id, b.id)).status).toBe('completed');

    // Orders after the start: every third customer buys within the window, one with the coupon.
    const buyers = members.filter((p) => p.id % 3 === 0);
    const redeemer = now[0]!;
    const code = (
      await database.db
        .selectFrom('coupons')
        .select('code')
        .where('customer_id', '=', redeemer.id)
        .executeTakeFirstOrThrow()
    ).code;
    const rows = buyers.map((p, i) => `X${i},${p.ext},2026-06-03 12:00,120.00,,paid`);
    rows.push(`XC,${redeemer.ext},2026-06-04 12:00,200.00,${code},paid`);
    rows.push(`XL,${buyers[0]!.ext},2026-06-20 12:00,99.00,,paid`); // after the 7-day window
    await importText(
      database,
      ws,
      'orders',
      `order_id,customer_id,ordered_at,amount,coupon_code,status\n${rows.join('\n')}\n`,
    );
    const report = await broadcastReport(database.db, await getBroadcast(database.db, ws.id, b.id));
    const sentTo = [...now, ...deferred.filter((p) => p.email)];
    expect(report.funnel.delivered).toBe(sentTo.length);
    expect(report.messages.sent).toBe(sentTo.length);
    expect(report.held_out).toBe(held.length);
    expect(report.coupons.issued).toBe(treated.length);
    expect(report.coupons.redeemed).toBe(1);
    const conv = (group: Person[]) => group.filter((p) => p.id % 3 === 0 || p === redeemer).length;
    const expected = interval(conv(treated), treated.length, conv(held), held.length);
    expect(report.lift!.treated).toMatchObject({ customers: treated.length, converted: conv(treated) });
    expect(report.lift!.held_out).toMatchObject({ customers: held.length, converted: conv(held) });
    expect(report.lift!.difference).toBeCloseTo(expected.difference, 10);
    expect(report.lift!.ci95![0]).toBeCloseTo(expected.ci95[0]!, 10);
    expect(report.lift!.ci95![1]).toBeCloseTo(expected.ci95[1]!, 10);
    // Revenue: net of the sent-to customers' valid orders within 7 days of their first touch.
    const revenue = sentTo.reduce(
      (s, p) => s + (p.id % 3 === 0 ? 12000 : 0) + (p === redeemer ? 20000 : 0),
      0,
    );
    expect(report.funnel.revenue).toBe(revenue);
  });

  it('splits A/B deterministically by weight, through the same outbox', async () => {
    setClock(new Date(AT + 2 * D));
    const b = await create({
      name: 'AB',
      audience: {
        list: people.filter((p) => p.email && !p.optedOut && !p.capped && !p.zone).map((p) => p.ext),
      },
      variants: [
        { name: 'A', weight: 3, templates: ['bc-a'] },
        { name: 'B', weight: 1, templates: ['bc-b'] },
      ],
    });
    await scheduleBroadcast(database.db, ws, actor, b.id);
    await runOnce(database.db, [ws.name]);
    const rows = await database.db
      .selectFrom('messages')
      .select(['customer_id', 'step', 'template', 'status', 'idempotency_key'])
      .where('broadcast_id', '=', b.id)
      .execute();
    const listed = people.filter((p) => p.email && !p.optedOut && !p.capped && !p.zone);
    expect(rows).toHaveLength(listed.length);
    const draws = await independentDraws(
      database.db,
      b.id,
      listed.map((p) => p.id),
    );
    for (const r of rows) {
      const d = draws.get(Number(r.customer_id))!.variant;
      expect(r.step).toBe(d < 75 ? 'A' : 'B');
      expect(r.idempotency_key).toBe(`broadcast:${b.id}:${r.customer_id}`);
      expect(r.status).toBe('sent');
    }
    const shareA = rows.filter((r) => r.step === 'A').length / rows.length;
    expect(Math.abs(shareA - 0.75)).toBeLessThan(0.15);
    const report = await broadcastReport(database.db, await getBroadcast(database.db, ws.id, b.id));
    expect(report.arms.map((a) => [a.name, a.customers])).toEqual([
      ['A', rows.filter((r) => r.step === 'A').length],
      ['B', rows.filter((r) => r.step === 'B').length],
    ]);
    expect(report.lift).toBeNull();
  });

  it('holds a paused broadcast’s messages, sends them on resume, and skips them on cancel', async () => {
    setClock(new Date(AT + 3 * D));
    await runOnce(database.db, [ws.name]);
    const list = people.filter((p) => p.email && !p.optedOut && !p.capped && !p.zone).slice(0, 20);
    // A transactional notice: the frequency cap (2 marketing messages in 7 days) does not apply.
    const b = await create({
      name: '暂停',
      audience: { list: list.map((p) => p.ext) },
      templates: ['bc-notice'],
    });
    await scheduleBroadcast(database.db, ws, actor, b.id);
    const counts = await runBroadcasts(database.db, ws, new Date(AT + 3 * D));
    expect(counts).toMatchObject({ started: 1, queued: list.length });
    await pauseBroadcast(database.db, ws, actor, b.id);
    const held = await deliverDue(database.db, ws, new Date(AT + 3 * D));
    expect(held.claimed).toBe(0);
    await runOnce(database.db, [ws.name]);
    const queued = await database.db
      .selectFrom('messages')
      .select('id')
      .where('broadcast_id', '=', b.id)
      .where('status', '=', 'queued')
      .execute();
    expect(queued).toHaveLength(list.length);
    await resumeBroadcast(database.db, ws, actor, b.id);
    const sent = await deliverDue(database.db, ws, new Date(AT + 3 * D));
    expect(sent.sent).toBe(list.length);

    setClock(new Date(AT + 10 * D));
    const c = await create({
      name: '取消',
      audience: { list: list.map((p) => p.ext) },
      templates: ['bc-notice'],
    });
    await scheduleBroadcast(database.db, ws, actor, c.id);
    await runBroadcasts(database.db, ws, new Date(AT + 10 * D));
    const mails = smtp.mail.length;
    await cancelBroadcast(database.db, ws, actor, c.id);
    await runOnce(database.db, [ws.name]);
    expect(smtp.mail.length).toBe(mails);
    const report = await broadcastReport(database.db, await getBroadcast(database.db, ws.id, c.id));
    expect(report.skipped).toEqual({ broadcast_cancelled: list.length });
    expect(report.broadcast.status).toBe('cancelled');
    await expect(resumeBroadcast(database.db, ws, actor, c.id)).rejects.toThrow(/cancelled/);
  });

  it('waits for an admin’s approval when the workspace requires it, and audits both', async () => {
    ws = await saveSettings(database.db, ws.id, {
      ...(ws.settings as object),
      broadcasts: { require_approval: true },
    });
    ws = await workspaceById(database.db, ws.id);
    const b = await create({ name: '待批', audience: { segment: 'nope' }, templates: ['bc-a'] }).catch(
      (e) => e,
    );
    expect(String(b)).toMatch(/audience\.segment: no segment/);
    const c = await create({ name: '待批', audience: { list: [people[1]!.ext] }, templates: ['bc-a'] });
    expect((await scheduleBroadcast(database.db, ws, actor, c.id)).status).toBe('pending_approval');
    await runOnce(database.db, [ws.name]);
    expect((await getBroadcast(database.db, ws.id, c.id)).status).toBe('pending_approval');
    expect((await approveBroadcast(database.db, ws, actor, c.id)).status).toBe('scheduled');
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_type', '=', 'broadcast')
      .where('object_id', '=', String(c.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'broadcast.create',
      'broadcast.schedule',
      'broadcast.approve',
    ]);
  });

  it('sends at a time in each customer’s own zone (unknown zones: the workspace’s)', async () => {
    setClock(new Date(AT + 20 * D));
    const pick = (f: (p: Person) => boolean) => people.find((p) => p.email && !p.optedOut && f(p))!;
    const shanghai = pick((p) => p.zone === null);
    const newYork = pick((p) => p.zone === 'America/New_York');
    const unknown = pick((p) => p.zone === 'Not/AZone');
    const b = await create({
      name: '各地十点',
      audience: { list: [shanghai.ext, newYork.ext, unknown.ext] },
      templates: ['bc-notice'],
      send: { at: 'customer_local', date: '2026-07-01', time: '10:00' },
    });
    // Materialising starts when 10:00 comes first anywhere (UTC+14): 20:00 UTC the day before.
    expect(b.send_at!.toISOString()).toBe('2026-06-30T20:00:00.000Z');
    // The workspace requires approval since the test before.
    expect((await scheduleBroadcast(database.db, ws, actor, b.id)).status).toBe('pending_approval');
    await approveBroadcast(database.db, ws, actor, b.id);
    await runBroadcasts(database.db, ws, new Date('2026-06-30T19:59:00Z'));
    expect((await getBroadcast(database.db, ws.id, b.id)).status).toBe('scheduled');
    await runBroadcasts(database.db, ws, new Date('2026-06-30T20:00:00Z'));
    const due = await database.db
      .selectFrom('messages')
      .select(['customer_id', 'due_at'])
      .where('broadcast_id', '=', b.id)
      .execute();
    const at = new Map(due.map((m) => [Number(m.customer_id), m.due_at!.toISOString()]));
    expect(at.get(shanghai.id)).toBe('2026-07-01T02:00:00.000Z');
    expect(at.get(newYork.id)).toBe('2026-07-01T14:00:00.000Z');
    expect(at.get(unknown.id)).toBe('2026-07-01T02:00:00.000Z');
  });
});
