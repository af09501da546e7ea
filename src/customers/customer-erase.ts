import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { clearEventProperties } from '../events/index.ts';
import { deleteIdentities } from '../identity/index.ts';
import { forgetSegmentMember } from '../segments/index.ts';
import { NotFoundError } from '../shared/errors.ts';
import { forgetServiceRecords } from '../tasks/customer-notes.ts';

/**
 * Erases a customer's personal data on request: identities, personal fields, tags, event
 * properties, segment memberships and service notes go (task titles and notes are blanked); the customer row stays as an anonymous id so orders,
 * and every figure computed from them, are unchanged. Audited as `customer.erase` in the same transaction.
 */
export async function eraseCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  actor: Actor,
): Promise<{ identities: number }> {
  return db.transaction().execute(async (trx) => {
    const erased = await trx
      .updateTable('customers')
      .set({
        external_id: null,
        name: null,
        gender: null,
        birthday: null,
        city: null,
        country: null,
        member_tier: null,
        attributes: '{}' as unknown as Record<string, unknown>,
        erased_at: new Date(),
        updated_at: new Date(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', customerId)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (erased.numUpdatedRows === 0n) throw new NotFoundError(`customer ${customerId} not found`);
    const identities = await deleteIdentities(trx, workspaceId, customerId);
    await clearEventProperties(trx, workspaceId, customerId);
    await trx
      .deleteFrom('tags')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .execute();
    await trx
      .deleteFrom('tag_history')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .execute();
    await forgetSegmentMember(trx, workspaceId, customerId);
    await forgetServiceRecords(trx, workspaceId, customerId);
    // Audited with the erasure: the request and its record commit together.
    await recordAudit(trx, workspaceId, actor, {
      action: 'customer.erase',
      objectType: 'customer',
      objectId: customerId,
      detail: { identities_removed: identities },
    });
    return { identities };
  });
}
