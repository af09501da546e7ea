import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import { listUsers } from '../access/user-service.ts';
import { refreshCustomerAggregates } from '../customers/customer-aggregates.ts';
import { claimCustomersVersion } from '../customers/customer-changes.ts';
import { ownerLookup } from '../customers/customer-owner-lookup.ts';
import { processCustomers } from '../customers/customers-import.ts';
import type { Database, Session } from '../db/database.ts';
import { processEvents } from '../events/index.ts';
import { matchKnownCustomers } from '../identity/identity-match.ts';
import { resolveIdentities } from '../identity/identity-resolve.ts';
import { redeemAfterLines, redeemCoupons } from '../loyalty/coupon-redeem.ts';
import { awardEventBonuses, earnPointsForOrders } from '../loyalty/points-earn.ts';
import { rewardReferrals } from '../loyalty/referrals.ts';
import { evaluateTiers } from '../loyalty/tier-evaluate.ts';
import {
  discardLinesAhead,
  LINES_AHEAD_MIN_ROWS,
  prepareLinesAhead,
  processOrderLines,
  processOrders,
} from '../orders/index.ts';
import { todayIn } from '../shared/local-date.ts';
import { processServiceRecords } from '../tasks/service-records-import.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { openRecords, type RecordSource } from './file-reader.ts';
import type { ColumnMap, ImportKind } from './import-kinds.ts';
import { type StageContext, type StageCounts, TOUCHED } from './kind-processor.ts';
import type { ImportLang, RowError } from './row-normalize.ts';
import { saveMapping } from './saved-mappings.ts';
import { MAX_ERRORS, stageRecords } from './stage-records.ts';
import { KEYS_AHEAD, stagedSummary } from './staged-summary.ts';
import { createStaging, STAGING_TABLE } from './staging.ts';

/** How an import went; `errors` holds the first {@link MAX_ERRORS}, `rejected` counts them all. */
export interface ImportStats {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  merged: number;
  rejected: number;
  guest: number;
  /** Order-lines files: lines identical to an earlier line of their order, each kept as its own line. */
  identical_lines: number;
  /** Orders files: rows replaced by a later row of the same order (the last row of an order wins). */
  superseded_rows: number;
  /** Orders files: a multi-item order's later rows that carry only items (Shopify), read as part of it. */
  item_rows: number;
  /** Rows loaded without their masked phone or email (`138****8000`), which identify nobody. */
  masked_identities: number;
  errors: RowError[];
}

/** What an import is doing: reading the file, then the database steps of its one transaction. */
export type ImportPhase = 'reading' | 'resolving' | 'saving' | 'aggregates' | 'finishing';

/** How far an import has come. */
export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  phase: ImportPhase;
  /** Rows saved so far before the final transaction (large order-lines files on the embedded store). */
  saved?: number;
}

/** Options shared by file imports and API batches. */
export interface IngestOptions {
  kind: ImportKind;
  workspace: Workspace;
  /** `field → column header` overrides of the detected mapping. */
  map?: Record<string, string>;
  /** Write rejected rows, with `line` and `reason` columns, to this CSV file. */
  rejectsFile?: string;
  /** The same rows with personal fields masked, for roles that may not see them. */
  maskedRejectsFile?: string;
  /** Load nothing if any row is bad. */
  strict?: boolean;
  /** The language of row errors and of the rejects file's own headers (default English). */
  lang?: ImportLang;
  /**
   * For a recognised platform's export: read it with the mapping last confirmed for that platform
   * and kind (`map` still wins), and remember this import's mapping when it is kept (dashboard uploads).
   */
  savedMappings?: boolean;
  /** Do everything, then roll back. */
  dryRun?: boolean;
  /** Told rows read so far and the phase, at least after every slice of reading and every phase. */
  onProgress?: (progress: ImportProgress) => void;
  /** Told how long each phase took (stage, resolve, upsert, aggregates, after), for benchmarks. */
  onPhase?: (phase: string, ms: number) => void;
  /**
   * Runs inside the import's transaction once aggregates are fresh and the import is going to be
   * kept, with the ids (sorted) of every customer it touched, merged-away ones included: work that
   * must follow the data atomically (the CLI refreshes segments here). `before` is the workspace's
   * customers version before the import (see claimCustomersVersion).
   */
  afterChanges?: (
    session: Session,
    touched: readonly number[],
    stats: ImportStats,
    before: number,
  ) => Promise<void>;
}

