import { type Kysely, sql } from 'kysely';
import { customerContacts } from '../customers/customer-contacts.ts';
import type { Schema } from '../db/schema.ts';
import { segmentMemberFilter } from '../segments/index.ts';
import { formatMoney } from '../shared/money-format.ts';
import type { Workspace } from '../workspaces/index.ts';
import { UNIT_DAYS } from './count-model.ts';
import type { CallList, CallListEntry } from './predict-contract.ts';
import { dayNumber, PURCHASE } from './purchase-summary.ts';

/** The languages a reason is written in. */
export type ReasonLang = 'zh-CN' | 'en';

/** Which customers a call list covers: the top N by value at risk, optionally within a segment or among ids. */
export interface CallListRequest {
  top: number;
  segment?: string;
  customerIds?: readonly number[];
  lang: ReasonLang;
}

interface Ranked {
  customer_id: number;
  external_id: string | null;
  p_alive: number;
  predicted_clv: number;
  value_at_risk: number;
  as_of: string;
  fit_id: number;
  horizon_days: number;
}

/** The top N stored predictions by predicted CLV × (1 − P(alive)); ties by customer id. */
async function rankByValueAtRisk(
  db: Kysely<Schema>,
  workspaceId: number,
  req: CallListRequest,
): Promise<Ranked[]> {
  const inSegment = req.segment
    ? await segmentMemberFilter(db, workspaceId, req.segment)
    : sql<boolean>`true`;
  const among = req.customerIds ? sql`and p.customer_id = any(${[...req.customerIds]}::bigint[])` : sql``;
  const rows = await sql<Ranked>`
    select p.customer_id, c.external_id, p.p_alive, p.predicted_clv::float8 as predicted_clv,
      p.predicted_clv * (1 - p.p_alive) as value_at_risk, p.as_of::text as as_of, p.fit_id, p.horizon_days
    from customer_predictions p
    join customers c on c.workspace_id = p.workspace_id and c.id = p.customer_id
    where p.workspace_id = ${workspaceId} and p.predicted_clv is not null and c.erased_at is null
      -- Nothing at risk (BG/NBD holds a customer without a repeat purchase alive): nobody to call.
      and p.predicted_clv * (1 - p.p_alive) >= 0.5
      and ${inSegment} ${among}
    order by value_at_risk desc, p.customer_id
    limit ${req.top}`.execute(db);
  return rows.rows.map((r) => ({ ...r, customer_id: Number(r.customer_id), fit_id: Number(r.fit_id) }));
}

/** Purchase days (as the models count them) up to the as-of date of the given customers. */
async function purchaseRhythm(db: Kysely<Schema>, workspaceId: number, ids: number[], asOf: string) {
  const rows = await sql<{ customer_id: number; first_day: number; last_day: number; days: number }>`
    with d as (
      select o.customer_id, o.local_date from orders o
      where o.workspace_id = ${workspaceId} and o.customer_id = any(${ids}::bigint[]) and ${PURCHASE}
        and o.local_date <= ${asOf}::date
      group by o.customer_id, o.local_date
    )
    select customer_id, (min(local_date) - date '1970-01-01')::int as first_day,
      (max(local_date) - date '1970-01-01')::int as last_day, count(*)::int as days
    from d group by customer_id`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.customer_id), r]));
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Why a customer is on the list, in words: how far past their own rhythm (mean days between their
 * purchases) they are, or, after a single purchase, past the model's expected wait for them.
 */
