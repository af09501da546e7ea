import { type BroadcastRunCounts, runBroadcasts } from '../broadcasts/broadcast-send.ts';
import {
  fetchWecomResults,
  NO_WECOM_RESULTS,
  type WecomResultCounts,
} from '../channels/wecom-customer-results.ts';
import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import { analyzeChangedTable } from '../db/table-statistics.ts';
import { listJourneys, runDueEntries, scanTrigger, wakeOnEvents } from '../journeys/index.ts';
import { type DeliveryCounts, deliverDue, NO_DELIVERIES } from '../messaging/index.ts';
import { clockNow } from '../shared/clock.ts';
import { type EscalationCounts, escalateOverdue } from '../tasks/task-escalate.ts';
import { listWorkspaces, type Workspace } from '../workspaces/index.ts';
import { type DailyResult, runDailyTasks } from './daily-tasks.ts';

/** What one pass of the worker did in a workspace. */
export interface PassResult {
  workspace: string;
  /** The once-a-day tasks this pass ran (the first pass of a local day). */
  daily: DailyResult;
  entered: number;
  capped: number;
  woken: number;
  entries: number;
  steps: number;
  queued: number;
  delivery: DeliveryCounts;
  /** WeCom customer-contact tasks whose result was fetched. */
  wecom: WecomResultCounts;
  /** Escalation messages about overdue tasks sent (and failed, tried again later) in this pass. */
  escalations: EscalationCounts;
  /** Broadcasts started, their messages queued and customers held out, broadcasts completed. */
  broadcasts: BroadcastRunCounts;
}

/** How a worker delivers: provider calls in flight at once (default 8). */
export interface WorkerOptions {
  concurrency?: number;
}

/**
 * One pass over a workspace at `now`: the day's tasks if this is its first pass of the local day
 * (tiers, points expiry, lifecycle changes), then scan every active journey's trigger and enter who it
 * fired for, wake those whose awaited event happened, move every due entry on, queue the messages
 * of broadcasts due (and complete those done), then deliver
 * every due message, fetch the results of WeCom customer-contact tasks, then escalate overdue
 * tasks. Each part is claimed (`SKIP LOCKED`, or a notice's key), so several workers can run passes
 * at once against one server (two workers may both ask WeCom for one task's result; recording it
 * twice changes nothing).
 * Given the whole store rather than its Kysely, the day's segmentation reads the columnar
 * snapshot (about ten times faster at a million customers).
 */
export async function runPass(
  store: StoreOrKysely,
  workspace: Workspace,
  now: Date,
  options: WorkerOptions = {},
): Promise<PassResult> {
  const db = kyselyOf(store);
  const daily = await runDailyTasks(store, workspace, now);
  const journeys = await listJourneys(db, workspace.id, { activeOnly: true });
  const result: PassResult = {
    workspace: workspace.name,
    daily,
    entered: 0,
    capped: 0,
    woken: 0,
    entries: 0,
    steps: 0,
    queued: 0,
    delivery: { ...NO_DELIVERIES },
    wecom: { ...NO_WECOM_RESULTS },
    escalations: { sent: 0, failed: 0 },
    broadcasts: { started: 0, queued: 0, held_out: 0, completed: 0 },
  };
  for (const journey of journeys) {
    const r = await scanTrigger(db, workspace, journey, now);
    result.entered += r.entered;
    result.capped += r.capped;
  }
  result.woken = await wakeOnEvents(db, workspace, journeys, now);
  const run = await runDueEntries(db, workspace, journeys, now);
  result.entries = run.entries;
  result.steps = run.steps;
  result.queued = run.messages;
  // Broadcasts due now queue their messages, delivered below with the journeys' on one path.
  result.broadcasts = await runBroadcasts(db, workspace, now);
  for (;;) {
    const d = await deliverDue(db, workspace, now, { concurrency: options.concurrency });
    if (!d.claimed) break;
    for (const k of Object.keys(d) as (keyof DeliveryCounts)[]) result.delivery[k] += d[k];
  }
  result.wecom = await fetchWecomResults(db, workspace.id, now);
  result.escalations = await escalateOverdue(db, workspace, now);
  return result;
}

/**
 * One pass over every workspace (or the named ones) at the clock's time, after analyzing the
 * embedded store's changed tables.
 */
export async function runOnce(
  store: StoreOrKysely,
  only?: readonly string[],
  options: WorkerOptions = {},
): Promise<PassResult[]> {
  const db = kyselyOf(store);
  // The embedded store has no autovacuum: keep its planner's row counts current (see there).
  if ('copyOut' in store) await analyzeChangedTable(store);
  const now = clockNow();
  const results: PassResult[] = [];
  for (const ws of await listWorkspaces(db)) {
    if (only && !only.includes(ws.name)) continue;
    results.push(await runPass(store, ws, now, options));
  }
  return results;
}

/**
 * Runs passes until `signal` aborts, pausing `intervalMs` between them; a message due in 30 days
 * is sent in 30 days because its due time is in the database, whatever restarts happen between.
 */
export async function runForever(
  store: StoreOrKysely,
  options: {
    intervalMs: number;
    signal: AbortSignal;
    onPass?: (r: PassResult[]) => void;
    /** Without it an unexpected error stops the loop; with it the loop reports and goes on. */
    onError?: (error: unknown) => void;
  } & WorkerOptions,
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      // Not `onPass?.(await runOnce(db))`: an optional call skips its arguments when absent.
      const results = await runOnce(store, undefined, { concurrency: options.concurrency });
      options.onPass?.(results);
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(error);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      options.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
