/** Customers' (x, t_x, T) compressed to unique triples, each with how many customers share it. */
export interface Triples {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  count: Float64Array;
  length: number;
  /** Each triple's position in the distinct values of x, t_x and T: per-value work is done once. */
  index?: {
    x: Int32Array;
    tx: Int32Array;
    T: Int32Array;
    xs: Float64Array;
    txs: Float64Array;
    Ts: Float64Array;
  };
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

function distinct(values: Float64Array): { values: Float64Array; index: Int32Array } {
  const at = new Map<number, number>();
  const index = new Int32Array(values.length);
  const list: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let k = at.get(values[i]!);
    if (k === undefined) {
      k = list.length;
      at.set(values[i]!, k);
      list.push(values[i]!);
    }
    index[i] = k;
  }
  return { values: Float64Array.from(list), index };
}

/**
 * Adds each triple's position among the distinct x, t_x and T: whole-day data over a few years has
 * hundreds of thousands of triples but only a few thousand distinct values of each, so a
 * likelihood can take its logarithms and log-gammas per value and only add per triple.
 */
export function indexTriples(t: Triples): Required<Triples> {
  if (t.index) return t as Required<Triples>;
  const x = distinct(t.x);
  const tx = distinct(t.tx);
  const T = distinct(t.T);
  t.index = { x: x.index, tx: tx.index, T: T.index, xs: x.values, txs: tx.values, Ts: T.values };
  return t as Required<Triples>;
}

/** Every k-th triple (k = length / size), counts kept: a start for the search, not a fit. */
export function sampleTriples(t: Triples, size: number): Triples {
  const step = Math.max(1, Math.floor(t.length / size));
  const pick = (a: Float64Array) => a.filter((_, i) => i % step === 0);
  const x = pick(t.x);
  return { x, tx: pick(t.tx), T: pick(t.T), count: pick(t.count), length: x.length };
}
