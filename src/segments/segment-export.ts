import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { safeCell, safeRow } from '../shared/csv-safe.ts';

/** Columns of a segment export, in order. */
export const MEMBER_COLUMNS = [
  'customer_id',
  'name',
  'phone',
  'email',
  'city',
  'tags',
  'order_count',
  'net_total',
  'last_order_date',
] as const;

export type ExportFormat = 'csv' | 'xlsx';
type MemberRow = Record<(typeof MEMBER_COLUMNS)[number], unknown>;

/**
 * Writes segment members (formula-leading cells neutralised) as CSV (UTF-8 with BOM, so Excel in China opens it right) or XLSX to a
 * stream, and ends it.
 */
export async function writeMembers(
  out: Writable,
  members: readonly MemberRow[],
  format: ExportFormat,
  sheetName: string,
): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  if (format === 'xlsx') {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
    const sheet = book.addWorksheet(sheetName.slice(0, 31));
    sheet.addRow([...MEMBER_COLUMNS]).commit();
    for (const m of members) sheet.addRow(MEMBER_COLUMNS.map((c) => safeCell(m[c]))).commit();
    sheet.commit();
    await book.commit();
  } else {
    const csv = stringify({ bom: true, header: true, columns: [...MEMBER_COLUMNS] });
    csv.pipe(out);
    for (const m of members) csv.write(safeRow(m));
    csv.end();
  }
  await done;
}
