/**
 * Item-to-item association counting in-process over typed arrays: one pass over each customer's
 * lines (grouped by a counting sort, then by order) counts products, baskets, buyers and both
 * kinds of pair; no SQL self-join of millions of rows.
 */
import type { ItemLines } from './item-lines.ts';
import { sharedArray } from './item-lines-query.ts';

/** Per product: orders with it, buyers of it, the local date (days since 2000) of its last sale. */
export interface ProductTally {
  orders: Int32Array;
  customers: Int32Array;
  lastDay: Int32Array;
}

/** What one counting pass gives: per product tallies, both kinds of pair, and the denominators. */
export interface AssociationCounts {
  products: ProductTally;
  /** Distinct valid orders and their distinct buyers. */
  orders: number;
  customers: number;
  /** Orders of at most maxBasket products, and buyers of at most maxBuyer, with per product counts. */
  baskets: number;
  inOrders: Int32Array;
  buyers: number;
  inBuyers: Int32Array;
  together: PairCounter;
  after: PairCounter;
}

/** Counts of ordered product pairs: a dense matrix for a catalogue that fits, else a map. */
export class PairCounter {
  readonly dense: Int32Array | null;
  readonly sparse: Map<number, number>;

  /** `cells`: the counts of another counter of the same size (a worker thread's, sent back). */
  constructor(
    readonly size: number,
    cells?: { dense: Int32Array | null; sparse: Map<number, number> },
  ) {
    // 2²⁵ cells (128 MB) hold 5,792 products; a bigger catalogue counts its pairs in a map.
    this.dense = cells ? cells.dense : size * size <= 1 << 25 ? new Int32Array(size * size) : null;
    this.sparse = cells?.sparse ?? new Map();
  }

  /** Adds another counter's counts (of the same size) to these. */
  addAll(other: PairCounter): void {
    if (this.dense && other.dense) addInto(this.dense, other.dense);
    for (const [key, n] of other.sparse) this.sparse.set(key, (this.sparse.get(key) ?? 0) + n);
  }

  add(a: number, b: number): void {
    const key = a * this.size + b;
    if (this.dense) this.dense[key]!++;
    else this.sparse.set(key, (this.sparse.get(key) ?? 0) + 1);
  }

  /** Calls `visit` for every pair counted at least `min` times, by first product. */
  forEach(min: number, visit: (a: number, b: number, pairs: number) => void): void {
    const n = this.size;
    if (this.dense) {
      const d = this.dense;
      for (let key = 0; key < d.length; key++)
        if (d[key]! >= min) visit(Math.floor(key / n), key % n, d[key]!);
      return;
    }
    const keys = [...this.sparse.keys()].sort((x, y) => x - y);
    for (const key of keys) {
      const pairs = this.sparse.get(key)!;
      if (pairs >= min) visit(Math.floor(key / n), key % n, pairs);
    }
  }
}

/** The lines' indices grouped by customer, groups in customer id order (guests, -1, first). */
export interface CustomerGroups {
  /** Group g's lines are `order[starts[g] .. starts[g+1])`. */
  starts: Int32Array;
  order: Int32Array;
  /** Each group's customer id. */
  customers: Float64Array;
}

/** Groupings already made, by lines: counting and scoring one read group it once. */
const grouped = new WeakMap<ItemLines, CustomerGroups>();

/**
 * Groups the lines by customer (a counting sort over groups numbered in id order). The same lines
 * get the same grouping (callers may reorder lines within a group, never across).
 */
export function groupByCustomer(lines: ItemLines): CustomerGroups {
  const known = grouped.get(lines);
  if (known) return known;
  const n = lines.n;
  const group = new Int32Array(n);
  const customers = groupNumbers(lines.customer, n, group);
  const starts = sharedArray(Int32Array, customers.length + 1);
  for (let i = 0; i < n; i++) starts[group[i]! + 1]!++;
  for (let g = 0; g < customers.length; g++) starts[g + 1]! += starts[g]!;
  const next = starts.slice(0, customers.length);
  const order = sharedArray(Int32Array, n);
  for (let i = 0; i < n; i++) order[next[group[i]!]!++] = i;
  const groups = { starts, order, customers };
  grouped.set(lines, groups);
  return groups;
}

