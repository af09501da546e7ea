import type { JourneyDetail, JourneyReport, StepCount } from '../../../../src/journeys/journey-contract.ts';

// The journeys' answers, as the contract types them (src/journeys/journey-contract.ts).
export type {
  Comparison,
  DraftSaved,
  GroupConversion,
  JourneyApplied,
  JourneyDetail,
  JourneyReport,
  JourneyRow,
  JourneyVersion,
  Published,
  PublishPreview,
  StepCount,
  TestRun,
} from '../../../../src/journeys/journey-contract.ts';
export type { Funnel } from '../../../../src/metrics/metrics-contract.ts';

import { stepOrder } from './journey-draft-load.ts';

/** The report's per-step counts in the order the builder shows the steps (start first, along the graph). */
export function stepsInOrder({
  definition,
  report,
}: {
  definition: JourneyDetail['definition'];
  report: Pick<JourneyReport, 'steps'>;
}): StepCount[] {
  const order = stepOrder(
    (definition.steps ?? {}) as Record<string, Record<string, unknown>>,
    String(definition.start),
  );
  return [...report.steps].sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step));
}
