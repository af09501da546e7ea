import { type Kysely, sql } from 'kysely';
import { copyBinaryRow, firstCopyBinaryRow, int4Field, int8Field } from '../db/copy-binary.ts';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { parseStatesCopy, type RecordedStates, statesQuery } from './recorded-states.ts';

/**
 * The recorded states kept as one value (customer_state_snapshots, migration 0045): the ids as
 * float64 and the codes as uint16 after an 8-byte count, ~10 bytes a customer. It is trusted only
 * at the version it was saved with; every transaction writing customer_states bumps the version
 * and clears the value ({@link bumpStatesVersion}).
 */
export function encodeStates(s: RecordedStates): Uint8Array {
  const n = s.ids.length;
  const out = new Uint8Array(8 + n * 10);
  new DataView(out.buffer).setFloat64(0, n, true);
  new Float64Array(out.buffer, 8, n).set(s.ids);
  new Uint16Array(out.buffer, 8 + n * 8, n).set(s.codes);
  return out;
}

/** The states of {@link encodeStates}' bytes. */
export function decodeStates(bytes: Uint8Array): RecordedStates {
  // A copy aligned for the typed arrays (the bytes may sit anywhere in a larger buffer; a Node
  // Buffer's slice() would not copy).
  const own = new Uint8Array(bytes);
  const n = new DataView(own.buffer).getFloat64(0, true);
  if (!Number.isSafeInteger(n) || own.byteLength !== 8 + n * 10) throw new Error('damaged state snapshot');
  return { ids: new Float64Array(own.buffer, 8, n), codes: new Uint16Array(own.buffer, 8 + n * 8, n) };
}

/**
 * In the caller's transaction writing customer_states: the next version, and no snapshot. Writing
 * a row does the same by trigger (migration 0049); either way once per transaction.
 */
export async function bumpStatesVersion(db: Kysely<Schema>, workspaceId: number): Promise<void> {
  await sql`select bump_customer_states_version(${workspaceId}::int)`.execute(db);
}

/**
 * The recorded states and the version they are at, read in one repeatable-read transaction: the
 * snapshot when it is there, else every row of customer_states (one binary COPY).
 */
export async function readStates(
  store: Database,
  workspaceId: number,
): Promise<{ states: RecordedStates; version: number; fromSnapshot: boolean }> {
  if (!Number.isSafeInteger(workspaceId)) throw new Error(`invalid workspace ${workspaceId}`);
  return store.withSession(async (session) => {
    await sql`begin isolation level repeatable read`.execute(session.db);
    try {
      const query = sql`select version, data from customer_state_snapshots
        where workspace_id = ${sql.lit(workspaceId)}`.compile(session.db);
      const row = firstCopyBinaryRow(await session.copyOutBinary(query.sql));
      const version = row?.[0] ? Number(new DataView(row[0].buffer, row[0].byteOffset, 8).getBigInt64(0)) : 0;
      const data = row?.[1];
      const read = data
        ? { states: decodeStates(data), version, fromSnapshot: true }
        : {
            states: parseStatesCopy(await session.copyOutBinary(statesQuery(session.db, workspaceId))),
            version,
            fromSnapshot: false,
          };
      await sql`commit`.execute(session.db);
      return read;
    } catch (error) {
      await sql`rollback`.execute(session.db).catch(() => {});
      throw error;
    }
  });
}

/**
 * Saves `states` as the snapshot of version `version`, if customer_states is still at it (nobody
 * else wrote meanwhile); otherwise nothing, and the next recording reads the rows. Best effort.
 */
export async function saveStates(
  store: Database,
  workspaceId: number,
  version: number,
  states: RecordedStates,
): Promise<void> {
  await store.withSession(async (session) => {
    const db = session.db;
    await sql`begin`.execute(db);
    try {
      const current = await sql<{ version: number }>`select version from customer_state_snapshots
        where workspace_id = ${workspaceId} for update`.execute(db);
      if (Number(current.rows[0]?.version ?? 0) !== version) {
        await sql`rollback`.execute(db);
        return;
      }
      await sql`delete from customer_state_snapshots where workspace_id = ${workspaceId}`.execute(db);
      const row = copyBinaryRow([int4Field(workspaceId), int8Field(version), [encodeStates(states)]]);
      await session.copyIn('customer_state_snapshots', ['workspace_id', 'version', 'data'], row, 'binary');
      await sql`commit`.execute(db);
    } catch {
      // A concurrent first save (the same key): theirs stands.
      await sql`rollback`.execute(db).catch(() => {});
    }
  });
}

/** `recorded` with the customers `ids` (ascending) now in states `codes`: the states after writing them. */
export function mergeStates(
  recorded: RecordedStates,
  ids: ArrayLike<number>,
  codes: ArrayLike<number>,
): RecordedStates {
  const outIds = new Float64Array(recorded.ids.length + ids.length);
  const outCodes = new Uint16Array(outIds.length);
  let r = 0;
  let c = 0;
  let n = 0;
  while (r < recorded.ids.length || c < ids.length) {
    const fromRecorded = c >= ids.length || (r < recorded.ids.length && recorded.ids[r]! < ids[c]!);
    if (fromRecorded) {
      outIds[n] = recorded.ids[r]!;
      outCodes[n++] = recorded.codes[r++]!;
    } else {
      if (r < recorded.ids.length && recorded.ids[r] === ids[c]) r++;
      outIds[n] = ids[c]!;
      outCodes[n++] = codes[c++]!;
    }
  }
  return { ids: outIds.subarray(0, n), codes: outCodes.subarray(0, n) };
}
