/**
 * The purchase summaries compressed for the fits straight from their whole-day integers: the
 * same triples and spend rows as compressTriples and compressSpend would make of one object per
 * customer, without a million objects and string keys (each customer's key is one number).
 */
import type { SpendRows } from './gamma-gamma.ts';
import type { PurchaseSummaries } from './purchase-summary.ts';
import type { Triples } from './rfm-triples.ts';

const EXACT = 2 ** 53;

/**
 * Distinct keys, each with the first index that had it and how many share it. Numbers (exact
 * integers) go in an open-addressing table of typed arrays — a million keys in a Map took most
 * of a refresh's compression — strings, the rare fallback, in a Map.
 */
class Tally {
  private readonly strings = new Map<string, number>();
  private keys: Float64Array<ArrayBuffer> = new Float64Array(1 << 10);
  private slots = new Int32Array(1 << 11).fill(-1);
  readonly first: number[] = [];
  readonly count: number[] = [];

  /** Counts `key` (first seen at `i`); returns its position among the distinct keys. */
  add(key: number | string, i: number): number {
    if (typeof key === 'string') {
      const k = this.strings.get(key);
      if (k !== undefined) return this.seen(k);
      this.strings.set(key, this.first.length);
      return this.added(i);
    }
    const mask = this.slots.length - 1;
    for (let s = slotOf(key) & mask; ; s = (s + 1) & mask) {
      const k = this.slots[s]!;
      if (k < 0) {
        this.slots[s] = this.first.length;
        if (this.first.length === this.keys.length) this.keys = grown(this.keys);
        this.keys[this.first.length] = key;
        const position = this.added(i);
        if (this.first.length * 2 > this.slots.length) this.rehash();
        return position;
      }
      if (this.keys[k] === key) return this.seen(k);
    }
  }

  private seen(k: number): number {
    this.count[k]!++;
    return k;
  }

  private added(i: number): number {
    this.first.push(i);
    this.count.push(1);
    return this.first.length - 1;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (const k of this.slots) {
      if (k < 0) continue;
      let s = slotOf(this.keys[k]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = k;
    }
    this.slots = slots;
  }
}

/** A well-mixed 32-bit hash of an exact integer below 2⁵³ (its low and high words). */
function slotOf(key: number): number {
  const high = Math.floor(key / 4_294_967_296) | 0;
  let h = Math.imul((key >>> 0) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16);
}

function grown(keys: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const next = new Float64Array(keys.length * 2);
  next.set(keys);
  return next;
}

/** Each customer's position among the distinct whole-day (x, t_x, T), with each one's first customer and count. */
export interface TripleIndex {
  /** Per customer: the index of their triple. */
  of: Int32Array;
  first: number[];
  count: number[];
}

// The fit and the scoring of one refresh both group the same summaries: once is enough.
const indexes = new WeakMap<PurchaseSummaries, TripleIndex>();

/**
 * Groups the customers by their whole-day (x, t_x, T): one exact number per customer as the key
 * where it fits. Kept per summaries (they are read once and never changed), so a refresh that fits
 * and then scores groups them once.
 */
export function tripleIndex(s: PurchaseSummaries): TripleIndex {
  let index = indexes.get(s);
  if (!index) {
    index = groupTriples(s);
    indexes.set(s, index);
  }
  return index;
}

function groupTriples(s: PurchaseSummaries): TripleIndex {
  const n = s.customerId.length;
  let maxX = 0;
  let maxT = 0;
  for (let i = 0; i < n; i++) {
    maxX = Math.max(maxX, s.days[i]! - 1);
    maxT = Math.max(maxT, s.endDay - s.firstDay[i]!);
  }
  // x, t_x and T (whole days, 0 ≤ t_x ≤ T) packed into one exact number, else a string key.
  const span = maxT + 1;
  const numeric = (maxX + 1) * span * span < EXACT;
  const tally = new Tally();
  const of = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = s.days[i]! - 1;
    const txDays = s.lastDay[i]! - s.firstDay[i]!;
    const tDays = s.endDay - s.firstDay[i]!;
    of[i] = tally.add(numeric ? (x * span + txDays) * span + tDays : `${x}|${txDays}|${tDays}`, i);
  }
  return { of, first: tally.first, count: tally.count };
}

/** The customers' (x, t_x, T) in model units (`unit` days each) as unique triples with counts. */
export function summaryTriples(s: PurchaseSummaries, unit: number, index = tripleIndex(s)): Triples {
  const length = index.first.length;
  const out: Triples = {
    x: new Float64Array(length),
    tx: new Float64Array(length),
    T: new Float64Array(length),
    count: Float64Array.from(index.count),
    length,
  };
  index.first.forEach((i, k) => {
    out.x[k] = s.days[i]! - 1;
    out.tx[k] = (s.lastDay[i]! - s.firstDay[i]!) / unit;
    out.T[k] = (s.endDay - s.firstDay[i]!) / unit;
  });
  return out;
}

/**
 * Repeat buyers' (x, z̄) with z̄ their mean net spend per repeat purchase in major units, unique
 * pairs with counts; customers without a repeat purchase or a positive spend are left out.
 */
export function summarySpend(s: PurchaseSummaries, minorPerMajor: number): SpendRows {
  const n = s.customerId.length;
  let maxX = 0;
  let maxNet = 0;
  for (let i = 0; i < n; i++) {
    maxX = Math.max(maxX, s.days[i]! - 1);
    maxNet = Math.max(maxNet, s.repeatNet[i]!);
  }
  // The same x and net give the same z̄: keyed by both, exactly, as one number where it fits.
  const numeric = (maxNet + 1) * (maxX + 1) < EXACT;
  const tally = new Tally();
  for (let i = 0; i < n; i++) {
    const x = s.days[i]! - 1;
    const net = s.repeatNet[i]!;
    if (x <= 0 || !(net > 0)) continue;
    tally.add(numeric && Number.isInteger(net) ? net * (maxX + 1) + x : `${x}|${net}`, i);
  }
  const length = tally.first.length;
  const out: SpendRows = {
    x: new Float64Array(length),
    zbar: new Float64Array(length),
    count: Float64Array.from(tally.count),
    length,
  };
  tally.first.forEach((i, k) => {
    const x = s.days[i]! - 1;
    out.x[k] = x;
    out.zbar[k] = s.repeatNet[i]! / x / minorPerMajor;
  });
  return out;
}
