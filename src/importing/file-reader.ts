import { createReadStream, statSync } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { InvalidInputError } from '../shared/errors.ts';
import { fromWallClockDate } from './datetime-parse.ts';
import { chooseEncoding, decodeStream } from './text-decode.ts';

/** One record of a file: its line (row) number, header = 1, and its cells as text. */
export interface FileRecord {
  line: number;
  cells: string[];
}

/** A file being read, with how far along it is (in bytes of the file on disk). */
export interface RecordSource {
  records: AsyncIterable<FileRecord>;
  totalBytes: number;
  bytesRead(): number;
}

export type FileFormat = 'csv' | 'tsv' | 'xlsx';

/** The format implied by a file name: `.csv`, `.csv.gz`, `.tsv`, `.tsv.gz`, `.xlsx`. */
export function formatOf(path: string, label = path): { format: FileFormat; gzip: boolean } {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv') || base.endsWith('.txt')) return { format: 'csv', gzip };
  if (base.endsWith('.tsv')) return { format: 'tsv', gzip };
  if (base.endsWith('.xlsx') && !gzip) return { format: 'xlsx', gzip };
  throw new InvalidInputError(`${label}: unsupported file type (use .csv, .csv.gz, .tsv, .tsv.gz or .xlsx)`);
}

/** Most characters one CSV row may hold: beyond it the file is refused (a cell that long is no CRM data). */
export const MAX_ROW_CHARS = 1 << 20;

function fileSize(path: string, label: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InvalidInputError(`${label} is not a file`);
    return stat.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${label}: no such file`);
  }
}

/** Opens the bytes of a file, decompressed; an error of either stream is reported by `stream`. */
function openBytes(
  path: string,
  gzip: boolean,
): { stream: Readable; raw: ReturnType<typeof createReadStream> } {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return { stream: raw, raw };
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return { stream: raw.pipe(gunzip), raw };
}

/** A read error in words a person can act on, without the server's paths or a stack. */
function readError(label: string, error: unknown, lastLine: number): InvalidInputError {
  if (error instanceof InvalidInputError) return error;
  const e = error as Error & { code?: string; column?: number | string; records?: number };
  // csv-parse counts the records it finished (header included), as our line numbers do.
  const row = (typeof e.records === 'number' ? Math.max(e.records, lastLine) : lastLine) + 1;
  const column = typeof e.column === 'number' ? `, column ${e.column + 1}` : '';
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InvalidInputError(
        `${label}: line ${row}${column} opens a quote (") that is never closed before the file ends; close it or remove it`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new InvalidInputError(
        `${label}: line ${row}${column} is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters, the most a row may hold`,
      );
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return new InvalidInputError(`${label}: the file is not a readable gzip file (${e.message})`);
    default:
      if (e.code?.startsWith('CSV_'))
        return new InvalidInputError(
          `${label}: line ${row}${column}: ${e.message.replace(/ at line \d+.*$/, '')}`,
        );
      return new InvalidInputError(`${label}: cannot read the file after line ${lastLine}`);
  }
}

