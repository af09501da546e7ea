import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import type { Segmentation } from './rfm-service.ts';

/** `matrix[from][to]` = customers in `from` on the first date and in `to` on the second. */
export interface Movement {
  labels: string[];
  matrix: number[][];
}

const UNSCORED = 'unscored';

function rfmGroupOf(s: Segmentation): Map<number, number> {
  const groups = new Map<number, number>();
  for (let j = 0; j < s.scored.length; j++) groups.set(s.scored[j]!, s.scores.group[j]!);
  return groups;
}

/**
 * How customers moved between RFM groups (plus `unscored`) and between lifecycle stages from one
 * segmentation to another. Customers are matched by id; one that did not exist yet counts as
 * unscored / prospect on the first date.
 */
export function segmentMovement(
  from: Segmentation,
  to: Segmentation,
): { rfm: Movement; lifecycle: Movement } {
  const rfmLabels = [...RFM_GROUPS.map((g) => g.code), UNSCORED];
  const rfm = rfmLabels.map(() => new Array<number>(rfmLabels.length).fill(0));
  const stageLabels = [...LIFECYCLE_STAGES];
  const lifecycle = stageLabels.map(() => new Array<number>(stageLabels.length).fill(0));
  const fromGroups = rfmGroupOf(from);
  const toGroups = rfmGroupOf(to);
  const fromIndex = new Map<number, number>();
  from.facts.ids.forEach((id, i) => fromIndex.set(id, i));
  const unscored = rfmLabels.length - 1;
  to.facts.ids.forEach((id, i) => {
    const before = fromIndex.get(id);
    const g0 = before === undefined ? unscored : (fromGroups.get(before) ?? unscored);
    const g1 = toGroups.get(i) ?? unscored;
    rfm[g0]![g1]!++;
    const s0 = before === undefined ? 0 : from.stages[before]!;
    lifecycle[s0]![to.stages[i]!]!++;
  });
  return { rfm: { labels: rfmLabels, matrix: rfm }, lifecycle: { labels: stageLabels, matrix: lifecycle } };
}
