import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { analyzeChangedTables } from '../src/db/table-statistics.ts';
import { runOnce } from '../src/worker/worker.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The embedded store runs no autovacuum, so the worker analyzes changed tables itself; a server's
// autovacuum does it there. The planner's row count (pg_class.reltuples) is compared with the
// rows the test inserted.
afterAll(dropTestSchemas);

const plannerRows = async (db: Database, table: string) =>
  Number(
    (
      await sql<{ n: number }>`select reltuples::float8 as n from pg_class
        where oid = to_regclass(${table})`.execute(db.db)
    ).rows[0]!.n,
  );

describe.each(storesUnderTest())('table statistics ($name)', (store) => {
  let db: Database;
  beforeAll(async () => {
    db = await store.open();
    await sql`create table stat_probe (id int primary key)`.execute(db.db);
  });
  afterAll(() => db.close());

  it('analyzes a table once enough of its rows changed, and only then (embedded store)', async () => {
    await sql`insert into stat_probe select generate_series(1, 1000)`.execute(db.db);
    const analyzed = await analyzeChangedTables(db);
    if (db.kind === 'postgres') {
      // autovacuum's business on a server: nothing is run from here.
      expect(analyzed).toEqual([]);
      return;
    }
    expect(analyzed).toContain('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1000);
    // 60 more rows stay under 50 + 10 % of the 1,060 rows; 150 more (210 changed) pass 50 + 10 % of 1,210.
    await sql`insert into stat_probe select generate_series(1001, 1060)`.execute(db.db);
    expect(await analyzeChangedTables(db)).not.toContain('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1000);
    await sql`insert into stat_probe select generate_series(1061, 1210)`.execute(db.db);
    expect(await analyzeChangedTables(db)).toContain('stat_probe');
    expect(await plannerRows(db, 'stat_probe')).toBe(1210);
  });

  it("the worker's pass brings the embedded store's row counts up to date", async () => {
    await sql`insert into stat_probe select generate_series(2001, 3000)`.execute(db.db);
    await runOnce(db);
    if (db.kind === 'pglite') expect(await plannerRows(db, 'stat_probe')).toBe(2210);
  });
});
