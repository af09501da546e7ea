import { type Kysely, sql } from 'kysely';
import { copyBinaryRowsStart } from '../db/copy-binary.ts';
import { type Database, kyselyOf, type StoreOrKysely } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { stateCodeSql } from './stage-codes.ts';

/** Every customer's recorded state ({@link stateCodeSql}'s code), in ascending id order. */
export interface RecordedStates {
  ids: Float64Array;
  codes: Uint16Array;
}

/** The COPY query of the workspace's recorded states (COPY takes no parameters: literals only). */
export function statesQuery(db: Kysely<Schema>, workspaceId: number): string {
  if (!Number.isSafeInteger(workspaceId)) throw new Error(`invalid workspace ${workspaceId}`);
  const query = sql`select s.customer_id, ${stateCodeSql('s')} from customer_states s
    where s.workspace_id = ${sql.lit(workspaceId)} order by s.customer_id`.compile(db);
  if (query.parameters.length > 0) throw new Error('states query must not have parameters');
  return query.sql;
}

/**
 * Parses the binary COPY of (int8, int2) rows. Each row is 20 bytes: a field count, then each
 * field's length and value (https://www.postgresql.org/docs/current/sql-copy.html).
 */
export function parseStatesCopy(bytes: Uint8Array): RecordedStates {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength === 0) return { ids: new Float64Array(0), codes: new Uint16Array(0) };
  let at = copyBinaryRowsStart(view);
  const max = Math.floor((bytes.byteLength - at) / 20);
  const ids = new Float64Array(max);
  const codes = new Uint16Array(max);
  let n = 0;
  for (;;) {
    const fields = view.getInt16(at);
    if (fields === -1) break;
    if (fields !== 2 || view.getInt32(at + 2) !== 8 || view.getInt32(at + 14) !== 2)
      throw new Error('unexpected row in the recorded states');
    ids[n] = Number(view.getBigInt64(at + 6));
    codes[n] = view.getInt16(at + 18);
    n++;
    at += 20;
  }
  return { ids: ids.subarray(0, n), codes: codes.subarray(0, n) };
}

/**
 * The workspace's recorded states. Given the whole store, one binary COPY (a million rows in about
 * 20 MB, no per-row objects); given only a Kysely, plain rows.
 */
export async function readRecordedStates(
  store: StoreOrKysely | Pick<Database, 'db' | 'copyOutBinary'>,
  workspaceId: number,
): Promise<RecordedStates> {
  if ('copyOutBinary' in store)
    return parseStatesCopy(await store.copyOutBinary(statesQuery(store.db, workspaceId)));
  const db = kyselyOf(store);
  const rows = await sql<{ customer_id: number; code: number }>`
    select s.customer_id, ${stateCodeSql('s')} as code from customer_states s
    where s.workspace_id = ${workspaceId} order by s.customer_id`.execute(db);
  const ids = new Float64Array(rows.rows.length);
  const codes = new Uint16Array(rows.rows.length);
  rows.rows.forEach((r, i) => {
    ids[i] = Number(r.customer_id);
    codes[i] = r.code;
  });
  return { ids, codes };
}

/**
 * Positions (into `ids`) of the customers whose state `codes` differs from the recorded one, or
 * who have none recorded. Both lists are in ascending id order, so one merge pass.
 */
export function changedPositions(
  ids: Float64Array,
  codes: Uint16Array,
  recorded: RecordedStates,
): Uint32Array {
  const out = new Uint32Array(ids.length);
  let n = 0;
  let r = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (i > 0 && id <= ids[i - 1]!) throw new Error('customers not in ascending id order');
    while (r < recorded.ids.length && recorded.ids[r]! < id) r++;
    if (r < recorded.ids.length && recorded.ids[r] === id && recorded.codes[r] === codes[i]) continue;
    out[n++] = i;
  }
  return out.subarray(0, n);
}
