/** Prints rows as an aligned text table (CJK characters count double width). */
export function printTable(rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): void {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = cols.map((c) => Math.max(width(c), ...rows.map((r) => width(cell(r[c])))));
  const line = (values: string[]) =>
    values
      .map((v, i) => v + ' '.repeat(widths[i]! - width(v)))
      .join('  ')
      .trimEnd();
  console.log(line([...cols]));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

/** Prints a value as JSON (bigint-safe). */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2));
}
