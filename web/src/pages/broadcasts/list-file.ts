// An uploaded list of customers (CSV, TXT or XLSX) read as a table, and one column of it taken as
// the broadcast's list: the header skipped, each cell checked as a phone, an email or a customer id,
// every refused line named by its number — so a CSV's header and its other columns never become
// entries. The CSV is read by csv-parse and the workbook by ExcelJS, as the server's importer does.
import { parse } from 'csv-parse/browser/esm/sync';

/** A row of the file: its line in the file (1 = the first) and its cells as text. */
export interface ListRow {
  line: number;
  cells: string[];
}

/** What a column holds; each is checked as the server matches it. */
export const ENTRY_KINDS = ['phone', 'email', 'customer_id'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Why a line gave no entry. */
export type RejectReason = 'empty' | 'invalid' | 'duplicate';

/** One column taken from the rows. */
export interface ListPick {
  entries: string[];
  rejected: { line: number; value: string; reason: RejectReason }[];
}

/** Most rows read from one file: the API takes 100,000 entries a broadcast. */
export const MAX_ROWS = 100_000;
/** Most characters one cell may hold (the API's limit of an entry). */
const MAX_CELL = 200;

/** The text of a file's bytes: UTF-8 (with or without its mark), else GB18030 (Excel's CSV in China). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The rows of a CSV or TXT text (comma, tab or semicolon separated, quoted cells as CSV quotes them). */
export function csvRows(text: string): ListRow[] {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';', '，'].find((d) => first.includes(d)) ?? ',';
  const records = parse(text, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: true,
    to: MAX_ROWS + 1,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ line: info.lines, cells: record.map((c) => c.trim()) }));
}

/** The rows of the first worksheet of an XLSX workbook (ExcelJS, loaded only when one is chosen). */
export async function xlsxRows(bytes: ArrayBuffer): Promise<ListRow[]> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes);
  const sheet = book.worksheets[0];
  const rows: ListRow[] = [];
  sheet?.eachRow({ includeEmpty: false }, (row, line) => {
    if (rows.length > MAX_ROWS) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = (cell.text ?? '').trim();
    });
    rows.push({ line, cells: Array.from(cells, (c) => c ?? '') });
  });
  return rows;
}

/** The rows of an uploaded file, by its name's ending. */
export async function readListFile(file: File): Promise<ListRow[]> {
  const bytes = await file.arrayBuffer();
  if (/\.xlsx$/i.test(file.name)) return xlsxRows(bytes);
  return csvRows(decodeText(new Uint8Array(bytes)));
}

const PHONE = /^\+?\d{6,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A cell as an entry of its kind (a phone without its spaces and dashes), or null when it is none. */
export function entryOf(cell: string, kind: EntryKind): string | null {
  if (cell.length > MAX_CELL || CONTROL.test(cell)) return null;
  if (kind === 'phone') {
    const phone = cell.replace(/[\s\-()]/g, '');
    return PHONE.test(phone) ? phone : null;
  }
  if (kind === 'email') return EMAIL.test(cell) ? cell.toLowerCase() : null;
  return cell;
}

/** What a header cell names, when it says so (手机/phone, 邮箱/email, 客户编号/customer id). */
export function kindOfHeader(header: string): EntryKind | null {
  const h = header.toLowerCase();
  if (/手机|电话|phone|mobile|tel/.test(h)) return 'phone';
  if (/邮箱|邮件|e-?mail/.test(h)) return 'email';
  if (/客户|会员|编号|customer|member|^id$|_id$/.test(h)) return 'customer_id';
  return null;
}

/** The entries of one column (`header`: the first row is the header), each refused line with its number. */
export function pickColumn(rows: ListRow[], column: number, kind: EntryKind, header: boolean): ListPick {
  const entries: string[] = [];
  const seen = new Set<string>();
  const rejected: ListPick['rejected'] = [];
  for (const { line, cells } of header ? rows.slice(1) : rows) {
    const cell = cells[column] ?? '';
    if (!cell) {
      // A blank line is no entry and no mistake; a row with other cells but none here is.
      if (cells.some(Boolean)) rejected.push({ line, value: '', reason: 'empty' });
      continue;
    }
    const entry = entryOf(cell, kind);
    if (entry === null) rejected.push({ line, value: cell.slice(0, 40), reason: 'invalid' });
    else if (seen.has(entry)) rejected.push({ line, value: cell.slice(0, 40), reason: 'duplicate' });
    else {
      seen.add(entry);
      entries.push(entry);
    }
  }
  return { entries, rejected };
}
