import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

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
 * hours to done, per kind and per assignee (null: the queue).
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
  return {
    from,
    to,
    by_kind: kinds.rows.map((r) => ({ kind: String(r.key), ...shape(r) })),
    by_assignee: assignees.rows.map((r) => ({
      assignee_id: r.key === null ? null : Number(r.key),
      ...shape(r),
    })),
  };
}