export interface ImportOptions extends IngestOptions {
  file: string;
  encoding?: string;
  /** The file's name in messages and `import_runs` (an upload's own name, not the server's path). */
  label?: string;
}

/** Records to ingest from somewhere other than a file (an API batch), named for logs and merges. */
export interface RecordsInput extends IngestOptions {
  source: RecordSource;
  /** Shown in `import_runs` and merge logs, e.g. `api:orders`. */
  label: string;
  /** Which column holds which field, when the caller knows (API batches): no alias guessing. */
  columns?: ColumnMap;
}

export { MAX_ERRORS };

/** Below this many rows the planner's defaults for unanalysed temp tables are fine (API batches). */
const ANALYZE_ROWS = 2_000;

/** A kind's processor; `rowErrors` are rows it refuses once customers are known (line and column). */
const PROCESSORS: Record<
  ImportKind,
  (ctx: StageContext) => Promise<StageCounts & { rowErrors?: RowError[] }>
> = {
  orders: processOrders,
  'order-lines': processOrderLines,
  customers: processCustomers,
  events: processEvents,
  'service-records': processServiceRecords,
};

/** Kinds that describe customers already known: their rows find customers and never create one. */
const KNOWN_CUSTOMERS_ONLY: ReadonlySet<ImportKind> = new Set(['service-records']);

/**
 * Loyalty after orders change: points for the orders and tiers of their customers (when the
 * workspace runs them), and rewards for referred customers whose first valid order this was.
 */
async function applyLoyalty(session: Session, workspace: Workspace): Promise<void> {
  const { points, tiers } = readSettings(workspace.settings);
  if (points.enabled) await earnPointsForOrders(session, workspace, STAGING_TABLE);
  const touched = await sql<{
    id: number;
  }>`select distinct customer_id as id from ${sql.table(TOUCHED)} where customer_id is not null`.execute(
    session.db,
  );
  const ids = touched.rows.map((r) => r.id);
  if (tiers.enabled) await evaluateTiers(session.db, workspace, todayIn(workspace.timezone), ids);
  await rewardReferrals(session.db, workspace, ids);
}

/**
 * Imports a customers, orders, order-lines or events file in one transaction: rows are validated
 * and streamed into a staging table with COPY, then identities are resolved, rows upserted and
 * customer aggregates refreshed, all set-based. Re-importing the same file changes nothing.
 *
 * @example
 * const stats = await importFile(store, { kind: 'orders', file: 'orders.csv', workspace });
 */
export async function importFile(database: Database, options: ImportOptions): Promise<ImportStats> {
  const source = await openRecords(options.file, options.encoding, options.label ?? options.file);
  return importRecords(database, { ...options, source, label: options.label ?? basename(options.file) });
}

/** Ingests records from any source through the same validation and set-based pipeline as a file. */
export async function importRecords(database: Database, options: RecordsInput): Promise<ImportStats> {
  const stats: ImportStats = {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    merged: 0,
    rejected: 0,
    guest: 0,
    identical_lines: 0,
    superseded_rows: 0,
    item_rows: 0,
    masked_identities: 0,
    errors: [],
  };
  return oneImportAtATime(database, () =>
    database.withSession(async (session) => {
      try {
        return await stageAndApply(session, options, stats, database.kind === 'pglite');
      } finally {
        // The staged rows are the session's own: gone with the import, not left for the next one.
        await sql`drop table if exists ${sql.table(STAGING_TABLE)}`.execute(session.db).catch(() => {});
      }
    }),
  );
}

