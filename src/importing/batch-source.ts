import type { RecordSource } from './file-reader.ts';
import type { ColumnMap } from './import-kinds.ts';

/** A batch of objects turned into records for the import pipeline, with their column map. */
export interface BatchRecords {
  source: RecordSource;
  columns: ColumnMap;
}

const cell = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/**
 * Lays out API items as a header row and records: `fields` are canonical field names (mapped
 * exactly, never by alias), and each item's `extra` entries (event properties) follow as
 * unmapped columns. Record `line` is the item's index in the batch.
 *
 * @example batchRecords(['order_id', 'amount'], [{ order_id: 'A1', amount: '9.90' }])
 */
export function batchRecords(
  fields: readonly string[],
  items: readonly Record<string, unknown>[],
  extra: (item: Record<string, unknown>) => Record<string, unknown> = () => ({}),
): BatchRecords {
  const extraKeys = new Map<string, number>();
  for (const item of items) {
    for (const key of Object.keys(extra(item))) {
      if (!extraKeys.has(key)) extraKeys.set(key, fields.length + extraKeys.size);
    }
  }
  const headers = [...fields, ...extraKeys.keys()];
  const columns = new Map(fields.map((f, i) => [f, i]));
  async function* records() {
    yield { line: -1, cells: headers };
    for (const [index, item] of items.entries()) {
      const cells = fields.map((f) => cell(item[f]));
      for (const [key, value] of Object.entries(extra(item))) cells[extraKeys.get(key)!] = cell(value);
      yield { line: index, cells: Array.from(cells, (c) => c ?? '') };
    }
  }
  return { source: { records: records(), totalBytes: 0, bytesRead: () => 0 }, columns };
}
