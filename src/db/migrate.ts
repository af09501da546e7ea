import {
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
  type TableMetadata,
} from 'kysely';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-tags-segments.ts';
import * as m0003 from './migrations/0003-customer-states.ts';
import * as m0004 from './migrations/0004-access.ts';
import * as m0005 from './migrations/0005-coupons.ts';
import * as m0006 from './migrations/0006-points-tiers.ts';
import * as m0007 from './migrations/0007-referrals.ts';
import * as m0008 from './migrations/0008-customer-360.ts';
import * as m0009 from './migrations/0009-messaging.ts';
import * as m0010 from './migrations/0010-instance-secrets.ts';
import * as m0011 from './migrations/0011-journeys.ts';
import * as m0012 from './migrations/0012-customer-fact-snapshots.ts';
import * as m0013 from './migrations/0013-date-trigger-indexes.ts';
import * as m0014 from './migrations/0014-daily-tasks.ts';
import * as m0015 from './migrations/0015-coupon-products.ts';
import * as m0016 from './migrations/0016-stage-counts.ts';
import * as m0017 from './migrations/0017-message-leases.ts';
import * as m0018 from './migrations/0018-access-hardening.ts';
import * as m0020 from './migrations/0020-staff-tasks.ts';
import * as m0021 from './migrations/0021-surveys.ts';
import * as m0022 from './migrations/0022-wecom-customer.ts';
import * as m0023 from './migrations/0023-task-sla.ts';
import * as m0024 from './migrations/0024-service-records.ts';
import * as m0026 from './migrations/0026-broadcasts.ts';
import * as m0028 from './migrations/0028-customer-search.ts';
import * as m0029 from './migrations/0029-predictions.ts';
import * as m0030 from './migrations/0030-journey-versions.ts';
import * as m0031 from './migrations/0031-stores.ts';
import * as m0032 from './migrations/0032-import-mappings.ts';
import * as m0033 from './migrations/0033-citus-keys.ts';
import * as m0034 from './migrations/0034-customer-versions.ts';
import * as m0035 from './migrations/0035-task-assignee-due.ts';
import * as m0036 from './migrations/0036-product-associations.ts';
import * as m0037 from './migrations/0037-product-intervals.ts';
import * as m0038 from './migrations/0038-marketing-spend.ts';
import * as m0040 from './migrations/0040-message-queue-order.ts';
import * as m0042 from './migrations/0042-broadcast-draw.ts';
import * as m0045 from './migrations/0045-customer-state-snapshots.ts';
import * as m0046 from './migrations/0046-message-index-trim.ts';
import * as m0047 from './migrations/0047-purchase-days.ts';
import * as m0048 from './migrations/0048-customer-fact-deltas.ts';
import * as m0049 from './migrations/0049-customer-states-version.ts';
import * as m0051 from './migrations/0051-import-lines-ahead.ts';
import * as m0053 from './migrations/0053-association-rows-unchecked.ts';

/** Every migration, in the order it runs. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-tags-segments': m0002,
  '0003-customer-states': m0003,
  '0004-access': m0004,
  '0005-coupons': m0005,
  '0006-points-tiers': m0006,
  '0007-referrals': m0007,
  '0008-customer-360': m0008,
  '0009-messaging': m0009,
  '0010-instance-secrets': m0010,
  '0011-journeys': m0011,
  '0012-customer-fact-snapshots': m0012,
  '0013-date-trigger-indexes': m0013,
  '0014-daily-tasks': m0014,
  '0015-coupon-products': m0015,
  '0016-stage-counts': m0016,
  '0017-message-leases': m0017,
  '0018-access-hardening': m0018,
  '0020-staff-tasks': m0020,
  '0021-surveys': m0021,
  '0022-wecom-customer': m0022,
  '0023-task-sla': m0023,
  '0024-service-records': m0024,
  '0026-broadcasts': m0026,
  '0028-customer-search': m0028,
  '0029-predictions': m0029,
  '0030-journey-versions': m0030,
  '0031-stores': m0031,
  '0032-import-mappings': m0032,
  '0033-citus-keys': m0033,
  '0034-customer-versions': m0034,
  '0035-task-assignee-due': m0035,
  '0036-product-associations': m0036,
  '0037-product-intervals': m0037,
  '0038-marketing-spend': m0038,
  '0040-message-queue-order': m0040,
  '0042-broadcast-draw': m0042,
  '0045-customer-state-snapshots': m0045,
  '0046-message-index-trim': m0046,
  '0047-purchase-days': m0047,
  '0048-customer-fact-deltas': m0048,
  '0049-customer-states-version': m0049,
  '0051-import-lines-ahead': m0051,
  '0053-association-rows-unchecked': m0053,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Names of all migrations this build knows, in order. */
export const knownMigrations = Object.keys(migrations);

/**
 * Whether every known migration has run: two small queries, where the Migrator would introspect
 * the whole catalogue (a sixth of a second on PGlite, on every command).
 */
async function upToDate(db: Kysely<unknown>, schema?: string): Promise<boolean> {
  const table = schema ? `${schema}.retain_migrations` : 'retain_migrations';
  const found = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
  if (!found.rows[0]?.t) return false;
  const done = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
  const names = new Set(done.rows.map((r) => r.name));
  return names.size === knownMigrations.length && knownMigrations.every((n) => names.has(n));
}

/** Brings the schema up to date; runs on every start. */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  if (await upToDate(db, schema)) return;
  // Name the schema explicitly: Kysely looks for its tables in every schema, so a second schema on
  // the same server (tests, several installations) would otherwise find the first one's tables.
  const migrator = new Migrator({
    db: withOwnSchemaIntrospection(db, schema),
    provider,
    migrationTableName: 'retain_migrations',
    migrationLockTableName: 'retain_migrations_lock',
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`,
    );
  }
}

/**
 * The database as the Migrator sees it, its introspection limited to the one schema. Kysely's own
 * lists every column of every schema on the server, calling pg_get_serial_sequence on each; when
 * another schema's tables change meanwhile (another installation or test file migrating, or dropping
 * its schema) that call fails ("column amount of relation marketing_spend does not exist"), and its
 * time grows with every schema on the server. The Migrator only asks whether its two tables exist.
 */
function withOwnSchemaIntrospection(db: Kysely<unknown>, schema: string | undefined): Kysely<unknown> {
  const getTables = async (): Promise<TableMetadata[]> => {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = coalesce(${schema ?? null}::text, current_schema())
        and c.relkind in ('r', 'p', 'v')`.execute(db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  };
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => (schema ? [{ name: schema }] : db.introspection.getSchemas()),
    getTables,
    getMetadata: async () => ({ tables: await getTables() }),
  };
  // Everything else is the database itself (bound to it: Kysely keeps its state in private fields).
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
