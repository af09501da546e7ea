import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A customer's name and first phone, for lists of work about customers (tasks). */
export interface CustomerContact {
  name: string | null;
  phone: string | null;
}

/** Names and phones of the workspace's customers among `ids` (others' ids are left out). */
export async function customerContacts(
  db: Kysely<Schema>,
  workspaceId: number,
  ids: readonly number[],
): Promise<Map<number, CustomerContact>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; name: string | null; phone: string | null }>`
    select c.id, c.name, (select min(value) from identities i
      where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'phone') as phone
    from customers c where c.workspace_id = ${workspaceId} and c.id = any(${[...new Set(ids)]}::bigint[])`.execute(
    db,
  );
  return new Map(rows.rows.map((r) => [Number(r.id), { name: r.name, phone: r.phone }]));
}

/** The owners (staff user ids, or null) of the workspace's customers among `ids`. */
export async function customerOwners(
  db: Kysely<Schema>,
  workspaceId: number,
  ids: readonly number[],
): Promise<Map<number, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'owner_user_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.owner_user_id]));
}
