/**
 * A compiled query's parameters written into its text, for COPY (which takes none). Only values
 * that cannot carry SQL are accepted: null, integers, YYYY-MM-DD dates and arrays of integers.
 */

/**
 * The SQL with `$n` replaced by its value as a literal; any other kind of value is refused.
 *
 * @example
 * inlineParameters('select * from orders where workspace_id = $1', [7]);
 * // 'select * from orders where workspace_id = 7'
 */
export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, k: string) => {
    const v = parameters[Number(k) - 1];
    if (v === null) return 'null';
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `'${v}'`;
    if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return `'{${v.join(',')}}'`;
    throw new Error(`cannot inline the query parameter ${String(v)}`);
  });
}
