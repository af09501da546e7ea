/** What other domains use of importing. */
export { KEYS_AHEAD, PRODUCTS_AHEAD, type StagedSummary } from './staged-summary.ts';
export { STAGED_IDENTITIES, STAGING_TABLE } from './staging.ts';