/** The tail of every import on a store (PGlite only): imports share its one session's staging table. */
const importTails = new WeakMap<Database, Promise<unknown>>();

/**
 * Runs imports on an embedded store one after another: reading lets other requests in between
 * slices, and another import among them must not replace the staging table being filled.
 */
function oneImportAtATime<T>(database: Database, fn: () => Promise<T>): Promise<T> {
  if (database.kind !== 'pglite') return fn();
  const run = (importTails.get(database) ?? Promise.resolve()).catch(() => {}).then(fn);
  importTails.set(database, run);
  return run;
}

/**
 * Reads the records into the staging table outside any transaction (in slices, letting other work
 * in between), then resolves, upserts and refreshes in one transaction: all or nothing.
 */
async function stageAndApply(
  session: Session,
  options: RecordsInput,
  stats: ImportStats,
  embedded: boolean,
): Promise<ImportStats> {
  const { workspace, kind } = options;
  const db = session.db;
  let mark = performance.now();
  let rows = 0;
  let saved = 0;
  const phase = async (name: string, next?: ImportPhase) => {
    const now = performance.now();
    options.onPhase?.(name, now - mark);
    mark = now;
    if (!next) return;
    options.onProgress?.({
      rows,
      bytesRead: options.source.bytesRead(),
      totalBytes: options.source.totalBytes,
      phase: next,
      saved,
    });
    // Inside the transaction other statements must wait, but a progress poll can still be answered.
    await nextTurn();
  };
  // Lines an interrupted import wrote ahead of its orders go before this one starts.
  if (embedded) await discardLinesAhead(session);
  const byOrder = embedded && kind === 'order-lines';
  await createStaging(session, kind, { byOrder });
  const summary = byOrder ? stagedSummary() : undefined;
  const {
    staged: stagedRows,
    mapped: mappedFields,
    confirmed,
  } = await stageRecords(
    session,
    {
      ...options,
      owners: async () => ownerLookup(await listUsers(session.db, workspace.id)),
      onStaged: summary?.add,
    },
    stats,
  );
  rows = stats.read;
  const ahead =
    summary?.complete === true &&
    stagedRows >= LINES_AHEAD_MIN_ROWS &&
    !options.dryRun &&
    !(options.strict && stats.rejected > 0);
  // Fresh temp tables have no statistics (and PGlite runs no autovacuum): without them the
  // planner picks nested loops that turn seconds into minutes.
  if (stagedRows > ANALYZE_ROWS) await analyzeStaging(session, ahead);
  if (ahead) {
    await phase('stage', 'saving');
    try {
      const { id: workspaceId, timezone } = workspace;
      await prepareLinesAhead(session, { workspaceId, timezone, summary }, (n) => {
        saved = Math.min(n, stagedRows);
        const { source } = options;
        const at = { rows, bytesRead: source.bytesRead(), totalBytes: source.totalBytes };
        options.onProgress?.({ ...at, phase: 'saving', saved });
      });
    } catch (error) {
      await discardLinesAhead(session).catch(() => {});
      throw error;
    }
    await phase('ahead', 'resolving');
  } else await phase('stage', 'resolving');
  await sql`begin`.execute(db);
  let committed = false;
  try {
    // One import at a time per workspace: two files creating the same new person, or one merging a
    // customer the other is assigning orders to, must not interleave.
    await sql`select pg_advisory_xact_lock(${workspace.id})`.execute(db);
    // What the workspace's customers were before this import: derived copies stored with it were
    // current just before, so they can be patched rather than rebuilt.
    const before = options.afterChanges ? await claimCustomersVersion(db, workspace.id) : 0;
    const resolved = KNOWN_CUSTOMERS_ONLY.has(kind)
      ? await matchKnownCustomers(session, workspace.id)
      : await resolveIdentities(
          session,
          workspace.id,
          `import:${kind}:${options.label}`,
          ahead ? KEYS_AHEAD : undefined,
        );
    stats.merged = resolved.merged;
    await phase('resolve', 'saving');
    await sql`drop table if exists ${sql.table(TOUCHED)}`.execute(db);
    await sql`create temp table ${sql.table(TOUCHED)} (customer_id bigint)`.execute(db);
    await sql`insert into ${sql.table(TOUCHED)} select survivor_id from id_merge`.execute(db);
    const ctx: StageContext = {
      session,
      workspaceId: workspace.id,
      timezone: workspace.timezone,
      currency: workspace.currency,
      stagedRows,
      mappedFields,
      linesAhead: ahead,
    };
    const { rowErrors = [], ...counts } = await PROCESSORS[kind](ctx);
    Object.assign(stats, counts);
    if (rowErrors.length > 0) {
      stats.rejected += rowErrors.length;
      stats.errors = [...stats.errors, ...rowErrors].sort((a, b) => a.line - b.line).slice(0, MAX_ERRORS);
    }
    if (kind === 'orders' && mappedFields.has('coupon_code'))
      await redeemCoupons(session, workspace.id, STAGING_TABLE);
    if (kind === 'order-lines') await redeemAfterLines(session, workspace.id, STAGING_TABLE);
    await phase('upsert', 'aggregates');
    if (stagedRows > ANALYZE_ROWS) await sql`analyze ${sql.table(TOUCHED)}`.execute(db);
    // Prepared ahead, the transaction holds every other request up: orders are analysed after it
    // (the refresh below reads the touched customers' orders by index whatever the estimate).
    if (stagedRows > 10_000 && !ahead) await sql`analyze orders`.execute(db);
    await refreshCustomerAggregates(session, workspace.id, TOUCHED);
    await phase('aggregates', 'finishing');
    if (kind === 'orders' || kind === 'order-lines') await applyLoyalty(session, workspace);
    if (kind === 'events') await awardEventBonuses(db, workspace);
    await phase('loyalty');
    const keep = !options.dryRun && !(options.strict && stats.rejected > 0);
    if (keep && options.afterChanges) {
      const touched = await sql<{ id: number }>`
          select customer_id as id from ${sql.table(TOUCHED)} where customer_id is not null
          union select merged_id from id_merge order by 1`.execute(db);
      await options.afterChanges(
        session,
        touched.rows.map((r) => Number(r.id)),
        stats,
        before,
      );
      await phase('after');
    }
    if (!keep) {
      await sql`rollback`.execute(db);
    } else {
      if (confirmed) await saveMapping(db, workspace.id, confirmed.platform, kind, confirmed.mapping);
      const { errors, ...counters } = stats;
      await db
        .insertInto('import_runs')
        .values({
          workspace_id: workspace.id,
          kind,
          file_name: options.label,
          dry_run: false,
          status: 'completed',
          finished_at: new Date(),
          stats: { ...counters, errors: errors.slice(0, 100) },
        })
        .execute();
      await sql`commit`.execute(db);
      if (ahead) await sql`analyze orders`.execute(db);
    }
    committed = true;
    return stats;
  } finally {
    if (!committed) await sql`rollback`.execute(db).catch(() => {});
    // Rolled back (or a dry run): the orders of the lines written ahead were never created.
    if (ahead && (!committed || options.dryRun)) await discardLinesAhead(session).catch(() => {});
  }
}

/**
 * Statistics for the staging table. Prepared ahead, its statements read ranges by order id and
 * need little more than row counts: a smaller sample keeps this one statement short.
 */
async function analyzeStaging(session: Session, ahead: boolean): Promise<void> {
  const db = session.db;
  if (!ahead) {
    await sql`analyze ${sql.table(STAGING_TABLE)}`.execute(db);
    return;
  }
  await sql`set default_statistics_target = 10`.execute(db);
  try {
    await sql`analyze ${sql.table(STAGING_TABLE)}`.execute(db);
  } finally {
    await sql`reset default_statistics_target`.execute(db);
  }
}
