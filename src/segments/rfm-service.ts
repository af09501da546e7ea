import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { type CustomerFacts, loadCustomerFacts } from './customer-facts.ts';
import { LIFECYCLE_STAGES, type LifecycleStage, lifecycleStage } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import { type RfmBasis, type RfmScores, type RfmSplit, scoreRfmWithBasis } from './rfm-score.ts';

export interface SegmentationOptions {
  /** As-of date, YYYY-MM-DD (local to the workspace). */
  asOf: string;
  /** Only orders with local date in (asOf − windowDays, asOf] count for RFM. */
  windowDays?: number;
  /** Overrides the workspace's split setting. */
  split?: RfmSplit;
}

/** RFM and lifecycle for every customer on one as-of date. */
export interface Segmentation {
  asOf: string;
  split: RfmSplit;
  facts: CustomerFacts;
  /** Positions (into facts) of the scored customers, in id order. */
  scored: Uint32Array;
  /** Scores of the scored customers, parallel to `scored`. */
  scores: RfmScores;
  /** The sorted values and cut points the scores were taken against. */
  basis: RfmBasis;
  /** Lifecycle stage index (into LIFECYCLE_STAGES) of every customer, parallel to facts. */
  stages: Uint8Array;
}

/**
 * Computes RFM scores, groups and lifecycle stages from the per-customer facts. Given the whole
 * store (not just its Kysely), the facts come from the columnar snapshot (or COPY), far faster.
 */
export async function computeSegmentation(
  db: Kysely<Schema> | Database,
  workspace: Workspace,
  options: SegmentationOptions,
): Promise<Segmentation> {
  const settings = readSettings(workspace.settings);
  const t = settings.lifecycle;
  const facts = await loadCustomerFacts(db, workspace.id, {
    asOf: options.asOf,
    windowDays: options.windowDays,
    loyalWindowDays: t.loyal_window_days,
    loyalMinOrders: t.loyal_min_orders,
  });
  return segmentFacts(facts, workspace, options);
}

/** Scores facts already loaded (e.g. from a snapshot in hand) as {@link computeSegmentation} does. */
export function segmentFacts(
  facts: CustomerFacts,
  workspace: Workspace,
  options: SegmentationOptions,
): Segmentation {
  const settings = readSettings(workspace.settings);
  const t = settings.lifecycle;
  const n = facts.ids.length;
  const stages = new Uint8Array(n);
  let scoredCount = 0;
  for (let i = 0; i < n; i++) {
    const first = facts.firstDays[i]! < 0 ? undefined : facts.firstDays[i]!;
    const last = facts.lastDays[i]! < 0 ? undefined : facts.lastDays[i]!;
    // The loyal rule only asks whether the window holds loyal_min_orders orders.
    const inWindow = facts.loyalWindowMet[i] ? t.loyal_min_orders : 0;
    stages[i] = LIFECYCLE_STAGES.indexOf(lifecycleStage(first, last, inWindow, t));
    if (facts.rfmCount[i]! > 0) scoredCount++;
  }
  const scored = new Uint32Array(scoredCount);
  const recency = new Int32Array(scoredCount);
  const frequency = new Int32Array(scoredCount);
  const monetary = new Float64Array(scoredCount);
  for (let i = 0, j = 0; i < n; i++) {
    if (facts.rfmCount[i]! === 0) continue;
    scored[j] = i;
    recency[j] = facts.rfmLastDays[i]!;
    frequency[j] = facts.rfmCount[i]!;
    monetary[j] = facts.rfmNet[i]!;
    j++;
  }
  const split = options.split ?? settings.rfm.split;
  const { scores, basis } = scoreRfmWithBasis({ recency, frequency, monetary }, split);
  return { asOf: options.asOf, split, facts, scored, scores, basis, stages };
}

/** For each scored customer's position in `facts`, its position in `scored` / `scores`. */
export function scoredPositions(s: Segmentation): Map<number, number> {
  const positions = new Map<number, number>();
  for (let j = 0; j < s.scored.length; j++) positions.set(s.scored[j]!, j);
  return positions;
}

/**
 * A customer's position in `scored` / `scores` given their position `i` in `facts`, or -1 when the
 * customer is not scored (no valid order by the date): `scored` is sorted, so one binary search.
 */
export function scoredPosition(s: Segmentation, i: number): number {
  let lo = 0;
  let hi = s.scored.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.scored[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.scored.length && s.scored[lo] === i ? lo : -1;
}

/** One scored customer's row, as the CLI and API print it. */
export interface RfmRow {
  customer_id: string;
  recency: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_group: (typeof RFM_GROUPS)[number]['code'];
  lifecycle: LifecycleStage;
}

/** The row of the `j`-th scored customer. */
export function rfmRowAt(s: Segmentation, j: number): RfmRow {
  const i = s.scored[j]!;
  return {
    customer_id: s.facts.labels[i]!,
    recency: s.facts.rfmLastDays[i]!,
    frequency: s.facts.rfmCount[i]!,
    monetary: s.facts.rfmNet[i]!,
    r_score: s.scores.r[j]!,
    f_score: s.scores.f[j]!,
    m_score: s.scores.m[j]!,
    rfm_group: RFM_GROUPS[s.scores.group[j]!]!.code,
    lifecycle: LIFECYCLE_STAGES[s.stages[i]!]!,
  };
}

/** The scored customers' rows, in id order. */
export function* rfmRows(s: Segmentation): Generator<RfmRow> {
  for (let j = 0; j < s.scored.length; j++) yield rfmRowAt(s, j);
}

/** Per-group summary with the suggested action (PRODUCT.md §3.3). */
export function rfmSummary(s: Segmentation) {
  const customers = new Array<number>(8).fill(0);
  const revenue = new Array<number>(8).fill(0);
  const orders = new Array<number>(8).fill(0);
  for (let j = 0; j < s.scored.length; j++) {
    const g = s.scores.group[j]!;
    const i = s.scored[j]!;
    customers[g]!++;
    revenue[g]! += s.facts.rfmNet[i]!;
    orders[g]! += s.facts.rfmCount[i]!;
  }
  const total = s.scored.length;
  return RFM_GROUPS.map((g, k) => ({
    rfm_group: g.code,
    name_zh: g.zh,
    customers: customers[k]!,
    share: total ? customers[k]! / total : null,
    revenue: revenue[k]!,
    aov: orders[k]! ? Math.round(revenue[k]! / orders[k]!) : null,
    action_en: g.action_en,
    action_zh: g.action_zh,
  }));
}

/** The 5×5 R×F grid: customers and revenue per cell, `grid[r-1][f-1]`. */
export function rfmGrid(s: Segmentation): { customers: number[][]; revenue: number[][] } {
  const customers = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const revenue = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  for (let j = 0; j < s.scored.length; j++) {
    const r = s.scores.r[j]! - 1;
    const f = s.scores.f[j]! - 1;
    customers[r]![f]!++;
    revenue[r]![f]! += s.facts.rfmNet[s.scored[j]!]!;
  }
  return { customers, revenue };
}
