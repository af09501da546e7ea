import { type Kysely, sql } from 'kysely';
import type { Session } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { PredictionColumns } from './predict-model.ts';
import { LOAD_COLUMNS, predictionCopy } from './prediction-copy.ts';

/** What every stored row of one refresh shares. */
export interface PredictionBatch {
  workspaceId: number;
  fitId: number;
  asOf: string;
  horizonDays: number;
  scores: PredictionColumns;
}

/**
 * Stores a refresh's predictions inside the session's open transaction: the scores go by binary
 * COPY into a temporary table, then an update and an insert write them all (a customer's P(alive)
 * of the refresh before is kept beside the new one, for the `p_alive_below` trigger), and customers this
 * refresh no longer scores lose their stale prediction.
 */
export async function writePredictionsByCopy(session: Session, batch: PredictionBatch): Promise<void> {
  const db = session.db;
  await sql`create temp table prediction_load (customer_id bigint, p_alive float8, e30 float8, e90 float8,
    e365 float8, spend bigint, clv bigint, next_order date) on commit drop`.execute(db);
  await session.copyIn('prediction_load', LOAD_COLUMNS, [predictionCopy(batch.scores)], 'binary');
  const held = await heldBefore(db, batch.workspaceId);
  const updated = await updateThenInsert(db, batch, 'prediction_load');
  // Every row held before was updated: none can be stale, and the scan that finds them is skipped.
  if (updated !== held) await deleteStale(db, batch);
}

/**
 * How many predictions the workspace can hold at most before this refresh: as many as the refresh
 * that stored them scored (its fit's `customers`), fewer if customers were deleted since (their
 * rows go with them); 0 when it holds none. Taken after a lock that queues the workspace's
 * refreshes, so no other refresh adds or replaces rows between this count and the update.
 */
async function heldBefore(db: Kysely<Schema>, workspaceId: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`retain.predictions.${workspaceId}`}, 0))`.execute(
    db,
  );
  const row = await sql<{ customers: number }>`
    select f.customers from prediction_fits f
    where f.workspace_id = ${workspaceId}::int
      and f.id = (select fit_id from customer_predictions where workspace_id = ${workspaceId}::int limit 1)`.execute(
    db,
  );
  return row.rows[0]?.customers ?? 0;
}

/**
 * The same without COPY (a bare Kysely, as some tests hold): batches of arrays as parameters,
 * unnested by the database.
 */
export async function writePredictionsBatched(db: Kysely<Schema>, batch: PredictionBatch): Promise<void> {
  const c = batch.scores;
  const BATCH = 20_000;
  const nullable = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
  for (let from = 0; from < c.length; from += BATCH) {
    const part = (a: Float64Array) => a.subarray(from, from + BATCH);
    const next = Array.from(part(c.nextOrderDay), (d) =>
      Number.isNaN(d) ? null : new Date(d * 86_400_000).toISOString().slice(0, 10),
    );
    const rows = sql`unnest(${Array.from(part(c.customerId))}::bigint[], ${Array.from(part(c.pAlive))}::float8[],
      ${Array.from(part(c.expected30))}::float8[], ${Array.from(part(c.expected90))}::float8[],
      ${Array.from(part(c.expected365))}::float8[], ${nullable(part(c.expectedSpend))}::bigint[],
      ${nullable(part(c.predictedClv))}::bigint[], ${next}::date[])
      as u(customer_id, p_alive, e30, e90, e365, spend, clv, next_order)`;
    await upsertFrom(db, batch, rows);
  }
  await deleteStale(db, batch);
}

/**
 * Writes every row of a temporary table (the LOAD_COLUMNS) in two statements: one joined update of
 * the customers scored before (a heap-only update each, the old P(alive) kept beside the new), then
 * the upsert of the rest, those scored for the first time; returns how many rows the update found.
 * Cheaper in PGlite than upserting every row, which probes the key and locks each row before
 * updating it (bench/predict-store-variants.ts: about 5 against 7–10 µs of CPU a row). The upsert
 * still resolves a conflict, so a refresh racing another over the same new customer updates its
 * row instead of failing.
 */
async function updateThenInsert(db: Kysely<Schema>, b: PredictionBatch, table: string): Promise<number> {
  // The join hashes every scored customer: at a million (some 100 MB) the default 4 MB splits it
  // into batches on disk, which cost PGlite more than the update itself (5.6 against 8.0 µs of CPU
  // a row at 1M). For this transaction only.
  await sql`set local work_mem = '256MB'`.execute(db);
  const updated = await sql`
    update customer_predictions p set previous_p_alive = p.p_alive, fit_id = ${b.fitId}::bigint,
      as_of = ${b.asOf}::date, p_alive = u.p_alive, expected_purchases_30d = u.e30,
      expected_purchases_90d = u.e90, expected_purchases_365d = u.e365, expected_spend = u.spend,
      predicted_clv = u.clv, horizon_days = ${b.horizonDays}::int, next_order_date = u.next_order
    from ${sql.table(table)} u
    where p.workspace_id = ${b.workspaceId}::int and p.customer_id = u.customer_id`.execute(db);
  const n = Number(updated.numAffectedRows ?? -1);
  // Everyone scored was scored before: no one to add, and no anti-join over them all to find out.
  if (n === b.scores.length) return n;
  // No one was (a first refresh): every row is new, and the upsert settles a racing refresh.
  if (n === 0) {
    await upsertFrom(db, b, sql`${sql.table(table)} u`);
    return n;
  }
  // Uncorrelated, so Citus plans the distributed read apart (an intermediate result) instead of
  // refusing to join it with the temporary table; a hashed subplan on one server.
  await upsertFrom(
    db,
    b,
    sql`${sql.table(table)} u where u.customer_id not in (select customer_id from customer_predictions
      where workspace_id = ${b.workspaceId}::int)`,
  );
  return n;
}

/** Inserts or updates every row of `rows` (a source named u with the LOAD_COLUMNS). */
async function upsertFrom(db: Kysely<Schema>, b: PredictionBatch, rows: ReturnType<typeof sql>) {
  await sql`
    insert into customer_predictions (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date)
    select ${b.workspaceId}::int, u.customer_id, ${b.fitId}::bigint, ${b.asOf}::date, u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, ${b.horizonDays}::int, u.next_order
    from ${rows}
    on conflict (workspace_id, customer_id) do update set previous_p_alive = customer_predictions.p_alive,
      fit_id = excluded.fit_id, as_of = excluded.as_of, p_alive = excluded.p_alive,
      expected_purchases_30d = excluded.expected_purchases_30d,
      expected_purchases_90d = excluded.expected_purchases_90d,
      expected_purchases_365d = excluded.expected_purchases_365d, expected_spend = excluded.expected_spend,
      predicted_clv = excluded.predicted_clv, horizon_days = excluded.horizon_days,
      next_order_date = excluded.next_order_date`.execute(db);
}

/** Customers this refresh no longer scores (no valid purchase left) keep no stale prediction. */
async function deleteStale(db: Kysely<Schema>, b: PredictionBatch) {
  await sql`delete from customer_predictions where workspace_id = ${b.workspaceId} and fit_id <> ${b.fitId}`.execute(
    db,
  );
}
