import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { IdentityType, Schema } from '../db/schema.ts';
import { normalizeEmail, normalizeExternalId, normalizePhone } from '../identity/index.ts';
import { EXACT_COUNT_BOUND } from './customer-contract.ts';

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
  /** See {@link searchCondition}. */
  q?: string;
  /** Filters over `customers c` built by the segments domain (tag, lifecycle, RFM group, segment). */
  filters?: readonly RawBuilder<boolean>[];
  /** Cursor: only customers with a larger id. */
  after?: number;
  limit: number;
}

// Every identity type, so an exact look-up reads the identities key (workspace, type, value).
const IDENTITY_TYPES: IdentityType[] = [
  'external_id',
  'phone',
  'email',
  'wechat_unionid',
  'wechat_openid',
  'platform_id',
  'member_card',
  'wecom_external_userid',
];

const like = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What `q` finds: a name or platform nickname containing it; an exact phone, email, external id,
 * member card or any other identity; an order id; and, when it is digits, a phone by its last four
 * (手机尾号, exactly 4 digits) or by its first digits (3 and 5–10 digits).
 */
export function searchCondition(workspaceId: number, q: string): RawBuilder<boolean> {
  const exact = [normalizePhone(q), normalizeEmail(q), normalizeExternalId(q)].filter(
    (v): v is string => v !== undefined,
  );
  const contains = `%${like(q)}%`;
  const digits = q.replace(/[\s-]/g, '');
  // Each branch reads its own index (identities' key, the tail and prefix indexes, orders' key).
  const branches: RawBuilder<unknown>[] = [
    sql`select i.customer_id from identities i where i.workspace_id = ${workspaceId} and i.type = any(${IDENTITY_TYPES}::text[]) and i.value = any(${exact}::text[])`,
    sql`select i.customer_id from identities i where i.workspace_id = ${workspaceId} and i.type = 'platform_id' and i.value ilike ${contains}`,
    sql`select o.customer_id from orders o where o.workspace_id = ${workspaceId} and o.order_id = ${q} and o.customer_id is not null`,
  ];
  if (/^\d{4}$/.test(digits))
    branches.push(
      sql`select i.customer_id from identities i where i.workspace_id = ${workspaceId} and i.type = 'phone' and right(i.value, 4) = ${digits}`,
    );
  else if (/^\d{3,10}$/.test(digits))
    branches.push(
      sql`select i.customer_id from identities i where i.workspace_id = ${workspaceId} and i.type = 'phone' and i.value like ${`${digits}%`}`,
    );
  return sql<boolean>`(c.name ilike ${contains} or c.id in (${sql.join(branches, sql` union `)}))`;
}

function conditions(workspaceId: number, search: Omit<CustomerSearch, 'limit' | 'after'>) {
  const all: RawBuilder<unknown>[] = [sql`c.workspace_id = ${workspaceId}`];
  const q = search.q?.trim();
  if (q) all.push(searchCondition(workspaceId, q));
  all.push(...(search.filters ?? []));
  return sql.join(all, sql` and `);
}

/**
 * A page of customers in id order, with the cursor for the next page.
 *
 * @example await searchCustomers(db, ws.id, { q: '8000', limit: 20 }) // phones ending in 8000
 */
export async function searchCustomers(
  db: Kysely<Schema>,
  workspaceId: number,
  search: CustomerSearch,
): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const where = conditions(workspaceId, search);
  const after = search.after === undefined ? sql`true` : sql`c.id > ${search.after}`;
  const rows = await sql<CustomerSummary>`
    select c.id, c.external_id, c.name,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'phone') as phone,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'email') as email,
      c.city, c.member_tier, c.order_count, c.net_total,
      c.first_order_date::text as first_order_date, c.last_order_date::text as last_order_date
    from customers c where ${where} and ${after}
    order by c.id limit ${search.limit + 1}`.execute(db);
  const items = rows.rows.slice(0, search.limit);
  const more = rows.rows.length > search.limit;
  return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
}

/**
 * How many customers match (all pages): counted up to `bound` by reading at most `bound + 1`
 * rows, above it the planner's estimate (never below `bound + 1`), so a list over a million
 * customers never counts them all.
 */
export async function countCustomers(
  db: Kysely<Schema>,
  workspaceId: number,
  search: Omit<CustomerSearch, 'limit' | 'after'>,
  bound = EXACT_COUNT_BOUND,
): Promise<{ total: number; exact: boolean }> {
  const where = conditions(workspaceId, search);
  const counted = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from customers c where ${where} limit ${bound + 1}) x`.execute(
    db,
  );
  const n = counted.rows[0]!.n;
  if (n <= bound) return { total: n, exact: true };
  const plan = await sql<{
    'QUERY PLAN': unknown;
  }>`explain (format json) select 1 from customers c where ${where}`.execute(db);
  return { total: Math.max(bound + 1, Math.round(planRows(plan.rows[0]?.['QUERY PLAN']))), exact: false };
}

/** The top node's row estimate of an `explain (format json)` answer (a JSON text or already parsed). */
function planRows(plan: unknown): number {
  const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
  const rows = (parsed as { Plan?: { 'Plan Rows'?: unknown } }[])?.[0]?.Plan?.['Plan Rows'];
  return typeof rows === 'number' && Number.isFinite(rows) ? rows : 0;
}
