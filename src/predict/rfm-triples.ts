/** Customers' (x, t_x, T) compressed to unique triples, each with how many customers share it. */
export interface Triples {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  count: Float64Array;
  length: number;
}

/** One customer's summary in model units: repeat purchases, time of the last one, time since the first. */
export interface CustomerSummary {
  x: number;
  tx: number;
  T: number;
}

/**
 * Compresses summaries to unique (x, t_x, T): whole-day data gives few distinct triples (CDNOW:
 * about 1,500 for 2,357 customers; a million customers over three years fit in tens of thousands),
 * so a likelihood costs per triple, not per customer.
 */
export function compressTriples(rows: Iterable<CustomerSummary>): Triples {
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const count: number[] = [];
  for (const row of rows) {
    const key = `${row.x}|${row.tx}|${row.T}`;
    const at = index.get(key);
    if (at !== undefined) {
      count[at]!++;
      continue;
    }
    index.set(key, x.length);
    x.push(row.x);
    tx.push(row.tx);
    T.push(row.T);
    count.push(1);
  }
  return {
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    count: Float64Array.from(count),
    length: x.length,
  };
}
