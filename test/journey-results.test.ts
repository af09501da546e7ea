import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import { backtestJourney } from '../src/journeys/journey-backtest.ts';
import type { Journey } from '../src/journeys/journey-model.ts';
import { journeyReport } from '../src/journeys/journey-report.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { recordTouch } from '../src/messaging/tracking-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// A journey with a holdout and an A/B split over generated customers; orders imported after the
// touches; the report checked against figures computed here from the rows imported.

/** Φ by Simpson's rule on the standard normal density (independent of the code under test). */
function phi(z: number): number {
  const a = Math.abs(z);
  const n = 20_000;
  const h = a / n;
  const f = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
  let s = f(0) + f(a);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  const half = (s * h) / 3;
  return z >= 0 ? 0.5 + half : 0.5 - half;
}
/** Two-proportion z-test (pooled SE) and the unpooled 95% interval of x1/n1 − x2/n2. */
function zTest(x1: number, n1: number, x2: number, n2: number) {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return {
    difference: p1 - p2,
    p: 2 * (1 - phi(Math.abs(z))),
    ci: [p1 - p2 - 1.959964 * se, p1 - p2 + 1.959964 * se],
  };
}

const T0 = Date.parse('2026-05-04T10:00:00+08:00');
const H = 3_600_000;
const D = 24 * H;
/** Workspace-local 'YYYY-MM-DD HH:MM' (Shanghai, UTC+8) of an instant. */
const local = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');
const N = 160;
const ext = (i: number) => `G${String(i).padStart(3, '0')}`;

