import { readFirstRows } from './file-reader.ts';
import { type ImportKind, KIND_FIELDS, matchColumns } from './import-kinds.ts';

/** How a file's columns would be read: each field with the column found for it, and a sample row. */
export interface DetectedColumns {
  columns: string[];
  /** The first data row, cell by cell, so a person can see what a column holds. */
  sample: string[];
  fields: { field: string; required: boolean; column: string | null }[];
}

/**
 * Reads a file's header row and first data row and matches the header to the kind's fields by
 * their aliases (订单号, 手机号, 实付金额, …), as an import would without `--map`: what a column
 * mapping screen starts from.
 */
export async function detectColumns(
  path: string,
  kind: ImportKind,
  encoding?: string,
  label = path,
): Promise<DetectedColumns> {
  const [header = [], sample = []] = await readFirstRows(path, 2, encoding, label);
  const matched = matchColumns(kind, header);
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
  };
}
