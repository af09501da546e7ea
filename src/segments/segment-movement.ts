import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import { type Segmentation, scoredPositions } from './rfm-service.ts';

/** `matrix[from][to]` = customers in `from` on the first date and in `to` on the second. */
export interface Movement {
  labels: string[];
  matrix: number[][];
}

const UNSCORED = 'unscored';

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
  const fromScored = scoredPositions(from);
  const toScored = scoredPositions(to);
  const fromIndex = new Map<number, number>();
  for (let i = 0; i < from.facts.ids.length; i++) fromIndex.set(from.facts.ids[i]!, i);
  const unscored = rfmLabels.length - 1;
  const groupAt = (s: Segmentation, j: number | undefined) =>
    j === undefined ? unscored : s.scores.group[j]!;
  to.facts.ids.forEach((id, i) => {
    const before = fromIndex.get(id);
    const g0 = before === undefined ? unscored : groupAt(from, fromScored.get(before));
    const g1 = groupAt(to, toScored.get(i));
    rfm[g0]![g1]!++;
    const s0 = before === undefined ? 0 : from.stages[before]!;
    lifecycle[s0]![to.stages[i]!]!++;
  });
  return { rfm: { labels: rfmLabels, matrix: rfm }, lifecycle: { labels: stageLabels, matrix: lifecycle } };
}
