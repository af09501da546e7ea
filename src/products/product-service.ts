import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';

/** What a merchant sets on a product: its typical repurchase interval and its category. */
export interface ProductSettings {
  /** Days after which a customer usually buys it again (a 900 g tin of formula: ~25); null clears it. */
  repurchase_days?: number | null;
  category?: string | null;
}

/**
 * Sets a product's repurchase interval and category (products come from imported order lines).
 * The interval drives the journeys' `replenishment` trigger.
 *
 * @example await setProduct(db, ws.id, 'MILK-900G', { repurchase_days: 25 })
 */
export async function setProduct(
  db: Kysely<Schema>,
  workspaceId: number,
  sku: string,
  settings: ProductSettings,
) {
  const days = settings.repurchase_days;
  if (days !== undefined && days !== null && !(Number.isInteger(days) && days > 0 && days <= 3650))
    throw new InvalidInputError(`repurchase days ${days}: expected a whole number of days from 1 to 3650`);
  const changed = await db
    .updateTable('products')
    .set({
      ...(days !== undefined ? { repurchase_days: days } : {}),
      ...(settings.category !== undefined ? { category: settings.category } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('sku', '=', sku)
    .returning(['sku', 'name', 'category', 'repurchase_days'])
    .executeTakeFirst();
  if (!changed)
    throw new NotFoundError(`no product with SKU "${sku}" (products come from imported order lines)`);
  return changed;
}

/** The workspace's products, by SKU. */
export function listProducts(db: Kysely<Schema>, workspaceId: number) {
  return db
    .selectFrom('products')
    .select(['sku', 'name', 'category', 'repurchase_days'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('sku')
    .execute();
}
