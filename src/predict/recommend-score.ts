/**
 * Per-customer scoring of the stored associations in-process: the associations are read once into
 * arrays (per product its others and their summed confidence), every customer's lines once
 * (binary COPY where the store can), and each customer keeps only their top N while scoring.
 */
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import {
  byteOrderRanks,
  type CustomerGroups,
  type GroupRange,
  groupByCustomer,
} from './association-count.ts';
import type { ItemLines } from './item-lines.ts';

/** The stored associations as arrays: per product the others it leads to (CSR form). */
export interface AssociationIndex {
  items: string[];
  names: string[];
  /** Days since 2000-01-01 of each product's last sale. */
  lastSold: Int32Array;
  /** The latest last sale of any product (the reference for "not sold any more"). */
  lastSale: number;
  /** Others of product i: `other[start[i] .. start[i+1])` with Σ confidence over both kinds in `weight`. */
  start: Int32Array;
  other: Int32Array;
  weight: Float64Array;
  nameRank: Int32Array;
  itemRank: Int32Array;
}

/** A product as the index is built from: its item, display name and last sale (days since 2000-01-01). */
export interface IndexProduct {
  item: string;
  name: string;
  lastSold: number;
}

/**
 * The workspace's stored associations, or null before the first refresh; with `from`, only the
 * associations leading from those products (every product is still listed).
 */
export async function readAssociationIndex(
  db: Kysely<Schema>,
  ws: number,
  from?: readonly string[],
): Promise<AssociationIndex | null> {
  const products = (
    await sql<IndexProduct>`
      select item, name, (last_sold - date '2000-01-01')::int as "lastSold"
      from association_products where workspace_id = ${ws}`.execute(db)
  ).rows;
  if (!products.length) return null;
  const index = new Map(products.map((p, i) => [p.item, i]));
  const pairs = (
    await sql<{ item: string; other: string; confidence: number }>`
      select item, other, confidence from product_associations where workspace_id = ${ws}
        ${from ? sql`and item = any(${from}::text[])` : sql``}`.execute(db)
  ).rows;
  return associationIndex(
    products,
    pairs.map((p) => ({ item: index.get(p.item)!, other: index.get(p.other)!, confidence: p.confidence })),
  );
}

/**
 * The index of products and their associations (`item`, `other`: indices into `products`), as a
 * refresh stores them or has just computed them.
 */
export function associationIndex(
  products: readonly IndexProduct[],
  pairs: readonly { item: number; other: number; confidence: number }[],
): AssociationIndex {
  const items = products.map((p) => p.item);
  // Both kinds of one pair add up to one weight, as the reason's sum over a seed's associations.
  const merged = new Map<number, number>();
  const n = items.length;
  for (const p of pairs) {
    const key = p.item * n + p.other;
    merged.set(key, (merged.get(key) ?? 0) + p.confidence);
  }
  const keys = Float64Array.from(merged.keys()).sort();
  const start = new Int32Array(n + 1);
  const other = new Int32Array(keys.length);
  const weight = new Float64Array(keys.length);
  keys.forEach((key, k) => {
    start[Math.floor(key / n) + 1]!++;
    other[k] = key % n;
    weight[k] = merged.get(key)!;
  });
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const lastSold = Int32Array.from(products, (p) => p.lastSold);
  return {
    items,
    names: products.map((p) => p.name),
    lastSold,
    lastSale: lastSold.reduce((a, b) => Math.max(a, b), -Infinity),
    start,
    other,
    weight,
    nameRank: byteOrderRanks(products.map((p) => p.name)),
    itemRank: byteOrderRanks(items),
  };
}

/** The rules a customer's list follows. */
export interface ScoreRules {
  top: number;
  seeds: number;
  recentDays: number;
  notSoldDays: number;
}

/** Customers' recommended products as columns, row by row (products are indices into the association index). */
export interface ScoredColumns {
  n: number;
  customer: Float64Array;
  rank: Int32Array;
  product: Int32Array;
  score: Float64Array;
  because: Int32Array;
}

/** The array columns of {@link ScoredColumns}. */
export const SCORED_COLUMNS = ['customer', 'rank', 'product', 'score', 'because'] as const;

/** Room for `capacity` scored rows. */
function scoredColumns(capacity: number): ScoredColumns {
  return {
    n: 0,
    customer: new Float64Array(capacity),
    rank: new Int32Array(capacity),
    product: new Int32Array(capacity),
    score: new Float64Array(capacity),
    because: new Int32Array(capacity),
  };
}

/** The same rows with room for at least `capacity` (twice as many as now, or more). */
function grown(rows: ScoredColumns, capacity: number): ScoredColumns {
  const out = scoredColumns(Math.max(capacity, rows.customer.length * 2));
  for (const column of SCORED_COLUMNS) out[column].set(rows[column].subarray(0, rows.n));
  out.n = rows.n;
  return out;
}

