import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * What a derived copy of customer data (a facts snapshot, a segment's membership) has seen: the
 * transaction snapshot it read under (`pg_current_snapshot()` as text) and, when it was written
 * inside a transaction that itself changed customers, that transaction's id.
 */
export interface Coverage {
  snapshot: string;
  xid: string | null;
}

/** A coverage as SQL expressions: literals, or the columns of a row that stores one. */
export interface CoverageSql {
  snapshot: RawBuilder<unknown>;
  xid: RawBuilder<unknown>;
}

const SNAPSHOT = /^\d+:\d+:[\d,]*$/;
const XID = /^\d+$/;

/** Selects the coverage of the current statement (columns `snapshot`, `xid`). */
export const CURRENT_COVERAGE = sql<Coverage>`pg_current_snapshot()::text as snapshot,
  pg_current_xact_id_if_assigned()::text as xid`;

/** A coverage as literals, checked first (COPY takes no parameters, so values are inlined). */
export function coverageLiteral(c: Coverage): CoverageSql {
  if (!SNAPSHOT.test(c.snapshot) || (c.xid !== null && !XID.test(c.xid)))
    throw new Error(`invalid coverage ${c.snapshot} ${c.xid}`);
  return { snapshot: sql.lit(c.snapshot), xid: c.xid === null ? sql`null` : sql.lit(c.xid) };
}

/** The coverage stored in two text columns of a row. */
export function coverageColumns(snapshot: string, xid: string): CoverageSql {
  return { snapshot: sql.ref(snapshot), xid: sql.ref(xid) };
}

function covered(c: CoverageSql): RawBuilder<boolean> {
  return sql<boolean>`(pg_visible_in_snapshot(ch.xid, (${c.snapshot})::pg_snapshot)
    or coalesce(ch.xid = (${c.xid})::xid8, false))`;
}

/**
 * True (in SQL) when every change to the workspace's customers visible to the current statement
 * is covered by `c`; with `ownChangesAllowed` the current transaction's own changes do not count
 * (the caller is applying them itself).
 */
export function customersUnchangedSince(
  workspaceId: number,
  c: CoverageSql,
  ownChangesAllowed: boolean,
): RawBuilder<boolean> {
  const own = ownChangesAllowed ? sql`and ch.xid is distinct from pg_current_xact_id_if_assigned()` : sql``;
  return sql<boolean>`not exists (select 1 from customer_changes ch
    where ch.workspace_id = ${sql.lit(workspaceId)} and not ${covered(c)} ${own})`;
}

/** Forgets logged changes that every given coverage has seen: they can no longer make anything stale. */
export async function forgetCoveredChanges(
  db: Kysely<Schema>,
  workspaceId: number,
  coverages: readonly Coverage[],
): Promise<void> {
  if (coverages.length === 0) return;
  const all = sql.join(
    coverages.map((c) => covered(coverageLiteral(c))),
    sql` and `,
  );
  await sql`delete from customer_changes ch where ch.workspace_id = ${sql.lit(workspaceId)} and ${all}`.execute(
    db,
  );
}
