import { type Kysely, sql } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { requireCustomer } from './customer-profile.ts';

/** Tags are short labels: trimmed, 1–64 characters, no commas (they separate tags in files). */
export function normalizeTag(tag: string): string {
  const t = tag.trim();
  if (!t || t.length > 64 || /[,，;；|]/.test(t))
    throw new InvalidInputError(`invalid tag "${tag}" (1–64 characters, no , ; or |)`);
  return t;
}

/** Adds or removes a tag and writes one history entry per customer actually changed. */
async function changeTag(
  db: Kysely<Schema>,
  workspaceId: number,
  tag: string,
  customerIds: readonly number[],
  action: 'added' | 'removed',
  source: string,
): Promise<number> {
  const t = normalizeTag(tag);
  if (customerIds.length === 0) return 0;
  const ids = [...customerIds];
  const change =
    action === 'added'
      ? sql`insert into tags (workspace_id, customer_id, tag, source)
          select ${workspaceId}, c.id, ${t}, ${source} from customers c
          where c.workspace_id = ${workspaceId} and c.id = any(${ids}::bigint[])
          on conflict do nothing returning customer_id`
      : sql`delete from tags where workspace_id = ${workspaceId} and tag = ${t} and customer_id = any(${ids}::bigint[])
          returning customer_id`;
  const changed = await sql<{ n: number }>`
    with changed as (${change}), history as (
      insert into tag_history (workspace_id, customer_id, tag, action, source)
      select ${workspaceId}, customer_id, ${t}, ${action}, ${source} from changed
    ) select count(*)::int as n from changed`.execute(db);
  return changed.rows[0]?.n ?? 0;
}

/** Adds a tag to customers; returns how many did not have it. History records each addition. */
export function addTag(
  db: Kysely<Schema>,
  workspaceId: number,
  tag: string,
  customerIds: readonly number[],
  source = 'manual',
): Promise<number> {
  return changeTag(db, workspaceId, tag, customerIds, 'added', source);
}

/** Removes a tag from customers; returns how many had it. History records each removal. */
export function removeTag(
  db: Kysely<Schema>,
  workspaceId: number,
  tag: string,
  customerIds: readonly number[],
  source = 'manual',
): Promise<number> {
  return changeTag(db, workspaceId, tag, customerIds, 'removed', source);
}

/**
 * Tags or untags one customer as people do it (not found for another workspace's), audited as
 * `customer.tag.add` / `customer.tag.remove` in its transaction; returns whether anything changed.
 */
export function tagOneCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  change: { customerId: number; tag: string; remove?: boolean },
): Promise<boolean> {
  const { customerId, tag, remove } = change;
  return audited(
    db,
    workspaceId,
    actor,
    async (trx) => {
      await requireCustomer(trx, workspaceId, customerId);
      const n = await (remove ? removeTag : addTag)(trx, workspaceId, tag, [customerId], actor.label);
      return n > 0;
    },
    () => ({
      action: remove ? 'customer.tag.remove' : 'customer.tag.add',
      objectType: 'customer',
      objectId: customerId,
      detail: { tag },
    }),
  );
}

/** Tags many customers at once (others' ids are ignored), audited as `customer.tag.bulk`. */
export function tagCustomers(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  tag: string,
  customerIds: readonly number[],
): Promise<number> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => addTag(trx, workspaceId, tag, customerIds, actor.label),
    (added) => ({
      action: 'customer.tag.bulk',
      objectType: 'customer',
      detail: { tag, customers: customerIds.length, added },
    }),
  );
}

/** Every tag in the workspace with how many customers carry it. */
export async function listTags(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<{ tag: string; customers: number }[]> {
  return db
    .selectFrom('tags')
    .select(['tag', (eb) => eb.fn.countAll<number>().as('customers')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('tag')
    .orderBy('tag')
    .execute()
    .then((rows) => rows.map((r) => ({ tag: r.tag, customers: Number(r.customers) })));
}

/** A customer's tag history, oldest first. */
export async function tagHistory(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  return db
    .selectFrom('tag_history')
    .select(['tag', 'action', 'source', 'at'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}
