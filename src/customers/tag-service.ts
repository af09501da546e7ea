import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError } from '../shared/errors.ts';

/** Tags are short labels: trimmed, 1–64 characters, no commas (they separate tags in files). */
export function normalizeTag(tag: string): string {
  const t = tag.trim();
  if (!t || t.length > 64 || /[,，;；|]/.test(t))
    throw new InvalidInputError(`invalid tag "${tag}" (1–64 characters, no , ; or |)`);
  return t;
}

/** Adds a tag to customers; returns how many did not have it. History records each addition. */
export async function addTag(
  db: Kysely<Schema>,
  workspaceId: number,
  tag: string,
  customerIds: readonly number[],
  source = 'manual',
): Promise<number> {
  const t = normalizeTag(tag);
  if (customerIds.length === 0) return 0;
  const added = await sql<{ n: number }>`
    with added as (
      insert into tags (workspace_id, customer_id, tag, source)
      select ${workspaceId}, c.id, ${t}, ${source} from customers c
      where c.workspace_id = ${workspaceId} and c.id = any(${[...customerIds]}::bigint[])
      on conflict do nothing returning customer_id
    ), history as (
      insert into tag_history (workspace_id, customer_id, tag, action, source)
      select ${workspaceId}, customer_id, ${t}, 'added', ${source} from added
    ) select count(*)::int as n from added`.execute(db);
  return added.rows[0]?.n ?? 0;
}

/** Removes a tag from customers; returns how many had it. History records each removal. */
export async function removeTag(
  db: Kysely<Schema>,
  workspaceId: number,
  tag: string,
  customerIds: readonly number[],
  source = 'manual',
): Promise<number> {
  const t = normalizeTag(tag);
  if (customerIds.length === 0) return 0;
  const removed = await sql<{ n: number }>`
    with removed as (
      delete from tags where workspace_id = ${workspaceId} and tag = ${t} and customer_id = any(${[...customerIds]}::bigint[])
      returning customer_id
    ), history as (
      insert into tag_history (workspace_id, customer_id, tag, action, source)
      select ${workspaceId}, customer_id, ${t}, 'removed', ${source} from removed
    ) select count(*)::int as n from removed`.execute(db);
  return removed.rows[0]?.n ?? 0;
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
