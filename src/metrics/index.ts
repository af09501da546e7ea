// What other folders use from src/metrics: import it from here, not from the files inside (issue 20).

export { cohortRetention } from './cohort-retention.ts';
export { historicalClv } from './historical-clv.ts';
export { PERIOD_UNITS, type PeriodMetrics, type PeriodUnit, periodMetrics } from './period-metrics.ts';