/**
 * Fills `group` with each line's group (customers numbered in id order) and returns the ids. Ids
 * within a span a few times the lines' count (serial ids) are looked up in an array, else a map.
 */
function groupNumbers(customer: Float64Array, n: number, group: Int32Array): Float64Array {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = customer[i]!;
    if (c < low) low = c;
    if (c > high) high = c;
  }
  if (n > 0 && high - low <= 4 * n + 1024) {
    const slot = new Int32Array(high - low + 1).fill(-1);
    for (let i = 0; i < n; i++) slot[customer[i]! - low] = 0;
    const ids: number[] = [];
    for (let k = 0; k < slot.length; k++) if (slot[k] === 0) slot[k] = ids.push(low + k) - 1;
    for (let i = 0; i < n; i++) group[i] = slot[customer[i]! - low]!;
    return sharedCopy(ids);
  }
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = customer[i]!;
    let g = ids.get(c);
    if (g === undefined) {
      g = ids.size;
      ids.set(c, g);
    }
    group[i] = g;
  }
  const customers = sharedCopy([...ids.keys()]).sort();
  const rankOf = new Int32Array(ids.size);
  customers.forEach((id, rank) => {
    rankOf[ids.get(id)!] = rank;
  });
  for (let i = 0; i < n; i++) group[i] = rankOf[group[i]!]!;
  return customers;
}

function sharedCopy(values: readonly number[]): Float64Array {
  const out = sharedArray(Float64Array, values.length);
  out.set(values);
  return out;
}

/** Sorts `lines` by `key` in place: an insertion sort, as a customer's lines are few and mostly in runs. */
function sortByKey(lines: Int32Array, key: Float64Array): void {
  if (lines.length > 64) {
    lines.sort((x, y) => key[x]! - key[y]!);
    return;
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const k = key[line]!;
    let j = i - 1;
    while (j >= 0 && key[lines[j]!]! > k) {
      lines[j + 1] = lines[j]!;
      j--;
    }
    lines[j + 1] = line;
  }
}

/** Customer groups `from` (inclusive) to `to` (exclusive), in {@link groupByCustomer}'s numbering. */
export interface GroupRange {
  from: number;
  to: number;
}

/**
 * Counts everything the associations need. `together` over orders of at most `maxBasket` distinct
 * products; `after` (a → b when the buyer's last order with b came after their first with a) over
 * buyers of at most `maxBuyer` distinct products. With `range`, only those customers' lines (the
 * counts of two ranges add up to those of both: see {@link addCounts}).
 */
export function countAssociations(
  lines: ItemLines,
  rules: { maxBasket: number; maxBuyer: number },
  range?: GroupRange,
  groups: CustomerGroups = groupByCustomer(lines),
): AssociationCounts {
  const p = lines.items.length;
  const out: AssociationCounts = {
    products: {
      orders: new Int32Array(p),
      customers: new Int32Array(p),
      lastDay: new Int32Array(p).fill(-1e9),
    },
    orders: 0,
    customers: 0,
    baskets: 0,
    inOrders: new Int32Array(p),
    buyers: 0,
    inBuyers: new Int32Array(p),
    together: new PairCounter(p),
    after: new PairCounter(p),
  };
  const { starts, order } = groups;
  const stamp = new Int32Array(p).fill(-1);
  const firstAt = new Float64Array(p);
  const lastAt = new Float64Array(p);
  const basket = new Int32Array(p);
  const bought = new Int32Array(p);
  let mark = 0;
  const key = lines.order;
  const last = range ? range.to : starts.length - 1;
  for (let g = range?.from ?? 0; g < last; g++) {
    const mine = order.subarray(starts[g]!, starts[g + 1]!);
    sortByKey(mine, key);
    // Orders: runs of one order key.
    for (let from = 0; from < mine.length; ) {
      let to = from;
      let size = 0;
      mark++;
      while (to < mine.length && key[mine[to]!] === key[mine[from]!]) {
        const line = mine[to++]!;
        const item = lines.item[line]!;
        if (stamp[item] === mark) continue;
        stamp[item] = mark;
        basket[size++] = item;
        if (lines.day[line]! > out.products.lastDay[item]!) out.products.lastDay[item] = lines.day[line]!;
      }
      out.orders++;
      for (let k = 0; k < size; k++) out.products.orders[basket[k]!]!++;
      if (size <= rules.maxBasket) {
        out.baskets++;
        for (let a = 0; a < size; a++) {
          out.inOrders[basket[a]!]!++;
          for (let b = 0; b < size; b++) if (a !== b) out.together.add(basket[a]!, basket[b]!);
        }
      }
      from = to;
    }
    if (lines.customer[mine[0]!] === -1) continue;
    // The buyer: per product the first and last time bought.
    mark++;
    let size = 0;
    for (const line of mine) {
      const item = lines.item[line]!;
      const t = lines.at[line]!;
      if (stamp[item] !== mark) {
        stamp[item] = mark;
        bought[size++] = item;
        firstAt[item] = t;
        lastAt[item] = t;
      } else if (t < firstAt[item]!) firstAt[item] = t;
      else if (t > lastAt[item]!) lastAt[item] = t;
    }
    out.customers++;
    for (let k = 0; k < size; k++) out.products.customers[bought[k]!]!++;
    if (size > rules.maxBuyer) continue;
    out.buyers++;
    for (let a = 0; a < size; a++) {
      const x = bought[a]!;
      out.inBuyers[x]!++;
      for (let b = 0; b < size; b++)
        if (a !== b && lastAt[bought[b]!]! > firstAt[x]!) out.after.add(x, bought[b]!);
    }
  }
  return out;
}

