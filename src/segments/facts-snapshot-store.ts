import { type Kysely, sql } from 'kysely';
import { customersUnchangedSince, customersVersion } from '../customers/customer-changes.ts';
import { copyBinaryRow, firstCopyBinaryRow, int4Field, int8Field } from '../db/copy-binary.ts';
import type { Database, Session } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import {
  applyDelta,
  copyCustomer,
  decodeSnapshot,
  emptySnapshot,
  encodeSnapshot,
  type FactsSnapshot,
  GONE,
  NO_DATE,
} from './facts-snapshot.ts';

/** Deltas past which the next patch folds them into a new base instead of adding one. */
const MAX_DELTAS = 32;
/** Customers in deltas, as a share of the base's, past which the next patch folds them in. */
const MAX_DELTA_SHARE = 1 / 8;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

function checkedInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`invalid number ${n}`);
  return n;
}

/** The COPY query of the snapshot's columns for the workspace's customers (`ids`: only those). */
function rowsQuery(db: Kysely<Schema>, workspaceId: number, k: number, ids?: readonly number[]): string {
  const only = ids ? sql`and c.id = any(${sql.lit(`{${ids.map(checkedInt).join(',')}}`)}::bigint[])` : sql``;
  const day = (e: ReturnType<typeof sql>) => sql`(${e}) - date '1970-01-01'`;
  const query = sql`select c.id, coalesce(c.external_id, c.id::text),
      ${day(sql`c.first_order_date`)}, ${day(sql`c.last_order_date`)}, c.order_count, c.net_total,
      ${day(sql`c.recent_order_dates[${sql.lit(checkedInt(k))}]`)}
    from customers c where c.workspace_id = ${sql.lit(checkedInt(workspaceId))} ${only} order by c.id`.compile(
    db,
  );
  if (query.parameters.length > 0) throw new Error('snapshot query must not have parameters');
  return query.sql;
}

/** Parses the COPY text of {@link rowsQuery} into a snapshot. */
function parseRows(text: string, k: number): FactsSnapshot {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const s = emptySnapshot(lines.length, k);
  const date = (v: string) => (v === '\\N' ? NO_DATE : Number(v));
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.split('\t');
    const label = f[1]!;
    s.ids[i] = Number(f[0]);
    s.labels[i] = label.includes('\\')
      ? label.replace(/\\(.)/g, (_m, c: string) => COPY_ESCAPES[c] ?? c)
      : label;
    s.firstDate[i] = date(f[2]!);
    s.lastDate[i] = date(f[3]!);
    s.orderCount[i] = Number(f[4]);
    s.netTotal[i] = Number(f[5]);
    s.loyalDate[i] = date(f[6]!);
  }
  return s;
}

/** A stored snapshot: its base with every delta applied, and how much the deltas hold. */
interface Stored {
  snapshot: FactsSnapshot;
  deltas: number;
  deltaCustomers: number;
  lastSeq: number;
}

/**
 * The workspace's stored snapshot (base and deltas), if the customers have not changed since it
 * was read and it was kept for this `loyalMinOrders`; undefined otherwise (never trusted when
 * stale). With `before` (inside a transaction changing customers: the version before its
 * changes), whether it was current before this transaction.
 */
async function readStored(
  read: Pick<Database, 'db' | 'copyOutBinary'>,
  workspaceId: number,
  loyalMinOrders: number,
  before?: number,
): Promise<Stored | undefined> {
  const ws = sql.lit(checkedInt(workspaceId));
  const current = customersUnchangedSince(workspaceId, sql.ref('s.built_version'), before);
  const query = sql`select s.data from customer_fact_snapshots s
    where s.workspace_id = ${ws} and ${current}`.compile(read.db);
  const data = firstCopyBinaryRow(await read.copyOutBinary(query.sql))?.[0];
  const base = data ? decodeSnapshot(data) : undefined;
  if (base?.loyalMinOrders !== loyalMinOrders) return undefined;
  const rows = await sql<{ seq: number; data: Uint8Array }>`select seq, data from customer_fact_deltas
    where workspace_id = ${ws} order by seq`.execute(read.db);
  if (rows.rows.length === 0) return { snapshot: base, deltas: 0, deltaCustomers: 0, lastSeq: 0 };
  // Fold the (small) deltas into one first, so the base is copied once.
  let folded: FactsSnapshot | undefined;
  let deltaCustomers = 0;
  for (const row of rows.rows) {
    const delta = decodeSnapshot(row.data);
    if (delta?.loyalMinOrders !== loyalMinOrders) return undefined;
    deltaCustomers += delta.ids.length;
    folded = folded ? applyDelta(folded, delta, true) : delta;
  }
  return {
    snapshot: applyDelta(base, folded!),
    deltas: rows.rows.length,
    deltaCustomers,
    lastSeq: Number(rows.rows[rows.rows.length - 1]!.seq),
  };
}

/**
 * The workspace's stored snapshot, if the customers have not changed since it was read and it was
 * kept for this `loyalMinOrders`; undefined otherwise (never trusted when stale). With `before`
 * (inside a transaction changing customers: the version before its changes), whether it was
 * current before this transaction.
 */
