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
 * Lays out API items as a header row and records: `fields` are canonical field names, mapped
 * exactly (never by alias); an object value (event `properties`) travels as JSON text. Record
 * `line` is the item's index in the batch.
 *
 * @example batchRecords(['order_id', 'amount'], [{ order_id: 'A1', amount: '9.90' }])
 */
export function batchRecords(
  fields: readonly string[],
  items: readonly Record<string, unknown>[],
): BatchRecords {
  const columns = new Map(fields.map((f, i) => [f, i]));
  async function* records() {
    yield { line: -1, cells: [...fields] };
    for (const [index, item] of items.entries())
      yield { line: index, cells: fields.map((f) => cell(item[f])) };
  }
  return { source: { records: records(), totalBytes: 0, bytesRead: () => 0 }, columns };
}
