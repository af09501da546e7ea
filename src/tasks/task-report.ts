import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { orderedWithin } from '../orders/index.ts';
import { compareProportions, type ProportionComparison } from '../shared/proportions.ts';
import { memberEmails } from './task-read.ts';

/** Days after a call in which a valid order counts as its result. */
export const CALL_LIFT_DAYS = 7;

/** Calls that reached the customer against those that did not: orders within 7 days after each. */
export interface CallLift extends ProportionComparison {
  days: number;
  reached: { calls: number; ordered: number };
  not_reached: { calls: number; ordered: number };
}

/**
 * Tasks done in [from, to) with outcome `reached` against `not_reached` or `wrong_number`: how many
 * of each were followed by a valid order of the customer within {@link CALL_LIFT_DAYS} days of
 * closing, and the difference with its 95% interval and p-value (as a journey's holdout lift).
 */
export async function callLift(
  db: Kysely<Schema>,
  workspaceId: number,
  from: Date,
  to: Date,
): Promise<CallLift> {
  const rows = await db
    .selectFrom('tasks')
    .select(['customer_id', 'outcome', 'closed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'done')
    .where('outcome', 'in', ['reached', 'not_reached', 'wrong_number'])
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .execute();
  const hits = await orderedWithin(
    db,
    workspaceId,
    rows.map((r) => ({ customerId: Number(r.customer_id), since: r.closed_at! })),
    CALL_LIFT_DAYS,
  );
  const reached = { calls: 0, ordered: 0 };
  const notReached = { calls: 0, ordered: 0 };
  rows.forEach((r, i) => {
    const group = r.outcome === 'reached' ? reached : notReached;
    group.calls++;
    if (hits[i]) group.ordered++;
  });
  return {
    days: CALL_LIFT_DAYS,
    reached,
    not_reached: notReached,
    ...compareProportions(reached.ordered, reached.calls, notReached.ordered, notReached.calls),
  };
}

/** Completion figures of one group of tasks (a kind, or an assignee). */
export interface TaskFigures {
  created: number;
  done: number;
  /** done / created. */
  completion_rate: number;
  /** Median hours from creation to done, over the done ones; null when none is done. */
  median_hours_to_done: number | null;
}

/**
 * Tasks created in [from, to): how many, how many are done, the completion rate and the median
 * hours to done, per kind and per assignee (with the email; null: the queue); and the lift of reached calls closed
 * in the period ({@link callLift}).
 */
export async function taskReport(db: Kysely<Schema>, workspaceId: number, from: Date, to: Date) {
  const figures = (key: 'kind' | 'assignee_id') =>
    sql<{
      key: string | number | null;
      created: number;
      done: number;
      median: number | null;
    }>`
    select ${sql.ref(key)} as key, count(*)::int as created, count(*) filter (where status = 'done')::int as done,
      (percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at)::float8 / 3600)
        filter (where status = 'done'))::float8 as median
    from tasks where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to}
    group by 1 order by 1 nulls last`.execute(db);
  const shape = (r: { created: number; done: number; median: number | null }): TaskFigures => ({
    created: r.created,
    done: r.done,
    completion_rate: r.created ? r.done / r.created : 0,
    median_hours_to_done: r.median === null ? null : Number(r.median),
  });
  const [kinds, assignees] = await Promise.all([figures('kind'), figures('assignee_id')]);
  const lift = await callLift(db, workspaceId, from, to);
  const emails = await memberEmails(db, workspaceId);
  return {
    from,
    to,
    by_kind: kinds.rows.map((r) => ({ kind: String(r.key), ...shape(r) })),
    by_assignee: assignees.rows.map((r) => ({
      assignee_id: r.key === null ? null : Number(r.key),
      assignee_email: r.key === null ? null : (emails.get(Number(r.key)) ?? null),
      ...shape(r),
    })),
    call_lift: lift,
  };
}