export async function readCurrentSnapshot(
  read: Pick<Database, 'db' | 'copyOutBinary'>,
  workspaceId: number,
  loyalMinOrders: number,
  before?: number,
): Promise<FactsSnapshot | undefined> {
  return (await readStored(read, workspaceId, loyalMinOrders, before))?.snapshot;
}

/** Stores the snapshot with the customers version it was read at. */
async function saveSnapshot(session: Session, workspaceId: number, version: number, s: FactsSnapshot) {
  await sql`delete from customer_fact_snapshots where workspace_id = ${workspaceId}`.execute(session.db);
  await sql`delete from customer_fact_deltas where workspace_id = ${workspaceId}`.execute(session.db);
  const row = copyBinaryRow([int4Field(workspaceId), int8Field(version), encodeSnapshot(s)]);
  await session.copyIn('customer_fact_snapshots', ['workspace_id', 'built_version', 'data'], row, 'binary');
}

/**
 * Reads every customer's facts in one repeatable-read transaction and stores them as the
 * workspace's snapshot. Saving is best effort: a concurrent writer only costs a rebuild later.
 */
export async function buildSnapshot(
  store: Database,
  workspaceId: number,
  loyalMinOrders: number,
): Promise<FactsSnapshot> {
  return store.withSession(async (session) => {
    const db = session.db;
    await sql`begin isolation level repeatable read`.execute(db);
    try {
      const version = await customersVersion(db, workspaceId);
      const snapshot = await readAll(session, workspaceId, loyalMinOrders);
      try {
        await saveSnapshot(session, workspaceId, version, snapshot);
        await sql`commit`.execute(db);
      } catch {
        await sql`rollback`.execute(db);
      }
      return snapshot;
    } catch (error) {
      await sql`rollback`.execute(db).catch(() => {});
      throw error;
    }
  });
}

/** Every customer's snapshot columns, read in the session's transaction. */
async function readAll(session: Session, workspaceId: number, k: number): Promise<FactsSnapshot> {
  return parseRows(await session.copyOut(rowsQuery(session.db, workspaceId, k)), k);
}

/** The current snapshot: the stored one when it is current, else a fresh one (then stored). */
export async function currentSnapshot(
  store: Database,
  workspaceId: number,
  loyalMinOrders: number,
): Promise<FactsSnapshot> {
  return (
    (await readCurrentSnapshot(store, workspaceId, loyalMinOrders)) ??
    (await buildSnapshot(store, workspaceId, loyalMinOrders))
  );
}

/** The fresh rows of the customers `ids` (sorted), those no longer there marked {@link GONE}. */
function deltaOf(ids: readonly number[], fresh: FactsSnapshot): FactsSnapshot {
  const out = emptySnapshot(ids.length, fresh.loyalMinOrders);
  for (let i = 0, f = 0; i < ids.length; i++) {
    if (f < fresh.ids.length && fresh.ids[f] === ids[i]) copyCustomer(fresh, f++, out, i);
    else {
      out.ids[i] = ids[i]!;
      out.labels[i] = '';
      out.firstDate[i] = NO_DATE;
      out.lastDate[i] = NO_DATE;
      out.orderCount[i] = GONE;
      out.loyalDate[i] = NO_DATE;
    }
  }
  return out;
}

/**
 * Inside a transaction that changed the customers `ids` (sorted, unique; merged-away ones too),
 * after all its changes to customers, with `before` the customers version before them (see
 * claimCustomersVersion): brings the stored snapshot up to date by re-reading only those customers
 * when it was current before this transaction (stored as one more delta, or folded into a new
 * base when the deltas grow large), else by reading them all. Returns the snapshots before (when
 * there was a current one) and after.
 */
export async function patchSnapshot(
  session: Session,
  workspaceId: number,
  loyalMinOrders: number,
  ids: readonly number[],
  before: number,
): Promise<{ before?: FactsSnapshot; after: FactsSnapshot }> {
  // This transaction's own version (its changes included): nobody else can move it meanwhile.
  const version = await customersVersion(session.db, workspaceId);
  const stored = await readStored(
    { db: session.db, copyOutBinary: session.copyOutBinary },
    workspaceId,
    loyalMinOrders,
    before,
  );
  if (!stored) {
    const after = await readAll(session, workspaceId, loyalMinOrders);
    await saveSnapshot(session, workspaceId, version, after);
    return { after };
  }
  const fresh = parseRows(
    await session.copyOut(rowsQuery(session.db, workspaceId, loyalMinOrders, ids)),
    loyalMinOrders,
  );
  const delta = deltaOf(ids, fresh);
  const after = applyDelta(stored.snapshot, delta);
  const large = stored.deltaCustomers + delta.ids.length > stored.snapshot.ids.length * MAX_DELTA_SHARE;
  if (large || stored.deltas >= MAX_DELTAS) await saveSnapshot(session, workspaceId, version, after);
  else {
    const row = copyBinaryRow([int4Field(workspaceId), int4Field(stored.lastSeq + 1), encodeSnapshot(delta)]);
    await session.copyIn('customer_fact_deltas', ['workspace_id', 'seq', 'data'], row, 'binary');
    // Only the version changes: the base's stored bytes are kept as they are, not rewritten.
    await sql`update customer_fact_snapshots set built_version = ${version}
      where workspace_id = ${workspaceId}`.execute(session.db);
  }
  return { before: stored.snapshot, after };
}
