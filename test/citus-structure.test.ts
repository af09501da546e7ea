import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributionPlan, GLOBAL_TABLES } from '../src/db/citus.ts';
import type { Database } from '../src/db/database.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

/**
 * The migrated schema, read from the catalog, against what Citus needs to distribute it by
 * workspace (co-located with `customers`) with the global tables as reference tables.
 */

/** Written out here, not imported: a table moving between the two kinds must be a visible change. */
const GLOBAL = [
  'api_keys',
  'instance_secrets',
  'login_attempts',
  'retain_migrations',
  'retain_migrations_lock',
  'sessions',
  'users',
  'workspaces',
];

afterAll(dropTestSchemas);

// biome-ignore lint/suspicious/noExplicitAny: catalog queries only
type AnyDb = Kysely<any>;

async function rows<T>(db: AnyDb, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await (query as ReturnType<typeof sql<T>>).execute(db)).rows;
}

const IN_SCHEMA = sql`relnamespace = current_schema()::regnamespace and relkind in ('r', 'p')`;

describe.each(storesUnderTest())('the schema can be distributed by workspace ($name)', (store) => {
  let database: Database;
  let db: AnyDb;
  let tables: string[];
  const distributed = () => tables.filter((t) => !GLOBAL.includes(t));

  beforeAll(async () => {
    database = await store.open();
    db = database.db;
    tables = (
      await rows<{ name: string }>(
        db,
        sql`select relname as name from pg_class where ${IN_SCHEMA} order by 1`,
      )
    ).map((r) => r.name);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('lists the global tables explicitly; every other table has a not-null workspace_id', async () => {
    expect([...GLOBAL_TABLES].sort()).toEqual(GLOBAL);
    for (const t of GLOBAL) expect(tables, t).toContain(t);
    const scoped = await rows<{ name: string }>(
      db,
      sql`select c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid
        where ${IN_SCHEMA} and a.attname = 'workspace_id' and a.attnotnull order by 1`,
    );
    const withWorkspace = new Set(scoped.map((r) => r.name));
    expect(distributed().filter((t) => !withWorkspace.has(t))).toEqual([]);
    expect(distributed().length).toBeGreaterThan(40);
  });

  it('gives workspace_id one type everywhere: int', async () => {
    const types = await rows<{ name: string; type: string }>(
      db,
      sql`select c.relname as name, format_type(a.atttypid, a.atttypmod) as type from pg_class c
        join pg_attribute a on a.attrelid = c.oid where ${IN_SCHEMA} and a.attname = 'workspace_id' and not a.attisdropped
        and a.atttypid <> 'int4'::regtype order by 1`,
    );
    expect(types).toEqual([]);
  });

  it('leads every primary key and unique index of a distributed table with workspace_id', async () => {
    const keys = await rows<{ name: string; index: string; first: string | null; primary: boolean }>(
      db,
      sql`select c.relname as name, i.indexrelid::regclass::text as index, i.indisprimary as primary,
          (select attname from pg_attribute where attrelid = c.oid and attnum = i.indkey[0]) as first
        from pg_index i join pg_class c on c.oid = i.indrelid where ${IN_SCHEMA} and i.indisunique`,
    );
    const bad = keys.filter((k) => distributed().includes(k.name) && k.first !== 'workspace_id');
    expect(bad.map((k) => k.index)).toEqual([]);
    const withPrimary = new Set(keys.filter((k) => k.primary).map((k) => k.name));
    expect(distributed().filter((t) => !withPrimary.has(t))).toEqual([]);
  });

  it('keys references between distributed tables by workspace; points others only at global tables', async () => {
    const fks = await rows<{ name: string; from: string; to: string; first: string; refFirst: string }>(
      db,
      sql`select con.conname as name, con.conrelid::regclass::text as from, con.confrelid::regclass::text as to,
          (select attname from pg_attribute where attrelid = con.conrelid and attnum = con.conkey[1]) as first,
          (select attname from pg_attribute where attrelid = con.confrelid and attnum = con.confkey[1]) as "refFirst"
        from pg_constraint con where con.contype = 'f' and con.connamespace = current_schema()::regnamespace`,
    );
    expect(fks.length).toBeGreaterThan(20);
    // (On a Citus coordinator the catalog also lists the keys of its own shard placements.)
    const bad = fks
      .filter((f) => tables.includes(f.from))
      .filter((f) =>
        GLOBAL.includes(f.from)
          ? !GLOBAL.includes(f.to) // a reference table cannot reference a distributed one
          : !GLOBAL.includes(f.to) && (f.first !== 'workspace_id' || f.refFirst !== 'workspace_id'),
      );
    expect(bad.map((f) => `${f.from}.${f.name}`)).toEqual([]);
  });

  it('has no statement triggers with transition tables (they do not run on Citus workers)', async () => {
    const triggers = await rows<{ table: string; name: string; row: boolean; transition: boolean }>(
      db,
      sql`select tgrelid::regclass::text as table, tgname as name, (tgtype & 1) = 1 as row,
          (tgoldtable is not null or tgnewtable is not null) as transition
        from pg_trigger where not tgisinternal
          and tgrelid in (select oid from pg_class where ${IN_SCHEMA})`,
    );
    expect(triggers.filter((t) => t.transition).map((t) => `${t.table}.${t.name}`)).toEqual([]);
    expect(triggers.map((t) => `${t.table}.${t.name}`)).toContain('customers.customers_changed');
  });

  it('distributes every table straight from a plain one: no identity column meets a Citus-local conversion', async () => {
    // A plain table referencing a new reference table would become Citus-local, and Citus refuses
    // to convert such a table again when it has an identity column: so the plan drops every
    // foreign key touching a table it converts first, and adds it back last.
    const plan = await distributionPlan(db);
    if (plan.done.length > 0) {
      // On Citus the suite has distributed the schema already (test/stores.ts): nothing is left.
      expect(plan.done).toEqual(tables);
      expect([...plan.reference, ...plan.distributed, ...plan.foreignKeys]).toEqual([]);
      return;
    }
    expect(plan.reference.sort()).toEqual(GLOBAL);
    expect(plan.distributed[0]).toBe('customers');
    expect([...plan.distributed].sort()).toEqual(distributed());
    const all = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace`,
    );
    expect(plan.foreignKeys.length).toBe(all[0]!.n);
    const identity = await rows<{ name: string }>(
      db,
      sql`select distinct c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid
        where ${IN_SCHEMA} and a.attidentity <> ''`,
    );
    // Tables with identity columns exist on both sides, and each is converted exactly once.
    const converted = [...plan.reference, ...plan.distributed];
    for (const { name } of identity)
      expect(
        converted.filter((t) => t === name),
        name,
      ).toHaveLength(1);
  });
});
