import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import type { Schema } from '../db/schema.ts';
import { segmentMemberIds } from '../segments/index.ts';
import { InvalidInputError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { createTasks } from './task-create.ts';
import type { AssignRule, TaskPriority } from './task-model.ts';

/** Most tasks one bulk run may create: a bigger list is not a to-do list for people. */
export const BULK_LIMIT = 20_000;

/** What a bulk run creates: one task per current member of a saved segment. */
export interface BulkTasks {
  segment: string;
  kind: string;
  title: string;
  dueInHours: number;
  priority?: TaskPriority;
  rule: AssignRule;
}

/**
 * Creates one task for every current member of a segment, spread by the rule (round robin shares
 * them over a role's members, least loaded first), in one transaction with one audit row.
 */
export async function createBulkTasks(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  input: BulkTasks,
  now = new Date(),
): Promise<{ created: number; by_assignee: { assignee_id: number | null; tasks: number }[] }> {
  const members = await segmentMemberIds(db, workspace.id, input.segment);
  if (members.length > BULK_LIMIT)
    throw new InvalidInputError(
      `segment: ${input.segment} has ${members.length} members, more than ${BULK_LIMIT} tasks at once`,
      [{ field: 'segment', message: `more than ${BULK_LIMIT} members` }],
    );
  const dueAt = new Date(now.getTime() + input.dueInHours * 3_600_000);
  const created = await createTasks(
    db,
    workspace,
    actor,
    'bulk',
    members.map((customerId) => ({
      customerId,
      kind: input.kind,
      title: input.title,
      dueAt,
      priority: input.priority,
      sourceRef: `segment:${input.segment}`,
    })),
    input.rule,
    now,
  );
  const counts = new Map<number | null, number>();
  for (const t of created) counts.set(t.assignee_id, (counts.get(t.assignee_id) ?? 0) + 1);
  return {
    created: created.length,
    by_assignee: [...counts].map(([assignee_id, tasks]) => ({ assignee_id, tasks })),
  };
}
