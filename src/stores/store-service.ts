import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError, RetainError } from '../shared/errors.ts';
import type { StoreChangeBody, StoreCreateBody } from './store-contract.ts';

const COLUMNS = ['code', 'name', 'city', 'active', 'created_at'] as const;

/** The workspace's stores, open ones first, by code. */
export function listStores(db: Kysely<Schema>, workspaceId: number) {
  return db
    .selectFrom('stores')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('active', 'desc')
    .orderBy('code')
    .execute();
}

/**
 * Adds a store and audits it in one transaction; a conflict when the code is taken.
 *
 * @example await createStore(db, ws.id, actor, { code: 'HZ01', name: '杭州西湖店' })
 */
export function createStore(db: Kysely<Schema>, workspaceId: number, actor: Actor, input: StoreCreateBody) {
  return db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('stores')
      .values({ workspace_id: workspaceId, code: input.code, name: input.name, city: input.city ?? null })
      .onConflict((oc) => oc.columns(['workspace_id', 'code']).doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!created) throw new RetainError('conflict', `code: a store with code "${input.code}" already exists`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'store.create',
      objectType: 'store',
      objectId: created.code,
      detail: { name: created.name },
    });
    return created;
  });
}

/** Changes a store's name, city or open state and audits it in one transaction; not found otherwise. */
export function changeStore(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  code: string,
  change: StoreChangeBody,
) {
  return db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('stores')
      .select(COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirst();
    if (!found) throw new NotFoundError(`no store with code "${code}"`);
    const next = {
      name: change.name ?? found.name,
      city: change.city === undefined ? found.city : change.city,
      active: change.active ?? found.active,
    };
    const changed = await trx
      .updateTable('stores')
      .set(next)
      .where('workspace_id', '=', workspaceId)
      .where('code', '=', code)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, workspaceId, actor, {
      action: 'store.change',
      objectType: 'store',
      objectId: code,
      detail: { set: Object.keys(change) },
    });
    return changed;
  });
}
