import { stepOrder } from './journey-draft-load.ts';

// The shape of `GET /journeys/{journey}`'s report (src/journeys/journey-report.ts).

/** From touch to order, in customers; revenue in minor units. */
export interface Funnel {
  touched: number;
  delivered: number;
  opened: number;
  clicked: number;
  added_to_cart: number;
  converted: number;
  revenue: number;
  conversion_rate: number | null;
}

/** Two groups compared: difference of conversion, its 95% interval, p-value. */
export interface Comparison {
  difference: number | null;
  ci95: [number, number] | null;
  p_value: number | null;
  significant: boolean;
}

export interface GroupConversion {
  group: string;
  customers: number;
  converted: number;
  conversion_rate: number | null;
}

export interface StepCount {
  step: string;
  type: string;
  reached: number;
  outcomes: Record<string, number>;
  /** A message step's messages not sent, by reason. */
  not_sent: Record<string, number>;
  now_at: number;
}

export interface JourneyReport {
  name: string;
  status: 'active' | 'paused';
  entries: {
    total: number;
    active: number;
    waiting: number;
    completed: number;
    exited: number;
    capped: number;
  };
  steps: StepCount[];
  funnel: Funnel;
  funnel_by_step: (Funnel & { step: string })[];
  holdout: (Comparison & { step: string; treated: GroupConversion; held_out: GroupConversion }) | null;
  splits: { step: string; arms: (GroupConversion & Comparison)[] }[];
}

/** `GET /journeys/{journey}`. */
export interface JourneyDetail {
  definition: Record<string, unknown>;
  report: JourneyReport;
}

/** A row of `GET /journeys`. */
export interface JourneyRow {
  name: string;
  status: 'active' | 'paused';
  description: string | null;
  trigger: Record<string, unknown>;
  definition: Record<string, unknown>;
  entries: JourneyReport['entries'];
  steps: JourneyReport['steps'];
  updated_at: string;
}

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
