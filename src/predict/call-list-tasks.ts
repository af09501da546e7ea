import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Actor } from '../access/index.ts';
import { getUser } from '../access/user-service.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import { createTasks, requireKind } from '../tasks/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import { callList, callTaskTitle, type ReasonLang } from './call-list.ts';
import type { CallListTasksBody, CallListTasksResult } from './predict-contract.ts';

/** What to create call-back tasks for, as the API and dashboard send it (defaults applied). */
export type CallListTasksRequest = z.output<typeof CallListTasksBody> & { lang: ReasonLang };

/** Checks that a `user` rule names a member of the workspace; the error names the field. */
async function checkAssignee(db: Kysely<Schema>, workspaceId: number, req: CallListTasksRequest) {
  if (req.assign.rule !== 'user') return;
  try {
    await getUser(db, workspaceId, req.assign.user_id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new InvalidInputError(
      `assign.user_id: user ${req.assign.user_id} is not a member of this workspace`,
      [{ field: 'assign.user_id', message: 'not a member of this workspace' }],
    );
  }
}

/**
 * Creates one call-back task per chosen customer of the call list (or per entry of its top N),
 * through the tasks domain's bulk creation: the rule assigns them, one transaction, one audit row.
 * Each task's title says the value at risk and why; a customer already given a task from the same
 * day's list is skipped (dedupe key), so pressing the button twice does not double the work.
 */
export async function createCallListTasks(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  req: CallListTasksRequest,
  now = new Date(),
): Promise<CallListTasksResult> {
  requireKind(workspace, req.kind, 'kind');
  await checkAssignee(db, workspace.id, req);
  const ids = req.customer_ids ? [...new Set(req.customer_ids)] : undefined;
  const list = await callList(db, workspace, {
    top: ids ? ids.length : req.top,
    segment: req.segment,
    customerIds: ids,
    lang: req.lang,
  });
  if (ids) {
    const listed = new Set(list.items.map((e) => e.customer_id));
    const missing = ids.find((id) => !listed.has(id));
    if (missing !== undefined)
      throw new InvalidInputError(
        `customer_ids: customer ${missing} is not on the call list (no stored prediction with a value at risk${req.segment ? ` in segment ${req.segment}` : ''})`,
        [{ field: 'customer_ids', message: `customer ${missing} is not on the call list` }],
      );
  }
  if (list.items.length === 0) return { created: 0, skipped: 0, by_assignee: [] };
  const dueAt = new Date(now.getTime() + req.due_in_hours * 3_600_000);
  const created = await createTasks(
    db,
    workspace,
    actor,
    'bulk',
    list.items.map((e) => ({
      customerId: e.customer_id,
      kind: req.kind,
      title: callTaskTitle(e, workspace.currency, req.lang),
      dueAt,
      priority: req.priority,
      notes: e.reason,
      sourceRef: `predict:call-list:${list.as_of}`,
      dedupeKey: `call-list:${list.as_of}:${e.customer_id}`,
    })),
    req.assign,
    now,
  );
  const counts = new Map<number | null, number>();
  for (const t of created) counts.set(t.assignee_id, (counts.get(t.assignee_id) ?? 0) + 1);
  return {
    created: created.length,
    skipped: list.items.length - created.length,
    by_assignee: [...counts].map(([assignee_id, tasks]) => ({ assignee_id, tasks })),
  };
}
