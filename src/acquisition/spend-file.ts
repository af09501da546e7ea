import { openRecords } from '../importing/file-reader.ts';
import { minorDigits, parseMoney } from '../importing/money-parse.ts';
import { toMinorUnits } from '../shared/decimal.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';
import { MAX_SPEND_ITEMS, MAX_SPEND_MINOR, type SpendItem } from './acquisition-contract.ts';

/** A row error of a spend file: its line (header = 1), the column's number and header, and why. */
export interface SpendFileError {
  line: number;
  column: number;
  header: string;
  reason: string;
}

/** The columns of a spend file and the headers each may carry (English or Chinese, any case). */
const HEADERS = {
  month: ['month', '月份', '月'],
  channel: ['channel', '渠道', '投放渠道', '获客渠道'],
  amount: ['amount', 'spend', '金额', '投放金额', '花费'],
} as const;
type Column = keyof typeof HEADERS;

// 2026-01, 2026/1, 2026.01, 2026年1月, and a spreadsheet's first of the month (2026-01-01 00:00:00).
const MONTH_FORMS = [
  /^(\d{4})[-/.](\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月$/,
  /^(\d{4})[-/](\d{1,2})[-/]0?1(?:[ T]00:00(?::00)?)?$/,
];

/** `YYYY-MM` for a month cell, or undefined. */
export function parseMonthCell(text: string): string | undefined {
  const s = text.trim();
  for (const form of MONTH_FORMS) {
    const m = form.exec(s);
    if (!m) continue;
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (year < 1900 || year > 2999 || month < 1 || month > 12) return undefined;
    return `${year}-${String(month).padStart(2, '0')}`;
  }
  return undefined;
}

function findColumns(header: string[]): { at: Record<Column, number>; missing: Column[] } {
  const norm = header.map((h) => h.trim().toLowerCase());
  const at = {} as Record<Column, number>;
  const missing: Column[] = [];
  for (const column of Object.keys(HEADERS) as Column[]) {
    const i = norm.findIndex((h) => (HEADERS[column] as readonly string[]).includes(h));
    if (i === -1) missing.push(column);
    else at[column] = i;
  }
  return { at, missing };
}

function amountOf(text: string, digits: number): { minor: number } | { reason: string } {
  if (text.trim() === '') return { reason: 'is empty (write 0 for no spend)' };
  const value = parseMoney(text);
  if (!value) return { reason: `"${text.trim().slice(0, 40)}" is not an amount of money` };
  if (value.units < 0n) return { reason: `${text.trim()} is negative (spend is 0 or more)` };
  if (value.scale > digits && value.units % 10n ** BigInt(value.scale - digits) !== 0n)
    return { reason: `${text.trim()} has more decimals than the currency (${digits})` };
  const minor = toMinorUnits(value, digits);
  if (minor > BigInt(MAX_SPEND_MINOR)) return { reason: `${text.trim()} is larger than any month's budget` };
  return { minor: Number(minor) };
}

/**
 * Reads a spend file (`month,channel,amount` or `月份,渠道,金额`; CSV, TSV or XLSX), amounts in
 * major units of `currency` (元). Returns every row or every error; nothing is half-read.
 */
export async function readSpendFile(
  path: string,
  currency: string,
  label = path,
): Promise<{ items: SpendItem[]; errors: SpendFileError[] }> {
  const digits = minorDigits(currency);
  const source = await openRecords(path, undefined, label);
  const items: SpendItem[] = [];
  const errors: SpendFileError[] = [];
  const firstLine = new Map<string, number>();
  let header: string[] | undefined;
  let at = {} as Record<Column, number>;
  for await (const { line, cells } of source.records) {
    if (!header) {
      header = cells;
      const found = findColumns(cells);
      if (found.missing.length)
        throw new InvalidInputError(
          `${label}: line 1 has no ${found.missing.map((c) => `${c} (${HEADERS[c][1]})`).join(', ')} column; the header is month,channel,amount or 月份,渠道,金额`,
        );
      at = found.at;
      continue;
    }
    const fail = (column: Column, reason: string) =>
      errors.push({ line, column: at[column] + 1, header: header![at[column]]!.trim(), reason });
    const cell = (column: Column) => cells[at[column]] ?? '';
    const month = parseMonthCell(cell('month'));
    if (!month) fail('month', `"${cell('month').trim().slice(0, 40)}" is not a month such as 2026-01`);
    const channel = cell('channel').trim();
    if (!channel) fail('channel', 'is empty');
    else if (channel.length > 100) fail('channel', 'is longer than 100 characters');
    else if (hasNul(channel) || hasLoneSurrogate(channel)) fail('channel', 'is not valid text');
    const amount = amountOf(cell('amount'), digits);
    if ('reason' in amount) fail('amount', amount.reason);
    if (!month || 'reason' in amount || errors.at(-1)?.line === line) continue;
    const key = `${month}\u0000${channel}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      fail('channel', `${channel} in ${month} is already on line ${earlier}`);
      continue;
    }
    firstLine.set(key, line);
    items.push({ month, channel, amount: amount.minor });
    if (items.length > MAX_SPEND_ITEMS)
      throw new InvalidInputError(`${label}: more than ${MAX_SPEND_ITEMS} rows; split the file`);
  }
  if (!header) throw new InvalidInputError(`${label}: the file is empty; the header is month,channel,amount`);
  return { items, errors };
}

/** Every error of a spend file in one line, the first ten named by line and column. */
export function spendFileProblem(label: string, errors: readonly SpendFileError[]): string {
  const shown = errors
    .slice(0, 10)
    .map((e) => `line ${e.line}, column ${e.column} (${e.header}): ${e.reason}`)
    .join('; ');
  const more = errors.length > 10 ? `; and ${errors.length - 10} more` : '';
  return `${label}: nothing was saved, ${errors.length} error${errors.length === 1 ? '' : 's'}: ${shown}${more}`;
}
