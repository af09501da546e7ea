import type { Session } from '../db/database.ts';
import { type Cell, copyValue } from './row-normalize.ts';
import { STAGED_IDENTITIES, STAGING_COLUMNS } from './staging.ts';

/** Each identity key's first row: `(idkey, first_line, <identity columns>)`, what resolveIdentities groups. */
export const KEYS_AHEAD = 'import_keys_ahead';
/** Each product's name on its last line: `(sku, name, line)`. */
export const PRODUCTS_AHEAD = 'import_products_ahead';

/** Past this many keys or products the summary gives up (memory stays flat for huge files). */
const MAX_ENTRIES = 250_000;

/** What {@link stagedSummary} gathers while order lines are read. */
export interface StagedSummary {
  add(row: readonly Cell[]): void;
  /** False once too many keys or products were seen: the import groups them in SQL instead. */
  readonly complete: boolean;
  /** Writes both tables (temp, this session's) with COPY. */
  write(session: Session): Promise<void>;
}

/**
 * Gathers, as staged order lines go by, what would otherwise take a statement over the whole
 * staging table each: the first row of every identity key (a key is made of its identity values,
 * so one row gives them all) and the product name of every SKU's last line. Rows arrive in line
 * order, so the first and last seen are the lowest and highest line.
 */
export function stagedSummary(): StagedSummary {
  const columns = STAGING_COLUMNS['order-lines'];
  const at = (name: string) => columns.indexOf(name);
  const [line, idkey, sku, name] = [at('line'), at('idkey'), at('sku'), at('product_name')];
  const identities = STAGED_IDENTITIES.map(([, col]) => at(col));
  const keys = new Map<string, readonly Cell[]>();
  const products = new Map<string, readonly [Cell, Cell]>();
  let complete = true;
  return {
    add(row) {
      if (!complete) return;
      const key = row[idkey];
      if (typeof key === 'string' && !keys.has(key))
        keys.set(key, [key, row[line]!, ...identities.map((i) => row[i]!)]);
      const code = row[sku];
      if (typeof code === 'string') products.set(code, [row[name]!, row[line]!]);
      if (keys.size > MAX_ENTRIES || products.size > MAX_ENTRIES) {
        complete = false;
        keys.clear();
        products.clear();
      }
    },
    get complete() {
      return complete;
    },
    async write(session) {
      const cols = STAGED_IDENTITIES.map(([, col]) => col);
      await session.copyIn(
        KEYS_AHEAD,
        ['idkey', 'first_line', ...cols],
        [...keys.values()].map((r) => `${r.map(copyValue).join('\t')}\n`).join(''),
      );
      await session.copyIn(
        PRODUCTS_AHEAD,
        ['sku', 'name', 'line'],
        [...products].map(([code, [n, l]]) => `${[code, n, l].map(copyValue).join('\t')}\n`).join(''),
      );
    },
  };
}