/** Reads up to `limit` bytes from the start of the (decompressed) file. */
async function head(path: string, gzip: boolean, limit: number, label: string): Promise<Buffer> {
  const { stream, raw } = openBytes(path, gzip);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch (error) {
    throw readError(label, error, 0);
  } finally {
    raw.destroy();
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

export { detectEncoding } from './text-decode.ts';

/**
 * Opens a delimited or Excel file as a stream of records. `label` names the file in messages
 * (the user's file name, never a server's temporary path); `partial` files are a beginning cut
 * anywhere, even inside a character. Every failure of the streams under it
 * surfaces as an InvalidInputError from the iteration, never as an unhandled error event.
 */
export async function openRecords(
  path: string,
  encoding?: string,
  label = path,
  partial = false,
): Promise<RecordSource> {
  const { format, gzip } = formatOf(path, label);
  const totalBytes = fileSize(path, label);
  if (format === 'xlsx') return openXlsx(path, totalBytes, label);
  const sample = await head(path, gzip, 1 << 16, label);
  const chosen = chooseEncoding(label, encoding, () => sample);
  const { stream, raw } = openBytes(path, gzip);
  const parser = parse({
    delimiter: format === 'tsv' ? '\t' : ',',
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_ROW_CHARS,
  });
  // pipeline destroys every stream when one fails; the parser carries the first error to the reader.
  pipeline(stream, decodeStream(label, chosen, encoding !== undefined, partial), parser, (error) => {
    if (error) parser.destroy(error);
  });
  async function* records(): AsyncIterable<FileRecord> {
    // Line numbers count records, as a spreadsheet numbers rows (a quoted multi-line cell is one row).
    let line = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        yield { line: ++line, cells: record };
      }
    } catch (error) {
      throw readError(label, error, line);
    } finally {
      // Also when the reader stops early (only the header was wanted).
      parser.destroy();
      raw.destroy();
    }
  }
  return { records: records(), totalBytes, bytesRead: () => raw.bytesRead };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const t = fromWallClockDate(value);
    return t && 'local' in t ? t.local : '';
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value);
}

/**
 * Above this size an .xlsx whose parts the streaming reader cannot follow is refused rather than
 * loaded whole (an in-memory workbook takes tens of times its file size).
 */
export const XLSX_IN_MEMORY_MAX_BYTES = 32 << 20;

function rowCells(values: ExcelJS.CellValue[]): string[] {
  const cells = values.slice(1).map(cellText);
  for (let i = 0; i < cells.length; i++) cells[i] ??= '';
  return cells;
}

const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** The first sheet's rows, streamed: a large workbook never sits in memory whole. */
async function* streamedRows(raw: Readable): AsyncIterable<FileRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(raw, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells = rowCells(row.values as ExcelJS.CellValue[]);
      if (!isBlank(cells)) yield { line: row.number, cells };
    }
    return; // the first sheet holds the data
  }
}

/** The first sheet's rows from the workbook read whole (any order of the archive's parts). */
async function* wholeBookRows(path: string): AsyncIterable<FileRecord> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0];
  if (!sheet) return;
  const rows: FileRecord[] = [];
  sheet.eachRow((row, line) => {
    const cells = rowCells(row.values as ExcelJS.CellValue[]);
    if (!isBlank(cells)) rows.push({ line, cells });
  });
  yield* rows;
}

function openXlsx(path: string, totalBytes: number, label: string): RecordSource {
  const raw = createReadStream(path);
  const unreadable = (error: unknown) => {
    // exceljs messages may quote paths inside the archive, never the server's: keep them as hints.
    const hint = (error as Error).message?.split('\n')[0]?.slice(0, 200) ?? '';
    return new InvalidInputError(`${label}: not a readable .xlsx file (${hint.replaceAll(path, label)})`);
  };
  async function* records(): AsyncIterable<FileRecord> {
    let yielded = false;
    try {
      for await (const record of streamedRows(raw)) {
        yielded = true;
        yield record;
      }
    } catch (error) {
      // The streaming reader needs the workbook part before the sheets; the zip format leaves the
      // order free and some tools (and exceljs itself, now and then) write the sheets first.
      if (yielded || totalBytes > XLSX_IN_MEMORY_MAX_BYTES) throw unreadable(error);
      try {
        yield* wholeBookRows(path);
      } catch {
        throw unreadable(error);
      }
    } finally {
      raw.destroy();
    }
  }
  return { records: records(), totalBytes, bytesRead: () => raw.bytesRead };
}

/** The first `n` records of a file (its header row and a sample), read without the rest. */
export async function readFirstRows(
  path: string,
  n: number,
  encoding?: string,
  label = path,
): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of (await openRecords(path, encoding, label, true)).records) {
    rows.push(record.cells);
    if (rows.length >= n) break;
  }
  return rows;
}
