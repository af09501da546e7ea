import type { Kysely } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';

/** The attributes an operator or the API may change directly. */
export interface CustomerChanges {
  name?: string | null;
  gender?: string | null;
  birthday?: string | null;
  city?: string | null;
  country?: string | null;
  member_tier?: string | null;
  /** The staff member who owns the customer (a user id the caller checked), or null. */
  owner_user_id?: number | null;
  /** Merged into the stored attributes; a null value removes the key. */
  attributes?: Record<string, unknown>;
}

/** Applies changes to one customer of the workspace; not found for anyone else's. */
export async function updateCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  changes: CustomerChanges,
): Promise<void> {
  const { attributes, ...fields } = changes;
  const result = await db
    .updateTable('customers')
    .set((eb) => ({
      ...fields,
      ...(attributes
        ? {
            attributes: eb.fn<Record<string, unknown>>('jsonb_strip_nulls', [
              eb.fn('jsonb_concat', [eb.ref('attributes'), eb.val(JSON.stringify(attributes))]),
            ]),
          }
        : {}),
      updated_at: new Date(),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', customerId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`customer ${customerId} not found`);
}

/**
 * {@link updateCustomer} as people do it, audited as `customer.update` in its transaction with
 * the names of the fields changed (never their values, which are personal data).
 */
export function changeCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
  changes: CustomerChanges,
): Promise<void> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => updateCustomer(trx, workspaceId, customerId, changes),
    () => ({
      action: 'customer.update',
      objectType: 'customer',
      objectId: customerId,
      detail: { fields: Object.keys(changes) },
    }),
  );
}
