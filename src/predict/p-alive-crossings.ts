import { type RawBuilder, sql } from 'kysely';

/**
 * Customers whose P(alive) a prediction refresh stored in (since, upto] (database time)
 * took from at or above `threshold` to below it, as SQL rows `(customer_id, occurrence)`. The
 * refresh names the occurrence, so each crossing counts once; a customer first scored below it
 * (no earlier refresh to compare with) has crossed nothing.
 */
export function pAliveCrossings(
  ws: number,
  threshold: number,
  window: { since: Date; upto: Date },
): RawBuilder<unknown> {
  return sql`select p.customer_id, 'p_alive:' || p.fit_id as occurrence from customer_predictions p
    join prediction_fits f on f.workspace_id = p.workspace_id and f.id = p.fit_id
    where p.workspace_id = ${ws} and f.fitted_at > ${window.since} and f.fitted_at <= ${window.upto}
      and p.p_alive < ${threshold} and p.previous_p_alive >= ${threshold}`;
}
