/** COPY's formats: text (tab-separated, `\N` for null), CSV, or PostgreSQL's binary format. */
export type CopyFormat = 'text' | 'csv' | 'binary';

/** `copy table (columns)`, the head of a COPY statement; refuses a format COPY does not know. */
export function copyStatement(table: string, columns: readonly string[], format: CopyFormat): string {
  if (format !== 'text' && format !== 'csv' && format !== 'binary')
    throw new Error(`unknown COPY format ${format}`);
  return `copy ${table} (${columns.join(', ')})`;
}
