import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { analyzeChangedTable, analyzeIfGrown } from '../src/db/table-statistics.ts';
import { runOnce } from '../src/worker/worker.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The embedded store runs no autovacuum, so the worker analyzes changed tables itself, one per
// pass; a server's autovacuum does it there. The planner's row count (pg_class.reltuples, -1 or 0
// before any analyze) is compared with the rows the test inserted.
afterAll(dropTestSchemas);

const plannerRows = async (db: Database, table: string) =>
  Number(
    (
      await sql<{ n: number }>`select reltuples::float8 as n from pg_class
        where oid = to_regclass(${table})`.execute(db.db)
    ).rows[0]!.n,
  );

/** Analyzes until nothing is left to analyze; the tables in the order analyzed. */
async function analyzeAll(db: Database): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < 100; i++) {
    const table = await analyzeChangedTable(db);
    if (table === undefined) break;
    names.push(table);
  }
  return names;
}

describe.each(storesUnderTest())('table statistics ($name)', (store) => {
  let db: Database;
  beforeAll(async () => {
    db = await store.open();
    await sql`create table stat_probe (id int primary key)`.execute(db.db);
    await sql`create table stat_small (id int primary key)`.execute(db.db);
  });
  afterAll(() => db.close());

  it('analyzes the most changed table first, one per call, and only once enough rows changed', async () => {
    await sql`insert into stat_probe select generate_series(1, 1000)`.execute(db.db);
    await sql`insert into stat_small select generate_series(1, 200)`.execute(db.db);
    const first = await analyzeChangedTable(db);
    if (db.kind === 'postgres') {
      // autovacuum's business on a server: nothing is run from here.
      expect(first).toBeUndefined();
      return;
    }
    expect(first).toBe('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1000);
    expect(await plannerRows(db, 'stat_small')).toBeLessThan(200);
    expect(await analyzeAll(db)).toContain('stat_small');
    expect(await plannerRows(db, 'stat_small')).toBe(200);
    // 60 more rows stay under 50 + 10 % of the 1,060 rows; 150 more (210 changed) pass 50 + 10 % of 1,210.
    await sql`insert into stat_probe select generate_series(1001, 1060)`.execute(db.db);
    expect(await analyzeAll(db)).not.toContain('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1000);
    await sql`insert into stat_probe select generate_series(1061, 1210)`.execute(db.db);
    expect(await analyzeAll(db)).toContain('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1210);
  });

  it("the worker's pass brings the embedded store's row counts up to date", async () => {
    await sql`insert into stat_probe select generate_series(2001, 3000)`.execute(db.db);
    await runOnce(db);
    if (db.kind === 'pglite') expect(await plannerRows(db, 'stat_probe')).toBe(2210);
  });

  it('analyzes a table that more than doubled since its last analyze, and leaves one that grew a little', async () => {
    // Only the embedded store asks (a delivery round, before it claims); a server's autovacuum may
    // analyze the table at any moment there.
    if (db.kind === 'postgres') return;
    await sql`create table stat_grow (id int primary key, note text)`.execute(db.db);
    await sql`analyze stat_grow`.execute(db.db);
    await sql`insert into stat_grow select i, repeat('x', 40) from generate_series(1, 5000) i`.execute(db.db);
    expect(await analyzeIfGrown(db.db, 'stat_grow')).toBe(true);
    expect(await plannerRows(db, 'stat_grow')).toBe(5000);
    await sql`insert into stat_grow select i, repeat('x', 40) from generate_series(5001, 5500) i`.execute(
      db.db,
    );
    expect(await analyzeIfGrown(db.db, 'stat_grow')).toBe(false);
    expect(await plannerRows(db, 'stat_grow')).toBe(5000);
  });
});
