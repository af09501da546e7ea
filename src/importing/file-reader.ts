import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { InvalidInputError } from '../shared/errors.ts';
import { fromWallClockDate } from './datetime-parse.ts';

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
export function formatOf(path: string): { format: FileFormat; gzip: boolean } {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv') || base.endsWith('.txt')) return { format: 'csv', gzip };
  if (base.endsWith('.tsv')) return { format: 'tsv', gzip };
  if (base.endsWith('.xlsx') && !gzip) return { format: 'xlsx', gzip };
  throw new InvalidInputError(`${path}: unsupported file type (use .csv, .csv.gz, .tsv, .tsv.gz or .xlsx)`);
}

function fileSize(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InvalidInputError(`${path} is not a file`);
    return stat.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${path}: no such file`);
  }
}

/** Opens the bytes of a file, decompressed. */
function openBytes(
  path: string,
  gzip: boolean,
): { stream: Readable; raw: ReturnType<typeof createReadStream> } {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return { stream: gzip ? raw.pipe(createGunzip()) : raw, raw };
}

/** Reads up to `limit` bytes from the start of the (decompressed) file. */
async function head(path: string, gzip: boolean, limit: number): Promise<Buffer> {
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
    throw new InvalidInputError(`${path}: cannot read (${(error as Error).message})`);
  } finally {
    raw.destroy();
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * UTF-8 when the start of the file is valid UTF-8, otherwise GB18030 (a superset of GBK, what
 * Excel on a Chinese Windows writes).
 */
export function detectEncoding(sample: Buffer): 'utf8' | 'gb18030' {
  // `stream: true` accepts a character cut off at the end of the sample, but no invalid byte.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

/** Opens a delimited or Excel file as a stream of records. */
export async function openRecords(path: string, encoding?: string): Promise<RecordSource> {
  const { format, gzip } = formatOf(path);
  const totalBytes = fileSize(path);
  if (format === 'xlsx') return openXlsx(path, totalBytes);
  if (encoding && !iconv.encodingExists(encoding))
    throw new InvalidInputError(`unknown encoding "${encoding}"`);
  const chosen = encoding ?? detectEncoding(await head(path, gzip, 1 << 16));
  const { stream, raw } = openBytes(path, gzip);
  const parser = stream.pipe(iconv.decodeStream(chosen)).pipe(
    parse({
      delimiter: format === 'tsv' ? '\t' : ',',
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }),
  );
  raw.on('error', (error) => parser.destroy(error));
  async function* records(): AsyncIterable<FileRecord> {
    try {
      // Line numbers count records, as a spreadsheet numbers rows (a quoted multi-line cell is one row).
      let line = 0;
      for await (const record of parser as AsyncIterable<string[]>) {
        yield { line: ++line, cells: record };
      }
    } catch (error) {
      throw new InvalidInputError(`${path}: ${(error as Error).message}`);
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

function openXlsx(path: string, totalBytes: number): RecordSource {
  const raw = createReadStream(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(raw, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  async function* records(): AsyncIterable<FileRecord> {
    try {
      for await (const sheet of reader) {
        for await (const row of sheet) {
          const values = row.values as ExcelJS.CellValue[];
          const cells = values.slice(1).map(cellText);
          for (let i = 0; i < cells.length; i++) cells[i] ??= '';
          if (cells.every((c) => c.trim() === '')) continue;
          yield { line: row.number, cells };
        }
        break; // the first sheet holds the data
      }
    } catch (error) {
      throw new InvalidInputError(`${path}: not a readable .xlsx file (${(error as Error).message})`);
    } finally {
      raw.destroy();
    }
  }
  return { records: records(), totalBytes, bytesRead: () => raw.bytesRead };
}

/** The first `n` records of a file (its header row and a sample), read without the rest. */
export async function readFirstRows(path: string, n: number, encoding?: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of (await openRecords(path, encoding)).records) {
    rows.push(record.cells);
    if (rows.length >= n) break;
  }
  return rows;
}
