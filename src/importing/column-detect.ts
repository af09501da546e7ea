import { readFirstRows } from './file-reader.ts';
import { type ImportKind, KIND_FIELDS, matchColumns } from './import-kinds.ts';
import { detectPlatform } from './platform-detect.ts';
import type { PlatformExport } from './platform-dictionary.ts';
import { type ColumnMapping, usableMapping } from './saved-mappings.ts';

/** How a file's columns would be read: each field with the column found for it, and a sample row. */
export interface DetectedColumns {
  columns: string[];
  /** The first data row, cell by cell, so a person can see what a column holds. */
  sample: string[];
  fields: { field: string; required: boolean; column: string | null }[];
  /** The platform export the header row was recognised as, or null. */
  platform: { platform: string; export: PlatformExport; kinds: ImportKind[] } | null;
  /** Whether the columns follow the mapping last confirmed for that platform and kind. */
  saved_mapping: boolean;
}

/**
 * Reads a file's header row and first data row and matches the header to the kind's fields by
 * their aliases (订单号, 手机号, 实付金额, …), as an import would without `--map`: what a column
 * mapping screen starts from. A recognised platform's export starts from the mapping last
 * confirmed for it (`savedFor`), as a dashboard upload of it would be read.
 */
export async function detectColumns(
  path: string,
  kind: ImportKind,
  encoding?: string,
  label = path,
  savedFor?: (platform: string) => Promise<ColumnMapping | undefined>,
): Promise<DetectedColumns> {
  const [header = [], sample = []] = await readFirstRows(path, 2, encoding, label);
  const headers = header.map((h) => h.trim());
  const platform = detectPlatform(headers);
  const saved = platform && savedFor ? usableMapping(await savedFor(platform.platform), kind, headers) : {};
  const matched = matchColumns(kind, headers, saved);
  const { fields, required } = KIND_FIELDS[kind];
  return {
    columns: header,
    sample: header.map((_, i) => sample[i] ?? ''),
    fields: fields.map((field) => {
      const index = matched.get(field);
      return {
        field,
        required: required.includes(field),
        column: index === undefined ? null : header[index]!,
      };
    }),
    platform: platform
      ? { platform: platform.platform, export: platform.export, kinds: [...platform.kinds] }
      : null,
    saved_mapping: Object.keys(saved).length > 0,
  };
}
