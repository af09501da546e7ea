import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { requireCustomer } from '../customers/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';

/**
 * Sets (or with null clears) the WeCom userid of a workspace member: the sender of the WeCom
 * messages to the customers they own. Audited in the same transaction.
 */
export async function setStaffWecomUserid(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  userId: number,
  wecomUserid: string | null,
): Promise<{ user_id: number; wecom_userid: string | null }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('memberships')
      .set({ wecom_userid: wecomUserid })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .returning(['user_id', 'wecom_userid'])
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`user ${userId} not found`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'user.wecom',
      objectType: 'user',
      objectId: userId,
      detail: { wecom_userid: wecomUserid },
    });
    return row;
  });
}

/**
 * Sets (or with null clears) a customer's WeCom external userid, the identity the WeCom
 * customer-contact channel sends to (one a customer: a new one replaces the old). One that belongs
 * to another customer is refused, naming the field. Audited in the same transaction.
 */
export async function setCustomerExternalUserid(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
  externalUserid: string | null,
): Promise<{ customer_id: number; external_userid: string | null }> {
  return db.transaction().execute(async (trx) => {
    await requireCustomer(trx, workspaceId, customerId, { notErased: true });
    if (externalUserid !== null) {
      const holder = await trx
        .selectFrom('identities')
        .select('customer_id')
        .where('workspace_id', '=', workspaceId)
        .where('type', '=', 'wecom_external_userid')
        .where('value', '=', externalUserid)
        .executeTakeFirst();
      if (holder && Number(holder.customer_id) !== customerId)
        throw new InvalidInputError(`external_userid: it belongs to customer ${holder.customer_id} already`, [
          { field: 'body.external_userid', message: 'belongs to another customer' },
        ]);
    }
    await trx
      .deleteFrom('identities')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .where('type', '=', 'wecom_external_userid')
      .execute();
    if (externalUserid !== null)
      await trx
        .insertInto('identities')
        .values({
          workspace_id: workspaceId,
          type: 'wecom_external_userid',
          value: externalUserid,
          customer_id: customerId,
        })
        .execute();
    // The id is personal data: the audit row says only whether one is set.
    await recordAudit(trx, workspaceId, actor, {
      action: 'customer.wecom',
      objectType: 'customer',
      objectId: customerId,
      detail: { set: externalUserid !== null },
    });
    return { customer_id: customerId, external_userid: externalUserid };
  });
}
