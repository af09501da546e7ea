import { sql } from 'kysely';
import { RECENT_ORDER_DATES } from '../customers/customer-aggregates.ts';
import { customersUnchangedSince, customersVersion } from '../customers/customer-changes.ts';
import type { Session } from '../db/database.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { dayNumber, factsFromSnapshot, latestOrderDate } from './customer-facts.ts';
import { type FactsSnapshot, NO_DATE } from './facts-snapshot.ts';
import { patchSnapshot } from './facts-snapshot-store.ts';
import { type RfmMoves, rfmMoves } from './rfm-movement.ts';
import { computeSegmentation, type Segmentation, segmentFacts } from './rfm-service.ts';
import { followsCustomerChanges, needsSegmentation, rfmReads } from './segment-condition.ts';
import { applyMatches, applyMembership, type MembershipChange } from './segment-membership.ts';
import { parseCondition } from './segment-service.ts';
import { compileCondition, matchingIds } from './segment-sql.ts';

/** Ids (sorted) whose RFM scores or group differ between two segmentations (both scored). */
function movedBetween(a: Segmentation, b: Segmentation): RfmMoves {
  const at = (s: Segmentation) => {
    const m = new Map<number, number>();
    for (let j = 0; j < s.scored.length; j++) m.set(s.facts.ids[s.scored[j]!]!, j);
    return m;
  };
  const [ia, ib] = [at(a), at(b)];
  const moves: RfmMoves = { r: [], f: [], m: [], group: [] };
  for (const id of new Set([...ia.keys(), ...ib.keys()])) {
    const [j, k] = [ia.get(id), ib.get(id)];
    for (const key of ['r', 'f', 'm', 'group'] as const) {
      if (j === undefined || k === undefined || a.scores[key][j] !== b.scores[key][k]) moves[key].push(id);
    }
  }
  for (const key of ['r', 'f', 'm', 'group'] as const) moves[key].sort((x, y) => x - y);
  return moves;
}

function latestDate(s: FactsSnapshot): string | undefined {
  let latest = NO_DATE;
  for (let i = 0; i < s.lastDate.length; i++) latest = Math.max(latest, s.lastDate[i]!);
  return latest === NO_DATE ? undefined : new Date(latest * 86_400_000).toISOString().slice(0, 10);
}

/** The sorted union of sorted id lists. */
function union(lists: readonly (readonly number[])[]): number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return [...(nonEmpty[0] ?? [])];
  return [...new Set(nonEmpty.flat())].sort((x, y) => x - y);
}

/** With RETAIN_TIMINGS=1, how long each step of the refresh took goes to stderr. */
const timings = process.env.RETAIN_TIMINGS === '1';
function timer(): (step: string) => void {
  let last = performance.now();
  let cpu = process.cpuUsage();
  return (step) => {
    if (!timings) return;
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    console.error(
      `refresh ${step} ${(now - last).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
    );
    last = now;
    cpu = process.cpuUsage();
  };
}

/**
 * Inside a transaction that changed the customers `touched` (sorted; merged-away ones too), after
 * their aggregates are fresh, with `before` the customers version before its changes (see
 * claimCustomersVersion): brings the facts snapshot and every saved segment up to date. A
 * segment last refreshed today, against everything but this transaction, and reading only what
 * changes with the customers table, is re-evaluated for the touched customers alone (plus, when
 * it reads RFM scores or groups, every customer whose ones it reads moved); any other is
 * re-evaluated in full. Either
 * way membership and its enter/exit events come out exactly as a full refresh would write them.
 */
export async function refreshAfterChanges(
  session: Session,
  workspace: Workspace,
  touched: readonly number[],
  before: number,
): Promise<(MembershipChange & { name: string; incremental: boolean })[]> {
  const db = session.db;
  const ws = workspace.id;
  const lap = timer();
  const asOf = todayIn(workspace.timezone);
  const lifecycle = readSettings(workspace.settings).lifecycle;
  const k = lifecycle.loyal_min_orders;
  const patched = k <= RECENT_ORDER_DATES ? await patchSnapshot(session, ws, k, touched, before) : undefined;
  lap('snapshot');
  const segments = await sql<{
    id: number;
    name: string;
    definition: unknown;
    refreshed_as_of: string | null;
    refreshed_version: number | null;
  }>`select id, name, definition, refreshed_as_of::text as refreshed_as_of, refreshed_version
    from segments where workspace_id = ${ws} order by name`.execute(db);
  if (segments.rows.length === 0) return [];
  const version = await customersVersion(db, ws);
  const latest = patched ? latestDate(patched.after) : await latestOrderDate(db, ws);
  const facts = (s: FactsSnapshot) => factsFromSnapshot(s, dayNumber(asOf), lifecycle.loyal_window_days);
  let rfm: { after: Segmentation; moves?: RfmMoves } | undefined;
  /** The segmentation after the changes, scored once; and whose scores it moved, when known. */
  const scoreAfter = () => {
    if (rfm || !patched) return;
    const after = segmentFacts(facts(patched.after), workspace, { asOf });
    let moves: RfmMoves | undefined;
    if (patched.before) {
      const was = facts(patched.before);
      moves = rfmMoves(was, after, after.basis, touched);
      moves ??= movedBetween(segmentFacts(was, workspace, { asOf }), after);
    }
    rfm = { after, moves };
    lap('scores');
  };
  const results = [];
  for (const segment of segments.rows) {
    const condition = parseCondition(segment.definition);
    const readsRfm = needsSegmentation(condition);
    let incremental =
      segment.refreshed_as_of === asOf &&
      segment.refreshed_version !== null &&
      followsCustomerChanges(condition) &&
      (!readsRfm || patched?.before !== undefined);
    if (incremental) {
      const since = sql.lit(Number(segment.refreshed_version));
      const check = await sql<{
        ok: boolean;
      }>`select ${customersUnchangedSince(ws, since, before)} as ok`.execute(db);
      incremental = check.rows[0]?.ok === true;
    }
    if (readsRfm) scoreAfter();
    let only: number[] | undefined;
    if (incremental) {
      const reads = rfmReads(condition);
      const moves = rfm?.moves ?? { r: [], f: [], m: [], group: [] };
      only = union([
        touched,
        ...(['r', 'f', 'm', 'group'] as const).filter((x) => reads[x]).map((x) => moves[x]),
      ]);
    }
    const segmentation = readsRfm
      ? (rfm?.after ?? (await computeSegmentation(db, workspace, { asOf })))
      : undefined;
    const matching = only && segmentation ? matchingIds(condition, segmentation, only) : undefined;
    if (only && matching) {
      const change = await applyMatches(db, ws, segment.id, matching, { only, asOf, version });
      lap(`segment ${segment.name} (${only.length} checked in memory)`);
      results.push({ name: segment.name, incremental, ...change });
      continue;
    }
    const where = compileCondition(condition, {
      workspaceId: ws,
      timezone: workspace.timezone,
      asOf,
      segmentation,
      historical: !!latest && latest > asOf,
      only: only ? new Set(only) : undefined,
    });
    const change = await applyMembership(db, ws, segment.id, where, { only, asOf, version });
    lap(`segment ${segment.name}${only ? ` (${only.length} checked)` : ''}`);
    results.push({ name: segment.name, incremental, ...change });
  }
  return results;
}
