export { NOTE_TYPES } from './task-codes.ts';

import type { Kysely } from 'kysely';
import type { Actor } from '../access/caller.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { requireCustomer } from '../customers/customer-profile.ts';
import type { Schema } from '../db/schema.ts';
import type { NOTE_TYPES } from './task-codes.ts';

export type NoteType = (typeof NOTE_TYPES)[number];

/** One service record as the API shows it. */
export interface CustomerNote {
  id: number;
  type: NoteType;
  summary: string;
  author: string;
  created_at: Date;
}

/** Writes a service record on a customer (not erased) with its audit row, in one transaction. */
export async function addNote(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
  note: { type: NoteType; summary: string },
): Promise<CustomerNote> {
  return db.transaction().execute(async (trx) => {
    await requireCustomer(trx, workspaceId, customerId, { notErased: true });
    const row = await trx
      .insertInto('customer_notes')
      .values({ workspace_id: workspaceId, customer_id: customerId, ...note, author: actor.label })
      .returning(['id', 'type', 'summary', 'author', 'created_at'])
      .executeTakeFirstOrThrow();
    // The summary may hold personal details: the audit row names the note, not its text.
    await recordAudit(trx, workspaceId, actor, {
      action: 'customer.note',
      objectType: 'customer',
      objectId: customerId,
      detail: { note_id: row.id, type: note.type },
    });
    return row;
  });
}

/** A customer's service records, newest first (at most `limit`). */
export async function listNotes(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  limit = 100,
): Promise<CustomerNote[]> {
  await requireCustomer(db, workspaceId, customerId);
  return db
    .selectFrom('customer_notes')
    .select(['id', 'type', 'summary', 'author', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
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
