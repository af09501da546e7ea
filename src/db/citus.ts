import { type Kysely, sql } from 'kysely';
import { InvalidInputError } from '../shared/errors.ts';

// biome-ignore lint/suspicious/noExplicitAny: works on any schema's Kysely (catalog queries only)
type AnyDb = Kysely<any>;

/**
 * The tables not split by workspace: looked up before a workspace is known (sessions by token,
 * API keys by hash, users by e-mail), instance-wide, or the migrator's own. On Citus they become
 * reference tables (a copy on every node); every other table is distributed by `workspace_id`,
 * co-located with `customers`.
 */
export const GLOBAL_TABLES = [
  'workspaces',
  'users',
  'sessions',
  'api_keys',
  'login_attempts',
  'instance_secrets',
  'retain_migrations',
  'retain_migrations_lock',
] as const;

/** The table every distributed table is co-located with. */
export const ANCHOR_TABLE = 'customers';

/** A foreign key as the catalog states it, to drop and add again around distribution. */
export interface ForeignKey {
  table: string;
  name: string;
  definition: string;
}

/** What `distribute` does to the current schema, in this order. */
export interface DistributionPlan {
  /** Foreign keys touching a table about to change: dropped first, added again last. */
  foreignKeys: ForeignKey[];
  reference: string[];
  /** The anchor first (when not yet distributed), then the rest by name. */
  distributed: string[];
  /** Tables already reference or distributed tables (left alone). */
  done: string[];
}

/** Whether the connected database has the Citus extension. */
export async function hasCitus(db: AnyDb): Promise<boolean> {
  const row = await sql<{ found: boolean }>`
    select exists (select 1 from pg_extension where extname = 'citus') as found`.execute(db);
  return row.rows[0]?.found === true;
}

/** Whether `table` (in the search path) is a Citus table; false without Citus. */
export async function isDistributed(db: AnyDb, table: string): Promise<boolean> {
  if (!(await hasCitus(db))) return false;
  const row = await sql<{ found: boolean }>`
    select exists (select 1 from pg_dist_partition where logicalrelid = to_regclass(${table})) as found`.execute(
    db,
  );
  return row.rows[0]?.found === true;
}

/** The current schema's tables, and which have a `workspace_id` column. */
async function schemaTables(db: AnyDb): Promise<{ name: string; scoped: boolean }[]> {
  const rows = await sql<{ name: string; scoped: boolean }>`
    select c.relname as name, exists (select 1 from pg_attribute a where a.attrelid = c.oid
      and a.attname = 'workspace_id' and not a.attisdropped) as scoped
    from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
      and not c.relispartition
    order by c.relname`.execute(db);
  return rows.rows;
}

/** The current schema's tables that are Citus tables already (none without Citus). */
async function citusTables(db: AnyDb): Promise<Set<string>> {
  if (!(await hasCitus(db))) return new Set();
  const rows = await sql<{ name: string }>`select c.relname as name from pg_dist_partition p
    join pg_class c on c.oid = p.logicalrelid where c.relnamespace = current_schema()::regnamespace`.execute(
    db,
  );
  return new Set(rows.rows.map((r) => r.name));
}

/** The plan for the current schema (on any PostgreSQL; with Citus, tables done are left alone). */
export async function distributionPlan(db: AnyDb): Promise<DistributionPlan> {
  const done = await citusTables(db);
  const tables = await schemaTables(db);
  const global = new Set<string>(GLOBAL_TABLES);
  const unscoped = tables.filter((t) => !t.scoped && !global.has(t.name)).map((t) => t.name);
  if (unscoped.length > 0)
    throw new InvalidInputError(`tables without workspace_id that are not global: ${unscoped.join(', ')}`);
  const pending = tables.filter((t) => !done.has(t.name));
  const reference = pending.filter((t) => global.has(t.name)).map((t) => t.name);
  const distributed = pending
    .filter((t) => !global.has(t.name))
    .map((t) => t.name)
    .sort((a, b) => Number(b === ANCHOR_TABLE) - Number(a === ANCHOR_TABLE) || a.localeCompare(b));
  const changing = [...reference, ...distributed];
  const foreignKeys =
    changing.length === 0
      ? []
      : (
          await sql<ForeignKey>`select conrelid::regclass::text as table, conname as name,
            pg_get_constraintdef(oid) as definition
          from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace
            and (conrelid::regclass::text = any(${changing}::text[]) or confrelid::regclass::text = any(${changing}::text[]))
          order by 1, 2`.execute(db)
        ).rows;
  return { foreignKeys, reference, distributed, done: [...done].sort() };
}

/**
 * Turns the current schema into the distributed layout on a Citus coordinator, in one transaction:
 * drops the foreign keys touching tables still to convert (a plain table referencing a new
 * reference table would be turned into a Citus-local table, and converting one of those later is
 * refused for tables with identity columns), creates the reference tables, distributes the rest by
 * `workspace_id` co-located with `customers`, and adds the keys again. Running it again only
 * converts tables added since (by later migrations).
 */
export async function distribute(
  db: AnyDb,
  options: { shardCount?: number } = {},
): Promise<DistributionPlan> {
  if (!(await hasCitus(db)))
    throw new InvalidInputError(
      'the database has no citus extension: point DATABASE_URL at a Citus coordinator (`create extension citus` there)',
    );
  return db.transaction().execute(async (trx) => {
    // One connection for everything: reference tables and foreign keys to them in one transaction.
    await sql`set local citus.multi_shard_modify_mode to 'sequential'`.execute(trx);
    // The customers version trigger and the points ledger's guard run on the shards (see 0034).
    await sql`set local citus.enable_unsafe_triggers to on`.execute(trx);
    const plan = await distributionPlan(trx);
    for (const fk of plan.foreignKeys)
      await sql`alter table ${sql.table(fk.table)} drop constraint ${sql.ref(fk.name)}`.execute(trx);
    for (const table of plan.reference) await sql`select create_reference_table(${table})`.execute(trx);
    for (const table of plan.distributed) {
      if (table === ANCHOR_TABLE) {
        const shards =
          options.shardCount === undefined ? sql`` : sql`, shard_count => ${options.shardCount}::int`;
        await sql`select create_distributed_table(${table}, 'workspace_id'${shards})`.execute(trx);
      } else {
        await sql`select create_distributed_table(${table}, 'workspace_id', colocate_with => ${ANCHOR_TABLE})`.execute(
          trx,
        );
      }
    }
    for (const fk of plan.foreignKeys)
      await sql`alter table ${sql.table(fk.table)} add constraint ${sql.ref(fk.name)} ${sql.raw(fk.definition)}`.execute(
        trx,
      );
    return plan;
  });
}
