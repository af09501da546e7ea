import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import { expirePoints } from '../loyalty/points-ledger.ts';
import { evaluateTiers } from '../loyalty/tier-evaluate.ts';
import { refreshPredictions } from '../predict/index.ts';
import { refreshAssociations } from '../predict/product-associations.ts';
import { learnIntervals } from '../products/product-intervals.ts';
import { computeSegmentation } from '../segments/index.ts';
import { recordStageChanges } from '../segments/stage-changes.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { todayIn } from '../shared/local-date.ts';
import { localHour, sendDigests } from '../tasks/task-digest.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';

type Summary = Record<string, number>;

interface DailyTask {
  name: string;
  /** Whether the workspace uses what the task keeps up to date. */
  applies: (ws: Workspace) => boolean;
  run: (store: StoreOrKysely, ws: Workspace, today: string, now: Date) => Promise<Summary>;
  /** Whether it is time yet today (a local hour); not yet: a later pass of the day runs it. */
  ready?: (ws: Workspace, now: Date) => boolean;
  /** Whether a run finished the day's work; not finished: not recorded, a later pass runs it again. */
  finished?: (summary: Summary) => boolean;
}

/**
 * What has to happen once a local day, in this order: tiers (downgrades whose grace period
 * ended, upgrades an order batch missed), points whose lots ran out, and the lifecycle stage and
 * RFM group changes that `lifecycle_changed` / `rfm_group_changed` journeys start from, the
 * products' repurchase intervals learned again (the `replenishment` trigger), the customers'
 * predictions (P(alive), expected purchases, CLV) refitted on the day's data, the product
 * associations recommendations read (bought together, bought after), and from the digest hour
 * on, each assignee's list of open tasks. Each is safe to run twice for a date, so
 * two workers racing for a day do no harm.
 */
const TASKS: readonly DailyTask[] = [
  {
    name: 'tiers',
    applies: (ws) => readSettings(ws.settings).tiers.enabled,
    run: async (store, ws, today) => ({
      ...(await kyselyOf(store)
        .transaction()
        .execute((trx) => evaluateTiers(trx, ws, today))),
    }),
  },
  {
    name: 'points_expiry',
    applies: (ws) => readSettings(ws.settings).points.enabled,
    run: (store, ws, today) => expirePoints(kyselyOf(store), ws, today),
  },
  {
    name: 'lifecycle',
    applies: () => true,
    run: async (store, ws, today) => {
      const segmentation = await computeSegmentation(store, ws, { asOf: today });
      const recorded = await recordStageChanges(store, ws, segmentation);
      return { stage_changes: recorded.lifecycle, rfm_group_changes: recorded.rfm_group };
    },
  },
  {
    name: 'product_intervals',
    applies: () => true,
    run: async (store, ws, today) => {
      const learned = await learnIntervals(store, ws.id, { asOf: today, actor: null });
      return { by_sku: learned.by_sku, by_category: learned.by_category };
    },
  },
  {
    name: 'predictions',
    applies: () => true,
    run: async (store, ws, today): Promise<Summary> => {
      try {
        const { customers } = await refreshPredictions(store, ws, { asOf: today, actor: null });
        return { customers };
      } catch (error) {
        // Too few purchases to fit yet: nothing to predict today, and nothing to retry.
        if (error instanceof InvalidInputError) return { skipped: 1 };
        throw error;
      }
    },
  },
  {
    name: 'recommendations',
    applies: () => true,
    run: async (store, ws, today) => {
      const { products, associations } = await refreshAssociations(store, ws, { asOf: today, actor: null });
      return { products, associations };
    },
  },
  {
    name: 'task_digest',
    applies: (ws) => readSettings(ws.settings).tasks.digest.enabled,
    ready: (ws, now) => localHour(ws.timezone, now) >= readSettings(ws.settings).tasks.digest.hour,
    run: (store, ws, today, now) => sendDigests(kyselyOf(store), ws, today, now),
    finished: (summary) => summary.failed === 0,
  },
];

/** The daily tasks run in one pass: task name → what it changed. */
export type DailyResult = Record<string, Summary>;

/**
 * Runs the workspace's daily tasks not yet finished for its local date at `now`, and records
 * each as finished; one that throws is not recorded, so the next pass tries it again.
 */
export async function runDailyTasks(store: StoreOrKysely, ws: Workspace, now: Date): Promise<DailyResult> {
  const db = kyselyOf(store);
  const today = todayIn(ws.timezone, now);
  const done = new Set(
    (
      await db
        .selectFrom('daily_task_runs')
        .select('task')
        .where('workspace_id', '=', ws.id)
        .where('local_date', '=', today)
        .execute()
    ).map((r) => r.task),
  );
  const result: DailyResult = {};
  for (const task of TASKS) {
    if (done.has(task.name) || !task.applies(ws) || task.ready?.(ws, now) === false) continue;
    // The whole store, not its Kysely: the segmentation reads the facts snapshot, the recording COPYs.
    const summary = await task.run(store, ws, today, now);
    result[task.name] = summary;
    if (task.finished?.(summary) === false) continue;
    await db
      .insertInto('daily_task_runs')
      .values({ workspace_id: ws.id, task: task.name, local_date: today, summary: JSON.stringify(summary) })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return result;
}
