import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { normalizeEmail, normalizeExternalId, normalizePhone } from '../identity/identity-normalize.ts';

/** One row of the customer list. */
export interface CustomerSummary {
  id: number;
  external_id: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  member_tier: string | null;
  order_count: number;
  net_total: number;
  first_order_date: string | null;
  last_order_date: string | null;
}

export interface CustomerSearch {
  /** Name (contains), or exact phone, email or external id. */
  q?: string;
  /** Filters over `customers c` built by the segments domain (tag, lifecycle, RFM group, segment). */
  filters?: readonly RawBuilder<boolean>[];
  /** Cursor: only customers with a larger id. */
  after?: number;
  limit: number;
}

/**
 * A page of customers in id order, with the cursor for the next page.
 *
 * @example await searchCustomers(db, ws.id, { q: '13800138000', limit: 20 })
 */
export async function searchCustomers(
  db: Kysely<Schema>,
  workspaceId: number,
  search: CustomerSearch,
): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const conditions: RawBuilder<unknown>[] = [sql`c.workspace_id = ${workspaceId}`];
  const q = search.q?.trim();
  if (q) {
    const values = [normalizePhone(q), normalizeEmail(q), normalizeExternalId(q)].filter(
      (v): v is string => v !== undefined,
    );
    const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`(c.name ilike ${`%${escaped}%`} or c.id in (
      select i.customer_id from identities i where i.workspace_id = ${workspaceId} and i.value = any(${values}::text[])))`);
  }
  conditions.push(...(search.filters ?? []));
  if (search.after !== undefined) conditions.push(sql`c.id > ${search.after}`);
  const rows = await sql<CustomerSummary>`
    select c.id, c.external_id, c.name,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'phone') as phone,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'email') as email,
      c.city, c.member_tier, c.order_count, c.net_total,
      c.first_order_date::text as first_order_date, c.last_order_date::text as last_order_date
    from customers c where ${sql.join(conditions, sql` and `)}
    order by c.id limit ${search.limit + 1}`.execute(db);
  const items = rows.rows.slice(0, search.limit);
  const more = rows.rows.length > search.limit;
  return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
}
