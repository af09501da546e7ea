/** What a spreadsheet may read as the start of a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell for an exported CSV or XLSX file: text that a spreadsheet could run as a formula gets a
 * leading `'` (shown as text, as OWASP advises); numbers, dates, null and other text are unchanged.
 *
 * @example safeCell('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 * @example safeCell(-5)                         // -5 (a number stays a number)
 */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** Every cell of a row made safe with {@link safeCell}. */
export function safeRow<T extends object>(row: T): T {
  const out = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(row)) out[key] = safeCell(value);
  return out as T;
}
