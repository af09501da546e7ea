import type { Session } from '../db/database.ts';

/** What a kind's processor is given once the staging table is loaded and identities resolved. */
export interface StageContext {
  session: Session;
  workspaceId: number;
  timezone: string;
  currency: string;
  /** Staging rows that passed validation. */
  stagedRows: number;
  /** Canonical fields the file carries (mapped columns); the others keep stored values on update. */
  mappedFields: ReadonlySet<string>;
  /**
   * Order lines only: `order_final`, the keys and the products were prepared before the
   * transaction and the lines of new orders written ahead (src/orders/order-lines-ahead.ts).
   */
  linesAhead?: boolean;
}

/** What a kind's processor reports. Customers whose orders changed go into the `touched` table. */
export interface StageCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  guest: number;
  /** Order-lines files: lines identical to an earlier line of their order, kept as lines of their own. */
  identical_lines?: number;
  /** Orders files: rows replaced by a later row of the same order (the last row of an order wins). */
  superseded_rows?: number;
}

/** Name of the temp table `(customer_id)` of customers whose aggregates need refreshing. */
export const TOUCHED = 'import_touched';
