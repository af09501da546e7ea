import { sql } from 'kysely';
import type { Database } from './database.ts';

/**
 * PostgreSQL's autovacuum analyzes a table once this many rows plus this share of its rows have
 * changed since the last analyze (`autovacuum_analyze_threshold`, `…_scale_factor`).
 */
const ANALYZE_BASE = 50;
const ANALYZE_SHARE = 0.1;

/**
 * Analyzes the tables of the store's schema whose rows changed past autovacuum's threshold since
 * their last analyze, and answers their names. The embedded store (PGlite) runs no autovacuum, so
 * without this its planner keeps the row counts of the day a table was created: a lookup on a
 * three-column unique key then went through a two-column index and read every earlier survey
 * answer (38 ms for 16 links at 5,000 answers; 0.1 ms once analyzed). A server has autovacuum, so
 * this does nothing there.
 *
 * @example
 * await analyzeChangedTables(store); // from the worker's pass, every few seconds
 */
export async function analyzeChangedTables(store: Database): Promise<string[]> {
  if (store.kind !== 'pglite') return [];
  // Counts of changed rows reach the statistics views at most once a second unless forced.
  await sql`select pg_stat_force_next_flush()`.execute(store.db);
  const stale = await sql<{ relname: string }>`
    select relname from pg_stat_user_tables
    where schemaname = current_schema()
      and n_mod_since_analyze > ${ANALYZE_BASE}::int + ${ANALYZE_SHARE}::float8 * greatest(n_live_tup, 0)
    order by relname`.execute(store.db);
  for (const { relname } of stale.rows) await sql`analyze ${sql.table(relname)}`.execute(store.db);
  return stale.rows.map((r) => r.relname);
}
