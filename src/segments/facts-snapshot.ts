/**
 * The columnar snapshot of every customer's segmentation inputs that do not depend on the as-of
 * date, in id order: what `retain rfm` scores from instead of reading a million rows out of SQL.
 * Dates are day numbers (days since 1970-01-01), {@link NO_DATE} when there is none.
 */
export interface FactsSnapshot {
  ids: Float64Array;
  labels: string[];
  firstDate: Int32Array;
  lastDate: Int32Array;
  orderCount: Int32Array;
  /** Net total of valid orders, minor units. */
  netTotal: Float64Array;
  /** The `loyalMinOrders`-th most recent valid order date (the loyal rule needs no other). */
  loyalDate: Int32Array;
  loyalMinOrders: number;
}

export const NO_DATE = -2147483648;

const MAGIC = 0x52465331; // "RFS1": bump when the layout changes, so old snapshots are rebuilt.
const HEADER_BYTES = 16;

/** An empty snapshot of `n` customers. */
export function emptySnapshot(n: number, loyalMinOrders: number): FactsSnapshot {
  return {
    ids: new Float64Array(n),
    labels: new Array<string>(n),
    firstDate: new Int32Array(n),
    lastDate: new Int32Array(n),
    orderCount: new Int32Array(n),
    netTotal: new Float64Array(n),
    loyalDate: new Int32Array(n),
    loyalMinOrders,
  };
}

/** The snapshot as bytes: a header, the 8-byte columns, the 4-byte columns, then the labels. */
export function encodeSnapshot(s: FactsSnapshot): Uint8Array[] {
  const n = s.ids.length;
  const labelEnds = new Uint32Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    end += s.labels[i]!.length;
    labelEnds[i] = end;
  }
  const text = Buffer.from(s.labels.join(''), 'utf8');
  const header = new DataView(new ArrayBuffer(HEADER_BYTES));
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, n, true);
  header.setUint32(8, s.loyalMinOrders, true);
  header.setUint32(12, text.length, true);
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [
    new Uint8Array(header.buffer),
    ...[s.ids, s.netTotal, s.firstDate, s.lastDate, s.orderCount, s.loyalDate, labelEnds].map(bytes),
    text,
  ];
}

/** Reads a snapshot back; undefined when the bytes are not one this build wrote (then rebuild). */
export function decodeSnapshot(bytes: Uint8Array): FactsSnapshot | undefined {
  if (bytes.byteLength < HEADER_BYTES) return undefined;
  // One aligned copy, so the columns can be typed-array views without further copies (not
  // `bytes.slice()`: on a Buffer that is a view of the same memory, at any alignment).
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const buffer = copy.buffer;
  const header = new DataView(buffer, 0, HEADER_BYTES);
  if (header.getUint32(0, true) !== MAGIC) return undefined;
  const n = header.getUint32(4, true);
  const textBytes = header.getUint32(12, true);
  if (buffer.byteLength !== HEADER_BYTES + n * (8 * 2 + 4 * 5) + textBytes) return undefined;
  let at = HEADER_BYTES;
  const f64 = () => {
    const a = new Float64Array(buffer, at, n);
    at += 8 * n;
    return a;
  };
  const i32 = () => {
    const a = new Int32Array(buffer, at, n);
    at += 4 * n;
    return a;
  };
  const ids = f64();
  const netTotal = f64();
  const firstDate = i32();
  const lastDate = i32();
  const orderCount = i32();
  const loyalDate = i32();
  const labelEnds = new Uint32Array(buffer, at, n);
  at += 4 * n;
  // One decode of all labels, then slices (which share the decoded string).
  const text = Buffer.from(buffer, at, textBytes).toString('utf8');
  const labels = new Array<string>(n);
  for (let i = 0, start = 0; i < n; i++) {
    labels[i] = text.slice(start, labelEnds[i]);
    start = labelEnds[i]!;
  }
  return {
    ids,
    labels,
    firstDate,
    lastDate,
    orderCount,
    netTotal,
    loyalDate,
    loyalMinOrders: header.getUint32(8, true),
  };
}

/** In a delta, the order count that marks a customer gone (merged away or deleted). */
export const GONE = -1;

/** The first `n` customers of `s` (views, no copies). */
function truncated(s: FactsSnapshot, n: number): FactsSnapshot {
  s.labels.length = n;
  return {
    ...s,
    ids: s.ids.subarray(0, n),
    firstDate: s.firstDate.subarray(0, n),
    lastDate: s.lastDate.subarray(0, n),
    orderCount: s.orderCount.subarray(0, n),
    netTotal: s.netTotal.subarray(0, n),
    loyalDate: s.loyalDate.subarray(0, n),
  };
}

/** Copies customer `i` of `from` into row `j` of `to`. */
export function copyCustomer(from: FactsSnapshot, i: number, to: FactsSnapshot, j: number): void {
  to.ids[j] = from.ids[i]!;
  to.labels[j] = from.labels[i]!;
  to.firstDate[j] = from.firstDate[i]!;
  to.lastDate[j] = from.lastDate[i]!;
  to.orderCount[j] = from.orderCount[i]!;
  to.netTotal[j] = from.netTotal[i]!;
  to.loyalDate[j] = from.loyalDate[i]!;
}

/**
 * `old` with the customers of `delta` (both in id order) replaced by theirs; customers marked
 * {@link GONE} are dropped (`keepGone`: kept as marks, for folding deltas into one).
 */
export function applyDelta(old: FactsSnapshot, delta: FactsSnapshot, keepGone = false): FactsSnapshot {
  const out = emptySnapshot(old.ids.length + delta.ids.length, old.loyalMinOrders);
  let i = 0;
  let d = 0;
  let j = 0;
  while (i < old.ids.length || d < delta.ids.length) {
    if (d < delta.ids.length && (i >= old.ids.length || delta.ids[d]! <= old.ids[i]!)) {
      if (i < old.ids.length && delta.ids[d] === old.ids[i]) i++;
      if (keepGone || delta.orderCount[d] !== GONE) copyCustomer(delta, d, out, j++);
      d++;
    } else copyCustomer(old, i++, out, j++);
  }
  return truncated(out, j);
}
