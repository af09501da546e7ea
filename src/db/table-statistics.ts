import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import type { Schema } from './schema.ts';

/**
 * PostgreSQL's autovacuum analyzes a table once this many rows plus this share of its rows have
 * changed since the last analyze (`autovacuum_analyze_threshold`, `…_scale_factor`).
 */
const ANALYZE_BASE = 50;
const ANALYZE_SHARE = 0.1;

/**
 * Analyzes the table of the store's schema whose rows changed furthest past autovacuum's
 * threshold since its last analyze, if any, and answers its name. One table per call: on the
 * embedded store an analyze holds the only connection (and the event loop) for its length, up to
 * a few hundred milliseconds on a large table, so a backlog is worked off one table per worker pass
 * with requests served between. The embedded store (PGlite) runs no autovacuum, so without this
 * its planner keeps the row counts of the day a table was created: a lookup on a three-column
 * unique key then went through a two-column index and read every earlier survey answer (38 ms for
 * 16 links at 5,000 answers; 0.1 ms once analyzed). A server has autovacuum: nothing is done there.
 *
 * @example
 * await analyzeChangedTable(store); // from the worker's pass
 */
export async function analyzeChangedTable(store: Database): Promise<string | undefined> {
  if (store.kind !== 'pglite') return undefined;
  // Counts of changed rows reach the statistics views at most once a second unless forced.
  await sql`select pg_stat_force_next_flush()`.execute(store.db);
  const stale = await sql<{ relname: string }>`
    select relname from pg_stat_user_tables
    where schemaname = current_schema()
      and n_mod_since_analyze > ${ANALYZE_BASE}::int + ${ANALYZE_SHARE}::float8 * greatest(n_live_tup, 0)
    order by n_mod_since_analyze / (${ANALYZE_BASE}::int + ${ANALYZE_SHARE}::float8 * greatest(n_live_tup, 0)) desc
    limit 1`.execute(store.db);
  const table = stale.rows[0]?.relname;
  if (table === undefined) return undefined;
  // Let requests that arrived meanwhile in first.
  await new Promise((resolve) => setImmediate(resolve));
  await sql`analyze ${sql.table(table)}`.execute(store.db);
  return table;
}

/**
 * Analyzes `table` when it has more than doubled (by pages) since its last analyze, and answers
 * whether it did; for a store without autovacuum (the caller knows), before work that joins a few
 * rows of the table by key. With row counts from when the table was nearly empty the planner
 * joins a batch of 64 keys by reading the whole workspace's rows (a delivery round's writes read
 * every message of the workspace, three times per batch, once a broadcast had queued thousands),
 * where an index lookup each is right. One cheap catalog read when nothing is stale.
 */
export async function analyzeIfGrown(db: Kysely<Schema>, table: string): Promise<boolean> {
  const { rows } = await sql<{ grown: boolean }>`
    select pg_relation_size(c.oid) / current_setting('block_size')::int > 2 * c.relpages + 8 as grown
    from pg_class c where c.oid = to_regclass(${table})`.execute(db);
  if (!rows[0]?.grown) return false;
  await sql`analyze ${sql.table(table)}`.execute(db);
  return true;
}

/**
 * On the embedded store, vacuums tables whose every row a step has just replaced (deleted and
 * written again), after its transaction: PGlite runs no autovacuum, so each daily replacement
 * would leave the last one's rows and index entries behind, and the next would write past them
 * (the association refresh's write doubled in a few runs). Nothing is done on a server.
 *
 * @example
 * await vacuumReplaced(store, ['product_associations', 'association_products']);
 */
export async function vacuumReplaced(store: Database, tables: readonly string[]): Promise<void> {
  if (store.kind !== 'pglite') return;
  for (const table of tables) await sql`vacuum ${sql.table(table)}`.execute(store.db);
}
