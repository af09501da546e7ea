export { NOTE_TYPES, RECORD_STATUSES } from './task-codes.ts';

import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { requireCustomer } from '../customers/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import { defaultStatus, statusFits } from './service-record-contract.ts';
import type { NOTE_TYPES, RECORD_STATUSES } from './task-codes.ts';

export type NoteType = (typeof NOTE_TYPES)[number];
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** One service record (note, call, visit, complaint, ticket) as the API shows it. */
export interface CustomerNote {
  id: number;
  type: NoteType;
  status: RecordStatus | null;
  summary: string;
  author: string;
  author_user_id: number | null;
  source: 'manual' | 'import';
  external_ref: string | null;
  occurred_at: Date;
  created_at: Date;
}

/** What a person writes: the record's type, text and optionally its status, time and source id. */
export interface NoteInput {
  type: NoteType;
  summary: string;
  status?: RecordStatus | null;
  occurred_at?: string;
  external_ref?: string;
}

const COLUMNS = [
  'id',
  'type',
  'status',
  'summary',
  'author',
  'author_user_id',
  'source',
  'external_ref',
  'occurred_at',
  'created_at',
] as const;

/** A user's id for `author_user_id` (keys and the shell have none). */
const userIdOf = (actor: Actor) => (actor.kind === 'user' && actor.id ? Number(actor.id) : null);

/** Writes a service record on a customer (not erased) with its audit row, in one transaction. */
export async function addNote(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
  note: NoteInput,
): Promise<CustomerNote> {
  const status = note.status === undefined ? defaultStatus(note.type) : note.status;
  if (!statusFits(note.type, status))
    throw new InvalidInputError(`status: ${status ?? 'none'} does not fit a ${note.type}`);
  return db.transaction().execute(async (trx) => {
    await requireCustomer(trx, workspaceId, customerId, { notErased: true });
    const row = await trx
      .insertInto('customer_notes')
      .values({
        workspace_id: workspaceId,
        customer_id: customerId,
        type: note.type,
        summary: note.summary.trim(),
        status,
        occurred_at: note.occurred_at ? new Date(note.occurred_at) : undefined,
        external_ref: note.external_ref?.trim() ?? null,
        author: actor.label,
        author_user_id: userIdOf(actor),
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    // The summary may hold personal details: the audit row names the record, not its text.
    await recordAudit(trx, workspaceId, actor, {
      action: 'customer.note',
      objectType: 'customer',
      objectId: customerId,
      detail: { note_id: row.id, type: note.type, status },
    });
    return row;
  });
}

/** Sets a record's status (a ticket resolved or closed), with its audit row. */
export async function setNoteStatus(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
  noteId: number,
  status: RecordStatus | null,
): Promise<CustomerNote> {
  return db.transaction().execute(async (trx) => {
    await requireCustomer(trx, workspaceId, customerId, { notErased: true });
    const current = await trx
      .selectFrom('customer_notes')
      .select(['type', 'status'])
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .where('id', '=', noteId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new NotFoundError(`service record ${noteId} not found on customer ${customerId}`);
    if (!statusFits(current.type, status))
      throw new InvalidInputError(`status: ${status ?? 'none'} does not fit a ${current.type}`);
    const row = await trx
      .updateTable('customer_notes')
      .set({ status })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', noteId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, workspaceId, actor, {
      action: 'customer.note_status',
      objectType: 'customer',
      objectId: customerId,
      detail: { note_id: noteId, from: current.status, to: status },
    });
    return row;
  });
}

/** A customer's service records, latest first by when they happened (at most `limit`). */
export async function listNotes(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  limit = 100,
): Promise<CustomerNote[]> {
  await requireCustomer(db, workspaceId, customerId);
  return db
    .selectFrom('customer_notes')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Erasure: a customer's service records go, and their tasks' free text (titles, notes) is blanked. */
export async function forgetServiceRecords(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<void> {
  await db
    .deleteFrom('customer_notes')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute();
  await db
    .updateTable('tasks')
    .set({ title: '(erased)', notes: null })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute();
}
