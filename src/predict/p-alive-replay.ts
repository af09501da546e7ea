import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { type CountModel, countModel, UNIT_DAYS } from './count-model.ts';
import { latestFit } from './predict-service.ts';
import { dateOfDay, dayNumber, PURCHASE } from './purchase-summary.ts';

/** One day on which a customer's P(alive) fell below the threshold. */
export interface Crossing {
  customer_id: number;
  day: string;
}

/** P(alive) as of day `d` of a customer with purchase days `days` (sorted), or null before the first. */
function pAliveOn(model: CountModel, unit: number, days: number[], d: number): number | null {
  let n = 0;
  while (n < days.length && days[n]! <= d) n++;
  if (n === 0) return null;
  return model.pAlive(n - 1, (days[n - 1]! - days[0]!) / unit, (d - days[0]!) / unit);
}

/**
 * The days in [from, to) on which a customer's P(alive) falls below `threshold`, replayed from
 * history with `model`: between two purchases P(alive) only falls, so each stretch without a
 * purchase is searched by bisection for its first day below, and a purchase lifts it again.
 */
export function crossingDays(
  model: CountModel,
  unit: number,
  days: number[],
  threshold: number,
  from: number,
  to: number,
): number[] {
  const below = (d: number) => {
    const p = pAliveOn(model, unit, days, d);
    return p !== null && p < threshold;
  };
  const breaks = days.filter((d) => d > from && d < to);
  const starts = [from, ...breaks];
  const out: number[] = [];
  starts.forEach((start, i) => {
    const end = (starts[i + 1] ?? to) - 1;
    if (!below(end)) return;
    let lo = start;
    let hi = end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (below(mid)) hi = mid;
      else lo = mid + 1;
    }
    // Scored the day before and not below then: a crossing (a first score below is none).
    if (pAliveOn(model, unit, days, lo - 1) !== null && !below(lo - 1)) out.push(lo);
  });
  return out;
}

/**
 * The crossings of `threshold` on local days [from, to), replayed with the workspace's latest
 * fit as a daily refresh would have scored each day (predictions are not kept per day); none
 * before the first fit.
 */
export async function replayPAliveCrossings(
  db: Kysely<Schema>,
  workspaceId: number,
  threshold: number,
  period: { from: string; to: string },
): Promise<Crossing[]> {
  const fit = await latestFit(db, workspaceId);
  if (!fit) return [];
  const model = countModel(fit.model, fit.params, fit.log_likelihood);
  const unit = UNIT_DAYS[fit.unit];
  const rows = await sql<{ customer_id: number; days: number[] }>`
    select o.customer_id, array_agg(distinct (o.local_date - date '1970-01-01')) as days
    from orders o where o.workspace_id = ${workspaceId} and o.customer_id is not null and ${PURCHASE}
      and o.local_date < ${period.to}::date
    group by o.customer_id order by o.customer_id`.execute(db);
  const from = dayNumber(period.from);
  const to = dayNumber(period.to);
  const out: Crossing[] = [];
  for (const r of rows.rows) {
    const days = r.days.map(Number).sort((a, b) => a - b);
    for (const d of crossingDays(model, unit, days, threshold, from, to))
      out.push({ customer_id: Number(r.customer_id), day: dateOfDay(d) });
  }
  return out;
}
