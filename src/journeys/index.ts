// What other folders use from src/journeys: import it from here, not from the files inside (issue 20).

export { backtestJourney } from './journey-backtest.ts';
export { scanTrigger } from './journey-enter.ts';
export type { Journey } from './journey-model.ts';
export { parseJourney, readJourneyFile } from './journey-parse.ts';
export { journeyCounts, journeyReport } from './journey-report.ts';
export { runDueEntries, wakeOnEvents } from './journey-run.ts';
export { applyJourney, findJourney, listJourneys, pauseOrResumeJourney } from './journey-service.ts';
export { testRunJourney } from './journey-test-run.ts';
export { discardDraft, listVersions, previewPublish, publishDraft, saveDraft } from './journey-versions.ts';
