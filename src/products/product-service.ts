import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { ProductChangeBody, ProductCreateBody } from './product-contract.ts';

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

/** A page of the workspace's products by SKU, those whose SKU or name holds `search` (any case). */
export async function productPage(
  db: Kysely<Schema>,
  workspaceId: number,
  options: { search?: string; offset: number; limit: number },
) {
  let query = db
    .selectFrom('products')
    .select(['sku', 'name', 'category', 'repurchase_days'])
    .where('workspace_id', '=', workspaceId);
  const search = options.search?.trim();
  if (search) {
    // Matched literally: % and _ in what was typed are not wildcards.
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('sku', 'ilike', like), eb('name', 'ilike', like)]));
  }
  const rows = await query
    .orderBy('sku')
    .offset(options.offset)
    .limit(options.limit + 1)
    .execute();
  return {
    items: rows.slice(0, options.limit),
    next_cursor: rows.length > options.limit ? String(options.offset + options.limit) : null,
  };
}

/**
 * Adds a product before its first sale (so templates and coupons can name it) and audits it in
 * one transaction; a conflict when the SKU is known.
 */
export function createProduct(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  input: ProductCreateBody,
) {
  return db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('products')
      .values({
        workspace_id: workspaceId,
        sku: input.sku,
        name: input.name ?? null,
        category: input.category ?? null,
        repurchase_days: input.repurchase_days ?? null,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'sku']).doNothing())
      .returning(['sku', 'name', 'category', 'repurchase_days'])
      .executeTakeFirst();
    if (!created) throw new RetainError('conflict', `sku: a product with SKU "${input.sku}" already exists`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'product.create',
      objectType: 'product',
      objectId: created.sku,
    });
    return created;
  });
}

/** Changes a product's name, category or repurchase interval and audits it in one transaction. */
export function changeProduct(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  sku: string,
  change: ProductChangeBody,
) {
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('products')
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.category !== undefined ? { category: change.category } : {}),
        ...(change.repurchase_days !== undefined ? { repurchase_days: change.repurchase_days } : {}),
      })
      .where('workspace_id', '=', workspaceId)
      .where('sku', '=', sku)
      .returning(['sku', 'name', 'category', 'repurchase_days'])
      .executeTakeFirst();
    if (!changed) throw new NotFoundError(`no product with SKU "${sku}"`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'product.change',
      objectType: 'product',
      objectId: sku,
      detail: { set: Object.keys(change) },
    });
    return changed;
  });
}
