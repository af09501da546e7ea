import type { LoginLimits } from '../access/index.ts';
import type { Database } from '../db/database.ts';
import type { KnownEventWriter } from '../importing/known-events.ts';
import type { CallerCache } from './caller-cache.ts';
import type { ImportJobs } from './import-jobs.ts';
import type { SegmentationCache } from './segmentation-cache.ts';

/** What every route plugin is given. */
export interface ApiContext {
  store: Database;
  callers: CallerCache;
  /** Group-commit writer for event batches of known customers. */
  events: KnownEventWriter;
  jobs: ImportJobs;
  segmentations: SegmentationCache;
  /** Failed sign-ins allowed per account and per address. */
  loginLimits: LoginLimits;
}
