import type { Kysely } from 'kysely';
import { listUsers } from '../access/user-service.ts';
import { customerOwners } from '../customers/customer-contacts.ts';
import type { Schema } from '../db/schema.ts';
import { type AssignRule, OPEN_STATUSES } from './task-model.ts';

/** Open (or in-progress) tasks per assignee, for a fair round robin. */
async function openLoad(db: Kysely<Schema>, workspaceId: number, userIds: number[]) {
  const load = new Map(userIds.map((id) => [id, 0]));
  if (userIds.length === 0) return load;
  const rows = await db
    .selectFrom('tasks')
    .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', OPEN_STATUSES)
    .where('assignee_id', 'in', userIds)
    .groupBy('assignee_id')
    .execute();
  for (const r of rows) load.set(r.assignee_id!, Number(r.n));
  return load;
}

/**
 * The assignee (a member's user id, or null for the queue) of a new task for each customer, in
 * the order given. `owner` takes the customer's owner while they are still a member; `store` the
 * least-loaded member whose stores include the customer's store (customerStores); `round_robin`
 * gives each task to the role's member with the fewest open tasks, ties to the lowest id, counting
 * the tasks handed out in this call; `user` takes that member. Nobody able: the queue.
 */
export async function resolveAssignees(
  db: Kysely<Schema>,
  workspaceId: number,
  rule: AssignRule,
  customerIds: readonly number[],
): Promise<(number | null)[]> {
  if (rule.rule === 'queue') return customerIds.map(() => null);
  const members = await listUsers(db, workspaceId);
  const memberIds = new Set(members.map((m) => m.id));
  if (rule.rule === 'user') {
    const who = memberIds.has(rule.user_id) ? rule.user_id : null;
    return customerIds.map(() => who);
  }
  if (rule.rule === 'owner') {
    const owners = await customerOwners(db, workspaceId, customerIds);
    return customerIds.map((id) => {
      const owner = owners.get(id) ?? null;
      return owner !== null && memberIds.has(owner) ? owner : null;
    });
  }
  if (rule.rule === 'store') {
    const stores = await customerStores(db, workspaceId, customerIds);
    const staff = members.filter((m) => m.stores.length > 0);
    const load = await openLoad(
      db,
      workspaceId,
      staff.map((m) => m.id),
    );
    return customerIds.map((id) => {
      const store = stores.get(id);
      const pool = store === undefined ? [] : staff.filter((m) => m.stores.includes(store)).map((m) => m.id);
      return pickLeastLoaded(pool, load);
    });
  }
  const pool = members.filter((m) => m.role === rule.role).map((m) => m.id);
  if (pool.length === 0) return customerIds.map(() => null);
  const load = await openLoad(db, workspaceId, pool);
  return customerIds.map(() => pickLeastLoaded(pool, load));
}

/** The member of `pool` with the fewest open tasks (ties: lowest id), counted as one more; null if none. */
function pickLeastLoaded(pool: readonly number[], load: Map<number, number>): number | null {
  let best: number | null = null;
  for (const id of pool)
    if (best === null || load.get(id)! < load.get(best)! || (load.get(id) === load.get(best) && id < best))
      best = id;
  if (best !== null) load.set(best, load.get(best)! + 1);
  return best;
}

/**
 * Each customer's store: the store of their latest order that names one, else a text `store`
 * attribute (a customers import or the API may set it); customers with neither are left out.
 */
export async function customerStores(
  db: Kysely<Schema>,
  workspaceId: number,
  customerIds: readonly number[],
): Promise<Map<number, string>> {
  const stores = new Map<number, string>();
  if (customerIds.length === 0) return stores;
  const ids = [...new Set(customerIds)];
  const fromOrders = await db
    .selectFrom('orders')
    .select(['customer_id', 'store'])
    .distinctOn('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .where('store', 'is not', null)
    .orderBy('customer_id')
    .orderBy('ordered_at', 'desc')
    .orderBy('order_id', 'desc')
    .execute();
  for (const r of fromOrders) stores.set(r.customer_id!, r.store!);
  const rest = ids.filter((id) => !stores.has(id));
  if (rest.length === 0) return stores;
  const fromAttributes = await db
    .selectFrom('customers')
    .select(['id', 'attributes'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', rest)
    .execute();
  for (const r of fromAttributes) {
    const store = r.attributes.store;
    if (typeof store === 'string' && store.trim()) stores.set(r.id, store.trim());
  }
  return stores;
}