/** Adds `b` to `a`, element by element (arrays of one length). */
function addInto(a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
}

/** Adds the counts of other customers (another range of the same lines) to `into`. */
export function addCounts(into: AssociationCounts, other: AssociationCounts): AssociationCounts {
  addInto(into.products.orders, other.products.orders);
  addInto(into.products.customers, other.products.customers);
  const lastDay = into.products.lastDay;
  for (let i = 0; i < lastDay.length; i++) lastDay[i] = Math.max(lastDay[i]!, other.products.lastDay[i]!);
  addInto(into.inOrders, other.inOrders);
  addInto(into.inBuyers, other.inBuyers);
  into.orders += other.orders;
  into.customers += other.customers;
  into.baskets += other.baskets;
  into.buyers += other.buyers;
  into.together.addAll(other.together);
  into.after.addAll(other.after);
  return into;
}

/** Each item's rank in byte (collate "C") order of its UTF-8 text. */
export function byteOrderRanks(items: readonly string[]): Int32Array {
  const bytes = items.map((s) => Buffer.from(s, 'utf8'));
  const sorted = items.map((_, i) => i).sort((a, b) => Buffer.compare(bytes[a]!, bytes[b]!));
  const rank = new Int32Array(items.length);
  sorted.forEach((item, r) => {
    rank[item] = r;
  });
  return rank;
}

/** One association as stored. */
export interface MeasuredAssociation {
  kind: 'together' | 'after';
  item: number;
  other: number;
  pairs: number;
  support: number;
  confidence: number;
  lift: number;
}

/**
 * Support, confidence and lift of every pair seen `minPairs` times: `together` over baskets,
 * `after` over buyers (pairs ÷ total, pairs ÷ the item's count, confidence ÷ the other's share);
 * per item and kind the `kept` strongest by confidence × lift, ties by the other's byte order.
 */
export function measureAssociations(
  c: AssociationCounts,
  rank: Int32Array,
  rules: { minPairs: number; kept: number },
): MeasuredAssociation[] {
  const out: MeasuredAssociation[] = [];
  const kinds = [
    { kind: 'together', pairs: c.together, n: c.inOrders, total: c.baskets },
    { kind: 'after', pairs: c.after, n: c.inBuyers, total: c.buyers },
  ] as const;
  for (const { kind, pairs, n, total } of kinds) {
    let current = -1;
    let found: MeasuredAssociation[] = [];
    const flush = () => {
      found.sort((x, y) => y.confidence * y.lift - x.confidence * x.lift || rank[x.other]! - rank[y.other]!);
      for (const a of found.slice(0, rules.kept)) out.push(a);
      found = [];
    };
    pairs.forEach(rules.minPairs, (item, other, k) => {
      if (item !== current) flush();
      current = item;
      const confidence = k / n[item]!;
      found.push({
        kind,
        item,
        other,
        pairs: k,
        support: k / total,
        confidence,
        lift: confidence / (n[other]! / total),
      });
    });
    flush();
  }
  return out;
}