export function callReason(
  e: Pick<CallListEntry, 'overdue_ratio' | 'rhythm_source' | 'rhythm_days' | 'days_since_last_order'>,
  lang: ReasonLang,
): string {
  if (e.overdue_ratio === null || e.rhythm_days === null || e.days_since_last_order === null)
    return lang === 'zh-CN' ? '暂无购买记录可比较' : 'no purchases to compare with';
  const ratio = e.overdue_ratio.toFixed(1);
  const every = Math.round(e.rhythm_days);
  const since = e.days_since_last_order;
  const own = e.rhythm_source === 'own';
  if (lang === 'zh-CN') {
    const detail = `（${own ? '平均' : '预计'}每 ${every} 天购买一次，已 ${since} 天未购买）`;
    if (e.overdue_ratio < 1)
      return `${own ? '仍在其自身购买节奏内' : '仅购买过一次，仍在模型预计的购买间隔内'}${detail}`;
    return own
      ? `已超出其自身购买节奏 ${ratio} 倍${detail}`
      : `仅购买过一次，已超出模型预计的购买间隔 ${ratio} 倍${detail}`;
  }
  const detail = ` (${own ? 'buys every' : 'expected every'} ${every} days; ${since} days since the last order)`;
  if (e.overdue_ratio < 1)
    return `${own ? 'still within their own rhythm' : 'bought once; still within the model’s expected wait'}${detail}`;
  return own
    ? `${ratio}× overdue against their own rhythm${detail}`
    : `bought once; ${ratio}× overdue against the model’s expected wait${detail}`;
}

/** The latest fit's rate parameters and unit, for the expected wait of one-time buyers. */
async function fitRates(db: Kysely<Schema>, workspaceId: number, fitId: number) {
  const row = await db
    .selectFrom('prediction_fits')
    .select(['params', 'unit'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', fitId)
    .executeTakeFirstOrThrow();
  return { r: row.params.r!, alpha: row.params.alpha!, unitDays: UNIT_DAYS[row.unit] };
}

/**
 * The staff call list: customers ranked by value at risk (predicted CLV × (1 − P(alive))) from the
 * stored predictions, each with the reason in words. Rhythm: the customer's own mean days between
 * purchases; after one purchase, the model's expected wait (α + T)/(r + x) in days.
 */
export async function callList(
  db: Kysely<Schema>,
  workspace: Workspace,
  req: CallListRequest,
): Promise<CallList> {
  const ranked = await rankByValueAtRisk(db, workspace.id, req);
  if (ranked.length === 0) return { as_of: null, fit_id: null, horizon_days: null, items: [] };
  const { as_of: asOf, fit_id: fitId, horizon_days: horizonDays } = ranked[0]!;
  const ids = ranked.map((r) => r.customer_id);
  const [rhythm, contacts, rates] = await Promise.all([
    purchaseRhythm(db, workspace.id, ids, asOf),
    customerContacts(db, workspace.id, ids),
    fitRates(db, workspace.id, fitId),
  ]);
  const asOfDay = dayNumber(asOf);
  const items = ranked.map((r, i): CallListEntry => {
    const p = rhythm.get(r.customer_id);
    const own = p !== undefined && p.days >= 2;
    let rhythmDays: number | null = null;
    if (p && own) rhythmDays = (p.last_day - p.first_day) / (p.days - 1);
    else if (p) {
      const T = (asOfDay - p.first_day) / rates.unitDays;
      rhythmDays = (rates.unitDays * (rates.alpha + T)) / (rates.r + p.days - 1);
    }
    const since = p ? asOfDay - p.last_day : null;
    const ratio = rhythmDays && since !== null ? round2(since / rhythmDays) : null;
    const entry = {
      rank: i + 1,
      customer_id: r.customer_id,
      external_id: r.external_id,
      name: contacts.get(r.customer_id)?.name ?? null,
      phone: contacts.get(r.customer_id)?.phone ?? null,
      p_alive: r.p_alive,
      predicted_clv: r.predicted_clv,
      value_at_risk: Math.round(r.value_at_risk),
      last_order_date: p ? new Date(p.last_day * 86_400_000).toISOString().slice(0, 10) : null,
      days_since_last_order: since,
      rhythm_days: rhythmDays === null ? null : round2(rhythmDays),
      rhythm_source: own ? ('own' as const) : ('model' as const),
      overdue_ratio: ratio,
    };
    return { ...entry, reason: callReason(entry, req.lang) };
  });
  return { as_of: asOf, fit_id: fitId, horizon_days: horizonDays, items };
}

/** A call-back task's title for an entry: the value at risk and the reason. */
export function callTaskTitle(e: CallListEntry, currency: string, lang: ReasonLang): string {
  const money = formatMoney(e.value_at_risk, currency, lang);
  return lang === 'zh-CN'
    ? `回访：流失风险价值 ${money}，${callReason(e, lang)}`
    : `Call back: ${money} at risk, ${callReason(e, lang)}`;
}
