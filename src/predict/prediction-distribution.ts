import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Distribution } from './predict-contract.ts';

const CLV_BINS = 10;

/** The smallest of 1, 2, 5 × 10ᵏ at or above `raw` (k ≥ 0): bar widths a person reads at a glance. */
export function niceStep(raw: number): number {
  if (!(raw > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

/**
 * How the stored predictions spread, counted by the database: P(alive) in ten bins of 0.1, and
 * predicted CLV in about ten equal bins of a round width (in whole major units) up to the 99th
 * percentile, with one open bin above so that a few large customers do not flatten the rest.
 */
export async function predictionDistribution(
  db: Kysely<Schema>,
  workspaceId: number,
  minorPerMajor: number,
): Promise<Distribution> {
  const totals = (
    await sql<{
      customers: number;
      without_clv: number;
      total_clv: number;
      total_var: number;
      mean_p_alive: number | null;
      as_of: string | null;
      p99: number | null;
    }>`
    select count(*)::int as customers, (count(*) filter (where predicted_clv is null))::int as without_clv,
      coalesce(sum(predicted_clv), 0)::float8 as total_clv,
      coalesce(sum(predicted_clv * (1 - p_alive)), 0)::float8 as total_var,
      avg(p_alive)::float8 as mean_p_alive, max(as_of)::text as as_of,
      (percentile_cont(0.99) within group (order by predicted_clv))::float8 as p99
    from customer_predictions where workspace_id = ${workspaceId}`.execute(db)
  ).rows[0]!;
  const alive = await sql<{ bin: number; customers: number }>`
    select least(floor(p_alive * 10), 9)::int as bin, count(*)::int as customers
    from customer_predictions where workspace_id = ${workspaceId} group by 1`.execute(db);
  const aliveCounts = new Map(alive.rows.map((r) => [r.bin, r.customers]));
  const pAlive = Array.from({ length: 10 }, (_, k) => ({
    from: k / 10,
    to: (k + 1) / 10,
    customers: aliveCounts.get(k) ?? 0,
  }));
  // Widths in whole major units (元): a bar from ¥0 to ¥0.50 says nothing.
  const step = niceStep(Math.max(0, totals.p99 ?? 0) / CLV_BINS / minorPerMajor) * minorPerMajor;
  const closed = Math.max(1, Math.ceil((totals.p99 ?? 0) / step));
  const clv = await sql<{ bin: number; customers: number }>`
    select least(floor(greatest(predicted_clv, 0)::float8 / ${step}), ${closed})::int as bin, count(*)::int as customers
    from customer_predictions where workspace_id = ${workspaceId} and predicted_clv is not null
    group by 1`.execute(db);
  const clvCounts = new Map(clv.rows.map((r) => [r.bin, r.customers]));
  const clvBins = Array.from({ length: closed + 1 }, (_, k) => ({
    from: k * step,
    to: k === closed ? null : (k + 1) * step,
    customers: clvCounts.get(k) ?? 0,
  }));
  if (clvBins.at(-1)!.customers === 0) clvBins.pop();
  return {
    as_of: totals.as_of,
    customers: totals.customers,
    p_alive: pAlive,
    predicted_clv: totals.customers - totals.without_clv > 0 ? clvBins : [],
    without_clv: totals.without_clv,
    total_clv: Math.round(totals.total_clv),
    total_value_at_risk: Math.round(totals.total_var),
    mean_p_alive: totals.mean_p_alive,
  };
}
