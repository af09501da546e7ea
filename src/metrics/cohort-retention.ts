import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/** One monthly cohort: its size and, for month k = 0, 1, …, the share with a valid order in month m + k. */
export interface CohortRow {
  cohort: string;
  customers: number;
  retention: number[];
}

/**
 * The monthly cohort retention matrix (PRODUCT.md §3.5) for cohorts whose first valid order's
 * month starts in [from, to); cells run up to the month that contains the day before `to`.
 */
export async function cohortRetention(
  db: Kysely<Schema>,
  workspaceId: number,
  options: { from: string; to: string },
): Promise<CohortRow[]> {
  const rows = await sql<{ cohort: string; k: number; customers: number }>`
    with members as (
      select c.id, date_trunc('month', c.first_order_date)::date as cohort from customers c
      where c.workspace_id = ${workspaceId} and c.first_order_date is not null
        and date_trunc('month', c.first_order_date) >= ${options.from}::date
        and c.first_order_date < ${options.to}::date
    ),
    active as (
      select distinct o.customer_id, date_trunc('month', o.local_date)::date as month from orders o
      join members m on m.id = o.customer_id
      where o.workspace_id = ${workspaceId} and ${VALID_ORDER}
        and o.local_date < ${options.to}::date
    )
    select to_char(m.cohort, 'YYYY-MM') as cohort,
      ((extract(year from a.month) - extract(year from m.cohort)) * 12 + extract(month from a.month) - extract(month from m.cohort))::int as k,
      count(*)::int as customers
    from members m join active a on a.customer_id = m.id
    group by 1, 2 order by 1, 2`.execute(db);
  const last = new Date(`${options.to}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const lastIndex = last.getUTCFullYear() * 12 + last.getUTCMonth();
  const byCohort = new Map<string, Map<number, number>>();
  for (const r of rows.rows) {
    const cells = byCohort.get(r.cohort) ?? new Map<number, number>();
    cells.set(r.k, r.customers);
    byCohort.set(r.cohort, cells);
  }
  return [...byCohort].map(([cohort, cells]) => {
    const size = cells.get(0) ?? 0;
    const months = lastIndex - (Number(cohort.slice(0, 4)) * 12 + Number(cohort.slice(5, 7)) - 1) + 1;
    return {
      cohort,
      customers: size,
      retention: Array.from({ length: Math.max(months, 1) }, (_, k) =>
        size ? (cells.get(k) ?? 0) / size : 0,
      ),
    };
  });
}
