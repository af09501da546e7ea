import type { Database } from '../db/database.ts';
import type { ImportJobs } from './import-jobs.ts';
import type { SegmentationCache } from './segmentation-cache.ts';

/** What every route plugin is given. */
export interface ApiContext {
  store: Database;
  jobs: ImportJobs;
  segmentations: SegmentationCache;
}
