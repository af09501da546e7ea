import type { Session } from '../db/database.ts';
import { InvalidInputError } from '../shared/errors.ts';
import type { RecordSource } from './file-reader.ts';
import { type ColumnMap, type ImportKind, resolveColumns } from './import-kinds.ts';
import { detectPlatform } from './platform-detect.ts';
import { openRejects } from './rejects-file.ts';
import { type Cell, copyValue, type ImportLang, type RowError, rowNormalizer } from './row-normalize.ts';
import { type ColumnMapping, readSavedMapping, usableMapping } from './saved-mappings.ts';
import { STAGING_COLUMNS, STAGING_TABLE } from './staging.ts';

export const MAX_ERRORS = 1000;
/** About 50 ms of COPY into PGlite here: short enough to leave the connection to others often. */
const COPY_CHUNK_BYTES = 1 << 20;
/**
 * Reading runs in slices of about this long, each followed by a pause in which other requests take
 * the connection (PGlite has only one): a server stays responsive during an upload.
 */
const SLICE_MS = 25;
/** Rows between looks at the clock. */
const SLICE_CHECK_ROWS = 256;

/** What reading needs of an import's options. */
export interface StageInput {
  kind: ImportKind;
  workspace: { id: number; currency: string };
  /** Who each `owner` cell names (customers files), looked up only when the file has that column. */
  owners: () => Promise<NonNullable<Parameters<typeof rowNormalizer>[0]['owners']>>;
  source: RecordSource;
  label: string;
  columns?: ColumnMap;
  map?: Record<string, string>;
  rejectsFile?: string;
  maskedRejectsFile?: string;
  lang?: ImportLang;
  savedMappings?: boolean;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number; phase: 'reading' }) => void;
  /** Shown every staged row, in staging-column order. */
  onStaged?: (row: readonly Cell[]) => void;
}

/** The counters reading keeps. */
export interface StageStats {
  read: number;
  rejected: number;
  item_rows: number;
  masked_identities: number;
  errors: RowError[];
}

/** Streams the file into the staging table; returns counts of rows read and rejected. */
export async function stageRecords(
  session: Session,
  options: StageInput,
  stats: StageStats,
): Promise<{
  staged: number;
  mapped: ReadonlySet<string>;
  confirmed?: { platform: string; mapping: ColumnMapping };
}> {
  const { source } = options;
  const iterator = source.records[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new InvalidInputError(`${options.label} is empty (expected a header row)`);
  const headers = first.value.cells.map((h) => h.trim());
  const recognised = options.columns ? undefined : detectPlatform(headers);
  const platform = options.savedMappings ? recognised : undefined;
  const saved = platform
    ? usableMapping(
        await readSavedMapping(session.db, options.workspace.id, platform.platform, options.kind),
        options.kind,
        headers,
      )
    : {};
  const columns = options.columns ?? resolveColumns(options.kind, headers, { ...saved, ...options.map });
  const normalize = rowNormalizer({
    kind: options.kind,
    columns,
    headers,
    currency: options.workspace.currency,
    lang: options.lang,
    itemRows: recognised?.dictionary.itemRows,
    onMasked: () => {
      stats.masked_identities++;
    },
    ...(options.kind === 'customers' && columns.has('owner') ? { owners: await options.owners() } : {}),
  });
  const rejects = openRejects(
    { path: options.rejectsFile, maskedPath: options.maskedRejectsFile },
    headers,
    columns,
    options.lang,
  );
  const stagingColumns = STAGING_COLUMNS[options.kind];
  let buffer: string[] = [];
  let bufferBytes = 0;
  let staged = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    await session.copyIn(STAGING_TABLE, stagingColumns, buffer.join(''));
    buffer = [];
    bufferBytes = 0;
  };
  const report = () =>
    options.onProgress?.({
      rows: stats.read,
      bytesRead: source.bytesRead(),
      totalBytes: source.totalBytes,
      phase: 'reading',
    });
  let sliceStart = performance.now();
  // The end of a slice: tell how far, and let other requests in (rows wait for a full COPY chunk).
  const endSlice = async () => {
    report();
    await session.breathe();
    sliceStart = performance.now();
  };
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const { line, cells } = next.value;
      stats.read++;
      if (stats.read % SLICE_CHECK_ROWS === 0 && performance.now() - sliceStart >= SLICE_MS) await endSlice();
      const row = normalize(line, cells);
      if (row === null) {
        stats.item_rows++;
      } else if (Array.isArray(row)) {
        options.onStaged?.(row);
        const text = `${row.map(copyValue).join('\t')}\n`;
        buffer.push(text);
        bufferBytes += text.length;
        staged++;
        if (bufferBytes >= COPY_CHUNK_BYTES) await flush();
      } else {
        stats.rejected++;
        if (stats.errors.length < MAX_ERRORS) stats.errors.push(row);
        rejects.write(row.line, cells, row.reason);
      }
    }
    await flush();
    report();
  } finally {
    await rejects.close();
  }
  const confirmed = platform && {
    platform: platform.platform,
    // What was read from where, and what was left out on purpose; the rest is found by aliases.
    mapping: Object.fromEntries([
      ...Object.entries({ ...saved, ...options.map }).filter(([, header]) => header.trim() === ''),
      ...[...columns].map(([field, index]) => [field, headers[index]!]),
    ]),
  };
  return { staged, mapped: new Set(columns.keys()), confirmed };
}
