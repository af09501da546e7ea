import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { historicalClv } from '../metrics/historical-clv.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { exportPredictions, latestFit } from '../predict/index.ts';
import type { CacReport, CacRow, MonthRangeQuery, SpendRow } from './acquisition-contract.ts';
import { listSpend, monthStart } from './spend-service.ts';

/** The workspace fields the report reads. */
export interface ReportWorkspace {
  id: number;
  currency: string;
  timezone: string;
}

/** `YYYY-MM` plus `n` months. */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Whole months from `from` to `to` (both `YYYY-MM`). */
export const monthsBetween = (from: string, to: string) =>
  Number(to.slice(0, 4)) * 12 +
  Number(to.slice(5, 7)) -
  (Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)));

interface CohortFacts {
  buyers: number;
  /** Customer keys as predict exports them (external id, or our id). */
  keys: string[];
  /** Net revenue of the cohort's valid orders by month `YYYY-MM`. */
  revenue: Map<string, number>;
}

const key = (month: string, channel: string) => `${month}\u0000${channel}`;

/**
 * Each spend row's first-order cohort: customers whose first valid order (earliest by time) fell
 * in the spend month and carried the channel — as the order's `channel` or as its `store` code —
 * and their valid orders' net revenue per month up to `asOf`.
 */
async function cohortFacts(
  db: Kysely<Schema>,
  workspaceId: number,
  spend: readonly SpendRow[],
  asOf: string,
): Promise<Map<string, CohortFacts>> {
  const facts = new Map<string, CohortFacts>();
  for (const s of spend) facts.set(key(s.month, s.channel), { buyers: 0, keys: [], revenue: new Map() });
  if (!spend.length) return facts;
  const months = spend.map((s) => s.month).sort();
  const start = monthStart(months[0]!);
  const end = monthStart(addMonths(months[months.length - 1]!, 1));
  const channels = [...new Set(spend.map((s) => s.channel))];
  const cohortCte = sql`
    firsts as (
      select distinct on (c.id) c.id, coalesce(c.external_id, c.id::text) as customer_key,
        to_char(c.first_order_date, 'YYYY-MM') as month, o.channel, o.store
      from customers c
      join orders o on o.workspace_id = c.workspace_id and o.customer_id = c.id
        and o.local_date = c.first_order_date and ${VALID_ORDER}
      where c.workspace_id = ${workspaceId} and c.first_order_date >= ${start}::date
        and c.first_order_date < ${end}::date
      order by c.id, o.ordered_at, o.order_id
    ),
    cohort as (
      select f.id, f.customer_key, f.month, ch.channel from firsts f
      join unnest(${channels}::text[]) as ch(channel) on ch.channel = f.channel or ch.channel = f.store
    )`;
  const members = await sql<{ month: string; channel: string; customer_key: string }>`
    with ${cohortCte} select month, channel, customer_key from cohort`.execute(db);
  for (const m of members.rows) {
    const f = facts.get(key(m.month, m.channel));
    if (!f) continue;
    f.buyers++;
    f.keys.push(m.customer_key);
  }
  const revenue = await sql<{ month: string; channel: string; at: string; net: number | string }>`
    with ${cohortCte}
    select k.month, k.channel, to_char(o.local_date, 'YYYY-MM') as at, sum(o.amount - o.refunded_amount) as net
    from cohort k join orders o on o.workspace_id = ${workspaceId} and o.customer_id = k.id and ${VALID_ORDER}
    where o.local_date <= ${asOf}::date
    group by 1, 2, 3`.execute(db);
  for (const r of revenue.rows) facts.get(key(r.month, r.channel))?.revenue.set(r.at, Number(r.net));
  return facts;
}

/** The first month from `month` to `asOfMonth` whose cumulative revenue reaches `spend`, or null. */
function payback(month: string, asOfMonth: string, spend: number, revenue: Map<string, number>) {
  let total = 0;
  for (let k = 0; k <= monthsBetween(month, asOfMonth); k++) {
    const at = addMonths(month, k);
    total += revenue.get(at) ?? 0;
    if (total >= spend) return { month: at, months: k };
  }
  return null;
}

/** Mean stored predicted CLV of each cohort's customers that have one (read through predict's export). */
async function predictedMeans(db: Kysely<Schema>, workspaceId: number, facts: Map<string, CohortFacts>) {
  const fit = await latestFit(db, workspaceId);
  const means = new Map<string, number | null>();
  if (!fit) return { fittedAt: null, means };
  const clv = new Map<string, number | null>();
  for (const p of await exportPredictions(db, workspaceId)) clv.set(p.customer_id, p.predicted_clv);
  for (const [k, f] of facts) {
    const values = f.keys.map((c) => clv.get(c)).filter((v): v is number => typeof v === 'number');
    means.set(k, values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  }
  return { fittedAt: fit.fitted_at, means };
}

const ratio = (value: number | null, cac: number | null) =>
  value === null || cac === null || cac === 0 ? null : value / cac;

/**
 * The CAC report (获客成本) for the spend months in [from, to]: per channel and month, spend ÷ new
 * buyers, historical and predicted CLV against it, and the cohort's payback month as of `asOf`.
 */
export async function cacReport(
  db: Kysely<Schema>,
  workspace: ReportWorkspace,
  range: MonthRangeQuery,
  asOf: string,
): Promise<CacReport> {
  const spend = (await listSpend(db, workspace.id, range)).filter((s) => s.month <= asOf.slice(0, 7));
  const facts = await cohortFacts(db, workspace.id, spend, asOf);
  const clv = (await historicalClv(db, workspace.id, asOf)).clv;
  const predicted = await predictedMeans(db, workspace.id, facts);
  const rows: CacRow[] = spend.map((s) => {
    const f = facts.get(key(s.month, s.channel))!;
    const cac = f.buyers ? s.amount / f.buyers : null;
    const paid = f.buyers ? payback(s.month, asOf.slice(0, 7), s.amount, f.revenue) : null;
    const predictedClv = predicted.means.get(key(s.month, s.channel)) ?? null;
    return {
      channel: s.channel,
      month: s.month,
      spend: s.amount,
      new_buyers: f.buyers,
      cac,
      historical_clv: clv,
      clv_cac: ratio(clv, cac),
      predicted_clv: predictedClv,
      predicted_clv_cac: ratio(predictedClv, cac),
      revenue_to_date: [...f.revenue.values()].reduce((a, b) => a + b, 0),
      payback_month: paid?.month ?? null,
      payback_months: paid?.months ?? null,
    };
  });
  return {
    as_of: asOf,
    currency: workspace.currency,
    from: range.from ?? null,
    to: range.to ?? null,
    predictions_fitted_at: predicted.fittedAt,
    rows,
  };
}