/** The rows of several parts (other customers each, in order) as one. */
export function concatScored(parts: readonly ScoredColumns[]): ScoredColumns {
  const out = scoredColumns(parts.reduce((n, p) => n + p.n, 0));
  for (const p of parts) {
    for (const column of SCORED_COLUMNS) out[column].set(p[column].subarray(0, p.n), out.n);
    out.n += p.n;
  }
  return out;
}

/**
 * Every customer's top N in customer id order (see recommendFor for the rules). Per customer one
 * pass over their seeds' associations; the N best are kept as they come (ties broken by name and
 * item in byte order; scores compared rounded to 9 decimals, so sums of one set of terms in another
 * order still tie). With `range`, only those customers.
 */
export function scoreCustomers(
  lines: ItemLines,
  ix: AssociationIndex,
  rules: ScoreRules,
  range?: GroupRange,
  groups: CustomerGroups = groupByCustomer(lines),
): ScoredColumns {
  const p = ix.items.length;
  const known = new Map(ix.items.map((item, i) => [item, i]));
  const lineItems = lines.items.length;
  const toIndex = Int32Array.from(lines.items, (item) => known.get(item) ?? -1);
  const toLine = new Int32Array(p).fill(-1);
  toIndex.forEach((i, line) => {
    if (i >= 0) toLine[i] = line;
  });
  const lineRank = byteOrderRanks(lines.items);
  const sold = ix.lastSold.map((d) => (d > ix.lastSale - rules.notSoldDays ? 1 : 0));
  // Per line item: last day bought by the current customer (stamped by customer).
  const seen = new Int32Array(lineItems).fill(-1);
  const last = new Int32Array(lineItems);
  const mine = new Int32Array(lineItems);
  // Per product: score and best seed for the current customer (stamped by customer).
  const touched = new Int32Array(p).fill(-1);
  const score = new Float64Array(p);
  const best = new Float64Array(p);
  const bestSeed = new Int32Array(p);
  const candidates = new Int32Array(p);
  const { starts, order, customers } = groups;
  const first = range?.from ?? 0;
  const end = range?.to ?? customers.length;
  // Sized for ten a customer (most get their top ten, or fewer); grown when a larger top fills it.
  let out = scoredColumns((end - first) * Math.min(rules.top, 10));
  const top: number[] = [];
  const ahead = (a: number, b: number) =>
    Math.round(score[b]! * 1e9) - Math.round(score[a]! * 1e9) ||
    ix.nameRank[a]! - ix.nameRank[b]! ||
    ix.itemRank[a]! - ix.itemRank[b]!;
  for (let g = first; g < end; g++) {
    // Guests' lines (in a read for the associations too) have no customer to recommend to.
    if (customers[g] === -1) continue;
    let size = 0;
    let latest = -Infinity;
    for (let k = starts[g]!; k < starts[g + 1]!; k++) {
      const line = order[k]!;
      const item = lines.item[line]!;
      const day = lines.day[line]!;
      if (seen[item] !== g) {
        seen[item] = g;
        last[item] = day;
        mine[size++] = item;
      } else if (day > last[item]!) last[item] = day;
      if (day > latest) latest = day;
    }
    // Only a customer of more products than the seeds needs them ranked: a score is a sum, the
    // reason the best seed whatever the order.
    if (size > rules.seeds) {
      const ranked = Array.from(mine.subarray(0, size)).sort(
        (a, b) => last[b]! - last[a]! || lineRank[a]! - lineRank[b]!,
      );
      mine.set(ranked.slice(0, rules.seeds));
      size = rules.seeds;
    }
    let count = 0;
    for (let s = 0; s < size; s++) {
      const seed = mine[s]!;
      const from = toIndex[seed]!;
      if (from < 0) continue;
      for (let k = ix.start[from]!; k < ix.start[from + 1]!; k++) {
        const o = ix.other[k]!;
        const w = ix.weight[k]!;
        if (touched[o] !== g) {
          touched[o] = g;
          score[o] = 0;
          best[o] = -1;
          candidates[count++] = o;
        }
        score[o]! += w;
        if (w > best[o]! || (w === best[o] && lineRank[seed]! < lineRank[bestSeed[o]!]!)) {
          best[o] = w;
          bestSeed[o] = seed;
        }
      }
    }
    top.length = 0;
    for (let k = 0; k < count; k++) {
      const o = candidates[k]!;
      if (!sold[o]) continue;
      const line = toLine[o]!;
      if (line >= 0 && seen[line] === g && last[line]! > latest - rules.recentDays) continue;
      if (top.length === rules.top && ahead(o, top[top.length - 1]!) >= 0) continue;
      let at = top.length === rules.top ? top.length - 1 : top.length;
      while (at > 0 && ahead(o, top[at - 1]!) < 0) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = o;
    }
    if (out.n + top.length > out.customer.length) out = grown(out, out.n + top.length);
    for (let r = 0; r < top.length; r++) {
      const o = top[r]!;
      out.customer[out.n] = customers[g]!;
      out.rank[out.n] = r + 1;
      out.product[out.n] = o;
      out.score[out.n] = score[o]!;
      out.because[out.n] = toIndex[bestSeed[o]!]!;
      out.n++;
    }
  }
  return out;
}