interface Order {
  id: string;
  customer: string;
  at: number;
  amount: number;
  refunded: number;
  status: string;
}

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('journey results ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const idOf = new Map<string, number>();
  const extOf = new Map<number, string>();
  const orders: Order[] = [];
  const group = new Map<string, 'held_out' | 'A' | 'B'>();
  const sentAt = new Map<string, number>();
  const opened = new Set<string>();
  const journey: Journey = {
    name: 'lift-check',
    trigger: { event: 'signup' },
    reentry: 'once',
    attribution_days: 7,
    start: 'hold',
    steps: {
      hold: { type: 'holdout', percent: 25, next: 'ab' },
      ab: {
        type: 'split',
        arms: [
          { name: 'A', weight: 1, next: 'send_a' },
          { name: 'B', weight: 1, next: 'send_b' },
        ],
      },
      send_a: { type: 'send', templates: ['offer-a'], skip_if_ordered: false, next: 'done' },
      send_b: { type: 'send', templates: ['offer-b'], skip_if_ordered: false, next: 'done' },
      done: { type: 'exit' },
    },
  };
  const load = (kind: 'customers' | 'orders' | 'events', text: string) =>
    importText(database, ws, kind, text);
  const address = (e: string) => `${e.toLowerCase()}-results-${store.name}@example.com`;

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date(T0 - D));
    ws = await createWorkspace(database.db, { name: `results-${store.name}` });
    const people = Array.from({ length: N }, (_, i) => ext(i));
    const birthdays: Record<string, string> = { G000: '1992-02-29', G001: '1990-02-10', G002: '1990-03-05' };
    await load(
      'customers',
      `customer_id,name,email,birthday\n${people.map((p) => `${p},客户${p},${address(p)},${birthdays[p] ?? ''}`).join('\n')}\n`,
    );
    for (const r of await database.db
      .selectFrom('customers')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', ws.id)
      .execute()) {
      idOf.set(r.external_id!, Number(r.id));
      extOf.set(Number(r.id), r.external_id!);
    }
    await setChannel(
      database.db,
      ws.id,
      'email',
      { host: '127.0.0.1', port: smtp.port, from: 'shop@example.com' },
      {},
    );
    await saveTemplates(database.db, ws.id, [
      {
        name: 'offer-a',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '优惠A' },
        body: { 'zh-CN': 'A' },
      },
      {
        name: 'offer-b',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '优惠B' },
        body: { 'zh-CN': 'B' },
      },
    ]);
    await applyJourney(database.db, ws.id, journey);
    await load(
      'events',
      `customer_id,type,occurred_at\n${people.map((p) => `${p},signup,${local(T0 - 60_000)}`).join('\n')}\n`,
    );
    setClock(new Date(T0));
    await runOnce(database.db, [ws.name]);

    // Who is where, as the worker recorded it, and when each treated customer was sent their offer.
    const entries = await database.db
      .selectFrom('journey_entries')
      .select(['customer_id', 'holdout', 'arm'])
      .where('workspace_id', '=', ws.id)
      .execute();
    for (const e of entries)
      group.set(extOf.get(Number(e.customer_id))!, e.holdout ? 'held_out' : (e.arm as 'A' | 'B'));
    const messages = await database.db
      .selectFrom('messages')
      .select(['id', 'customer_id', 'sent_at', 'status'])
      .where('workspace_id', '=', ws.id)
      .execute();
    for (const m of messages)
      if (m.sent_at) sentAt.set(extOf.get(Number(m.customer_id))!, m.sent_at.getTime());
    // Every fourth treated customer opens the mail.
    setClock(new Date(T0 + H));
    for (const m of messages) {
      const e = extOf.get(Number(m.customer_id))!;
      if (Number(e.slice(1)) % 4 === 0) {
        await recordTouch(database.db, ws.id, m.id, 'opened');
        opened.add(e);
      }
    }

    // Orders after the touches: treated convert more than the holdout, arm B more than arm A;
    // some orders fall outside the window, before the touch, or are not valid.
    const add = (customer: string, at: number, amount: number, status = 'paid', refunded = 0) =>
      orders.push({ id: `O${orders.length}`, customer, at, amount, refunded, status });
    for (let i = 0; i < N; i++) {
      const c = ext(i);
      const g = group.get(c);
      if (g === 'held_out' ? i % 6 === 0 : i % 3 === 0) add(c, T0 + 2 * D + i * 60_000, 100 + i);
      if (g === 'B' && i % 4 === 1) add(c, T0 + 4 * D, 80);
      if (i % 7 === 1) add(c, T0 + 8 * D, 50); // a day after the 7-day window
      if (i % 11 === 2) add(c, T0 + 3 * D, 60, 'cancelled');
      if (i % 13 === 3) add(c, T0 + D, 200, 'paid', 50); // net 150
      if (i % 17 === 4) add(c, T0 - D, 90); // before the touch
      if (i % 19 === 5) add(c, T0 + 5 * D, 70, 'paid', 70); // refunded to zero
    }
    setClock(new Date(T0 + 10 * D));
    await load(
      'orders',
      `order_id,customer_id,ordered_at,amount,refunded_amount,status\n${orders
        .map((o) => `${o.id},${o.customer},${local(o.at)},${o.amount}.00,${o.refunded}.00,${o.status}`)
        .join('\n')}\n`,
    );
  });
  afterAll(() => database?.close());

  const valid = (o: Order) => (o.status === 'paid' || o.status === 'completed') && o.amount - o.refunded > 0;
  /** Valid orders of a customer within (from, from + 7 days]. */
  const within = (c: string, from: number) =>
    orders.filter((o) => o.customer === c && valid(o) && o.at > from && o.at <= from + 7 * D);
  const members = (g: string) => [...group].filter(([, x]) => x === g).map(([c]) => c);

  it('holds out some customers and sends each treated customer their arm’s offer once', () => {
    expect(group.size).toBe(N);
    const held = members('held_out');
    expect(held.length).toBeGreaterThan(N * 0.12);
    expect(held.length).toBeLessThan(N * 0.38);
    for (const c of held) expect(smtp.mail.filter((m) => m.to.includes(address(c)))).toEqual([]);
    for (const arm of ['A', 'B']) {
      expect(members(arm).length).toBeGreaterThan(N * 0.2);
      for (const c of members(arm))
        expect(smtp.mail.filter((m) => m.to.includes(address(c))).map((m) => m.subject)).toEqual([
          `优惠${arm}`,
        ]);
    }
  });

  it('reports the funnel: touched, delivered, opened, converted within the window, net revenue', async () => {
    const report = await journeyReport(database.db, await findJourney(database.db, ws.id, journey.name));
    const treated = [...members('A'), ...members('B')];
    const converters = treated.filter((c) => within(c, sentAt.get(c)!).length > 0);
    const revenue = treated.reduce(
      (s, c) => s + within(c, sentAt.get(c)!).reduce((t, o) => t + (o.amount - o.refunded) * 100, 0),
      0,
    );
    // An order 8 days after the touch, cancelled or refunded to zero does not convert.
    expect(converters).not.toContain(ext(8)); // i = 8: only the day-8 order (8 % 7 = 1)
    expect(report.funnel).toMatchObject({
      touched: treated.length,
      delivered: treated.length,
      opened: treated.filter((c) => opened.has(c)).length,
      clicked: 0,
      converted: converters.length,
      revenue,
    });
    expect(report.funnel.conversion_rate).toBeCloseTo(converters.length / treated.length, 12);
    const byStep = Object.fromEntries(report.funnel_by_step.map((f) => [f.step, f]));
    for (const [step, arm] of [
      ['send_a', 'A'],
      ['send_b', 'B'],
    ] as const)
      expect(byStep[step]).toMatchObject({
        touched: members(arm).length,
        converted: members(arm).filter((c) => within(c, sentAt.get(c)!).length > 0).length,
      });
    expect(report.entries).toMatchObject({ total: N, completed: N - members('held_out').length });
  });

  it('reports the lift over the holdout with its 95% interval and p-value', async () => {
    const report = await journeyReport(database.db, await findJourney(database.db, ws.id, journey.name));
    const treated = [...members('A'), ...members('B')];
    const held = members('held_out');
    // Both groups anchored when they passed the holdout step (the pass at T0).
    const x1 = treated.filter((c) => within(c, T0).length > 0).length;
    const x2 = held.filter((c) => within(c, T0).length > 0).length;
    const mine = zTest(x1, treated.length, x2, held.length);
    const h = report.holdout!;
    expect(h.treated).toMatchObject({ customers: treated.length, converted: x1 });
    expect(h.held_out).toMatchObject({ customers: held.length, converted: x2 });
    expect(h.difference).toBeCloseTo(mine.difference, 12);
    expect(h.ci95![0]).toBeCloseTo(mine.ci[0]!, 9);
    expect(h.ci95![1]).toBeCloseTo(mine.ci[1]!, 9);
    expect(Math.abs(h.p_value! - mine.p)).toBeLessThan(1e-6);
    expect(h.significant).toBe(mine.p < 0.05);
  });

  it('compares the A/B arms with a two-proportion z-test', async () => {
    const report = await journeyReport(database.db, await findJourney(database.db, ws.id, journey.name));
    const [split] = report.splits;
    expect(split!.step).toBe('ab');
    const conv = (arm: string) => members(arm).filter((c) => within(c, T0).length > 0).length;
    const [a, b] = split!.arms;
    expect(a).toMatchObject({ group: 'A', customers: members('A').length, converted: conv('A') });
    expect(b).toMatchObject({ group: 'B', customers: members('B').length, converted: conv('B') });
    const mine = zTest(conv('B'), members('B').length, conv('A'), members('A').length);
    expect(b!.difference).toBeCloseTo(mine.difference, 12);
    expect(Math.abs(b!.p_value! - mine.p)).toBeLessThan(1e-6);
  });

  const outcomes = (text: string) =>
    Object.fromEntries(
      text
        .split(', ')
        .filter(Boolean)
        .map((s) => {
          const i = s.lastIndexOf(' ');
          return [s.slice(0, i), Number(s.slice(i + 1))];
        }),
    );

  it('backtests the journey on history with the same draws as the live run', async () => {
    const day = local(T0).slice(0, 10);
    const next = local(T0 + D).slice(0, 10);
    const r = await backtestJourney(database.db, ws, journey, { from: day, to: next });
    expect(r).toMatchObject({ triggered: N, entered: N, not_eligible: 0, capped: 0 });
    const step = Object.fromEntries(r.steps.map((s) => [s.step, s]));
    expect(outcomes(step.hold!.outcomes)).toEqual({
      held_out: members('held_out').length,
      treated: N - members('held_out').length,
    });
    expect(outcomes(step.ab!.outcomes)).toEqual({ A: members('A').length, B: members('B').length });
    expect(step.send_b!.reached).toBe(members('B').length);
  });

  it('backtests an order trigger and a days-after-last-order trigger against counts from the orders', async () => {
    const from = local(T0).slice(0, 10);
    const to = local(T0 + 9 * D).slice(0, 10);
    const inPeriod = orders.filter(
      (o) => valid(o) && local(o.at).slice(0, 10) >= from && local(o.at).slice(0, 10) < to,
    );
    const placed: Journey = {
      ...journey,
      name: 'bt-orders',
      trigger: { order_placed: {} },
      reentry: 'always',
      start: 'done',
      steps: { done: { type: 'exit' } },
    };
    expect(await backtestJourney(database.db, ws, placed, { from, to })).toMatchObject({
      triggered: inPeriod.length,
      entered: inPeriod.length,
    });
    // Two days after a valid order's local day with no valid order in between, within the period.
    const days = new Map<string, Set<string>>();
    for (const o of orders.filter(valid)) {
      const set = days.get(o.customer) ?? new Set<string>();
      set.add(local(o.at).slice(0, 10));
      days.set(o.customer, set);
    }
    const plus = (d: string, n: number) =>
      new Date(Date.parse(`${d}T00:00:00Z`) + n * D).toISOString().slice(0, 10);
    let expected = 0;
    for (const set of days.values())
      for (const d of set) {
        const due = plus(d, 2);
        if (due >= from && due < to && ![plus(d, 1), plus(d, 2)].some((x) => set.has(x))) expected++;
      }
    expect(expected).toBeGreaterThan(10);
    const after: Journey = {
      ...placed,
      name: 'bt-after',
      trigger: { date: 'days_after_last_order', days: 2 },
    };
    expect((await backtestJourney(database.db, ws, after, { from, to })).triggered).toBe(expected);
  });

  it('backtests birthdays like the live trigger, 29 February on 28 February in non-leap years', async () => {
    const bday: Journey = {
      ...journey,
      name: 'bt-birthday',
      trigger: { date: 'birthday' },
      start: 'done',
      steps: { done: { type: 'exit' } },
    };
    // February 2027: G001 (10 Feb) and G000 (29 Feb, celebrated on the 28th); G002 is in March.
    const r = await backtestJourney(database.db, ws, bday, { from: '2027-02-01', to: '2027-03-01' });
    expect(r.triggered).toBe(2);
  });
});
