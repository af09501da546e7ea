import type { CustomerFacts } from './customer-facts.ts';
import { groupIndex } from './rfm-groups.ts';
import { type ScoreBasis, scoreBasis, scoreOf } from './rfm-score.ts';
import type { Segmentation } from './rfm-service.ts';
import { positionOf } from './sorted-ids.ts';

/** Ids (ascending) of the unchanged customers whose R, F or M score or RFM group moved. */
export interface RfmMoves {
  r: number[];
  f: number[];
  m: number[];
  group: number[];
}

/** Sorted `sorted` with the sorted values `removed` (each present) taken out and `added` put in. */
export function changedSorted(
  sorted: Float64Array,
  removed: Float64Array,
  added: Float64Array,
): Float64Array {
  const out = new Float64Array(sorted.length - removed.length + added.length);
  let x = 0;
  let y = 0;
  let o = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (x < removed.length && removed[x] === v) {
      x++;
      continue;
    }
    while (y < added.length && added[y]! <= v) out[o++] = added[y++]!;
    out[o++] = v;
  }
  while (y < added.length) out[o++] = added[y++]!;
  if (x !== removed.length || o !== out.length) throw new Error('removed values were not all scored');
  return out;
}

type Dim = 'rfmLastDays' | 'rfmCount' | 'rfmNet';
const DIMS: readonly Dim[] = ['rfmLastDays', 'rfmCount', 'rfmNet'];

/** The scored customers' values of each dimension among `positions` of `facts`, each sorted. */
function valuesAt(facts: CustomerFacts, positions: number[]): Float64Array[] {
  const scored = positions.filter((i) => facts.rfmCount[i]! > 0);
  return DIMS.map((d) => Float64Array.from(scored, (i) => facts[d][i]!).sort());
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** The sign of v − mean as v·n − total, when it is exact in doubles (integers, |v|·n safe). */
function exactSides(sorted: Float64Array[]): boolean {
  for (const values of sorted) {
    const n = values.length;
    const maxAbs = n ? Math.max(Math.abs(values[0]!), Math.abs(values[n - 1]!)) : 0;
    if (maxAbs * n > Number.MAX_SAFE_INTEGER) return false;
    for (let i = 0; i < n; i++) if (!Number.isInteger(values[i]!)) return false;
  }
  return true;
}

/**
 * Which customers not in `changed` (ascending ids; each customer whose facts differ between the
 * two) have a different R, F or M score or RFM group in `after` than on the facts `before`, without
 * scoring everyone twice: the customers scored before are those scored after, minus the changed
 * ones' new values plus their old ones, so the sorted values before come from one merge, and
 * with them the cut points (and means) that scores before were taken against. An unchanged
 * customer moved exactly when its values fall differently against the two. Undefined when the
 * means cannot be compared exactly in doubles (then score both).
 */
export function rfmMoves(
  before: CustomerFacts,
  after: Segmentation,
  basis: { r: ScoreBasis; f: ScoreBasis; m: ScoreBasis },
  changed: readonly number[],
): RfmMoves | undefined {
  const facts = after.facts;
  const mark = new Uint8Array(facts.ids.length);
  const atAfter: number[] = [];
  const atBefore: number[] = [];
  for (const id of changed) {
    const i = positionOf(facts.ids, id);
    if (i >= 0) {
      mark[i] = 1;
      atAfter.push(i);
    }
    const b = positionOf(before.ids, id);
    if (b >= 0) atBefore.push(b);
  }
  const removed = valuesAt(facts, atAfter);
  const added = valuesAt(before, atBefore);
  const afterSorted = [basis.r.sorted, basis.f.sorted, basis.m.sorted];
  const beforeSorted = afterSorted.map((s, k) => changedSorted(s, removed[k]!, added[k]!));
  const [r, f, m] = [0, 1, 2].map((k) => scoreBasis(beforeSorted[k]!, k > 0));
  const mean = after.split === 'mean';
  if (mean && !exactSides([...afterSorted, ...beforeSorted])) return undefined;
  const n = beforeSorted[0]!.length;
  const [totalR, totalF, totalM] = beforeSorted.map(sum);
  const moves: RfmMoves = { r: [], f: [], m: [], group: [] };
  const { scored, scores } = after;
  for (let j = 0; j < scored.length; j++) {
    const i = scored[j]!;
    if (mark[i]) continue;
    const [vr, vf, vm] = [facts.rfmLastDays[i]!, facts.rfmCount[i]!, facts.rfmNet[i]!];
    const [sr, sf, sm] = [scoreOf(r!, vr), scoreOf(f!, vf), scoreOf(m!, vm)];
    const group = mean
      ? groupIndex(vr * n < totalR!, vf * n > totalF!, vm * n > totalM!)
      : groupIndex(sr >= 3, sf >= 3, sm >= 3);
    const id = facts.ids[i]!;
    if (sr !== scores.r[j]) moves.r.push(id);
    if (sf !== scores.f[j]) moves.f.push(id);
    if (sm !== scores.m[j]) moves.m.push(id);
    if (group !== scores.group[j]) moves.group.push(id);
  }
  return moves;
}
