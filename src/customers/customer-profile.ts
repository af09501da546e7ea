import type { Kysely, Selectable } from 'kysely';
import type { CustomersTable, IdentitiesTable, OrdersTable, Schema, TagsTable } from '../db/schema.ts';
import { normalizeEmail, normalizeExternalId, normalizePhone } from '../identity/identity-normalize.ts';
import { ORDER_COLUMNS } from '../orders/order-lookup.ts';
import { NotFoundError } from '../shared/errors.ts';

/** Everything known about one customer, for `customers show` and the 360° profile. */
export interface CustomerProfile {
  customer: Selectable<CustomersTable>;
  identities: Pick<Selectable<IdentitiesTable>, 'type' | 'value' | 'created_at'>[];
  tags: Pick<Selectable<TagsTable>, 'tag' | 'source' | 'added_at'>[];
  orders: Omit<Selectable<OrdersTable>, 'workspace_id' | 'lines_hash'>[];
  orderTotal: number;
}

/**
 * Finds a customer by external id, phone, email, member card, or internal id, in that order.
 *
 * @example await findCustomerId(db, ws.id, '138 0013 8000')
 */
export async function findCustomerId(
  db: Kysely<Schema>,
  workspaceId: number,
  query: string,
): Promise<number> {
  const candidates: Array<[IdentitiesTable['type'], string | undefined]> = [
    ['external_id', normalizeExternalId(query)],
    ['phone', normalizePhone(query)],
    ['email', normalizeEmail(query)],
    ['member_card', normalizeExternalId(query)],
  ];
  for (const [type, value] of candidates) {
    if (!value) continue;
    const hit = await customerIdByIdentity(db, workspaceId, type, value);
    if (hit !== undefined) return hit;
  }
  if (/^\d{1,15}$/.test(query.trim())) {
    const byId = await db
      .selectFrom('customers')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', Number(query.trim()))
      .executeTakeFirst();
    if (byId) return byId.id;
  }
  throw new NotFoundError(
    `no customer matches "${query}" (tried external id, phone, email, member card and internal id)`,
  );
}

/**
 * Checks that a customer of the workspace exists (optionally: not erased); a not-found error
 * otherwise, also for other workspaces' customers.
 */
export async function requireCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  options: { notErased?: boolean } = {},
): Promise<void> {
  let query = db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', customerId);
  if (options.notErased) query = query.where('erased_at', 'is', null);
  if (!(await query.executeTakeFirst())) throw new NotFoundError(`customer ${customerId} not found`);
}

/** Which of the given ids are customers of the workspace (others' and unknown ids are left out). */
export async function existingCustomerIds(
  db: Kysely<Schema>,
  workspaceId: number,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => r.id);
}

/** The customer holding a normalised identity, or undefined. */
export async function customerIdByIdentity(
  db: Kysely<Schema>,
  workspaceId: number,
  type: IdentitiesTable['type'],
  value: string,
): Promise<number | undefined> {
  const hit = await db
    .selectFrom('identities')
    .select('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('type', '=', type)
    .where('value', '=', value)
    .executeTakeFirst();
  return hit?.customer_id;
}

/** The profile of a customer; `orderLimit` most recent orders are included. */
export async function getCustomerProfile(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  orderLimit = 50,
): Promise<CustomerProfile> {
  const customer = await db
    .selectFrom('customers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!customer) throw new NotFoundError(`customer ${customerId} not found`);
  const [identities, tags, orders, total] = await Promise.all([
    db
      .selectFrom('identities')
      .select(['type', 'value', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .orderBy('type')
      .orderBy('value')
      .execute(),
    db
      .selectFrom('tags')
      .select(['tag', 'source', 'added_at'])
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .orderBy('tag')
      .execute(),
    db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .orderBy('ordered_at', 'desc')
      .orderBy('order_id')
      .limit(orderLimit)
      .execute(),
    db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst(),
  ]);
  return { customer, identities, tags, orders, orderTotal: Number(total?.n ?? 0) };
}
