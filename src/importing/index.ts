/** What other domains use of importing. */

export { textProblem } from './cell-check.ts';
export { IDENTITY_FIELDS, IMPORT_KINDS, type ImportKind, KIND_FIELDS } from './import-kinds.ts';
export { type StageContext, type StageCounts, TOUCHED } from './kind-processor.ts';
export { minorDigits } from './money-parse.ts';
export type { ImportLang, RowError } from './row-normalize.ts';
export { readSavedMapping } from './saved-mappings.ts';
export { KEYS_AHEAD, PRODUCTS_AHEAD, type StagedSummary } from './staged-summary.ts';
export { STAGED_IDENTITIES, STAGING_TABLE } from './staging.ts';
