import { sql } from 'kysely';
import { RECENT_ORDER_DATES } from '../customers/customer-aggregates.ts';
import { customersUnchangedSince, customersVersion } from '../customers/customer-changes.ts';
import type { Session } from '../db/database.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { readSettings } from '../workspaces/workspace-settings.ts';
import { dayNumber, factsFromSnapshot, latestOrderDate } from './customer-facts.ts';
import { type FactsSnapshot, NO_DATE } from './facts-snapshot.ts';
import { patchSnapshot } from './facts-snapshot-store.ts';
import { computeSegmentation, type Segmentation, segmentFacts } from './rfm-service.ts';
import { followsCustomerChanges, needsSegmentation } from './segment-condition.ts';
import { applyMembership, type MembershipChange } from './segment-membership.ts';
import { parseCondition } from './segment-service.ts';
import { compileCondition } from './segment-sql.ts';

/** Ids (sorted) whose RFM scores, group or lifecycle stage differ between two segmentations. */
function movedCustomers(a: Segmentation, b: Segmentation): number[] {
  const key = (s: Segmentation) => {
    // One number per customer: stage, then scored-ness, group and the three scores.
    const k = new Float64Array(s.facts.ids.length);
    for (let i = 0; i < k.length; i++) k[i] = s.stages[i]! * 1e6;
    for (let j = 0; j < s.scored.length; j++) {
      const { r, f, m, group } = s.scores;
      k[s.scored[j]!]! += 1e5 + group[j]! * 1e3 + r[j]! * 100 + f[j]! * 10 + m[j]!;
    }
    return k;
  };
  const ka = key(a);
  const kb = key(b);
  const moved: number[] = [];
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    const idA = i < ka.length ? a.facts.ids[i]! : Number.POSITIVE_INFINITY;
    const idB = j < kb.length ? b.facts.ids[j]! : Number.POSITIVE_INFINITY;
    if (idA === idB) {
      if (ka[i] !== kb[j]) moved.push(idA);
      i++;
      j++;
    } else if (idA < idB) moved.push(a.facts.ids[i++]!);
    else moved.push(b.facts.ids[j++]!);
  }
  return moved;
}

function latestDate(s: FactsSnapshot): string | undefined {
  let latest = NO_DATE;
  for (let i = 0; i < s.lastDate.length; i++) latest = Math.max(latest, s.lastDate[i]!);
  return latest === NO_DATE ? undefined : new Date(latest * 86_400_000).toISOString().slice(0, 10);
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/**
 * Inside a transaction that changed the customers `touched` (sorted; merged-away ones too), after
 * their aggregates are fresh, with `before` the customers version before its changes (see
 * claimCustomersVersion): brings the facts snapshot and every saved segment up to date. A
 * segment last refreshed today, against everything but this transaction, and reading only what
 * changes with the customers table, is re-evaluated for the touched customers alone (plus, when
 * it reads RFM, every customer whose scores moved); any other is re-evaluated in full. Either
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
  const asOf = todayIn(workspace.timezone);
  const k = readSettings(workspace.settings).lifecycle.loyal_min_orders;
  const patched = k <= RECENT_ORDER_DATES ? await patchSnapshot(session, ws, k, touched, before) : undefined;
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
  const scored = (s: FactsSnapshot) =>
    segmentFacts(
      factsFromSnapshot(s, dayNumber(asOf), readSettings(workspace.settings).lifecycle.loyal_window_days),
      workspace,
      { asOf },
    );
  let rfm: { after: Segmentation; moved: number[] } | undefined;
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
    if (readsRfm && patched && !rfm) {
      const after = scored(patched.after);
      rfm = { after, moved: patched.before ? movedCustomers(scored(patched.before), after) : [] };
    }
    const only = incremental ? (readsRfm ? union(touched, rfm!.moved) : [...touched]) : undefined;
    const segmentation = readsRfm
      ? (rfm?.after ?? (await computeSegmentation(db, workspace, { asOf })))
      : undefined;
    const where = compileCondition(condition, {
      workspaceId: ws,
      timezone: workspace.timezone,
      asOf,
      segmentation,
      historical: !!latest && latest > asOf,
      only: only ? new Set(only) : undefined,
    });
    const change = await applyMembership(db, ws, segment.id, where, { only, asOf, version });
    results.push({ name: segment.name, incremental, ...change });
  }
  return results;
}
