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
 * the order given. `owner` takes the customer's owner while they are still a member; `round_robin`
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
  const pool = members
    .filter((m) => m.role === rule.role)
    .map((m) => m.id)
    .sort((a, b) => a - b);
  if (pool.length === 0) return customerIds.map(() => null);
  const load = await openLoad(db, workspaceId, pool);
  return customerIds.map(() => {
    let best = pool[0]!;
    for (const id of pool) if (load.get(id)! < load.get(best)!) best = id;
    load.set(best, load.get(best)! + 1);
    return best;
  });
}
