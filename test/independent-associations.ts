/**
 * Item-to-item associations and a customer's top-N written a second time, naively, over plain
 * order lists in JavaScript, for tests. Dates are local YYYY-MM-DD; times order the orders.
 */

/** One valid order: its customer, when, and its products (SKU, else name). */
export interface PlainOrder {
  id: string;
  customer: string;
  at: string;
  items: string[];
}

/** One association as the tests compare it. */
export interface PlainAssociation {
  kind: 'together' | 'after';
  item: string;
  other: string;
  pairs: number;
  support: number;
  confidence: number;
  lift: number;
}

const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * Every association seen in at least `minPairs` orders (together: orders of at most `maxBasket`
 * products) or buyers (after: buyers of at most `maxBuyer` products).
 */
export function expectedAssociations(
  orders: PlainOrder[],
  rules: { minPairs: number; maxBasket: number; maxBuyer: number },
): PlainAssociation[] {
  const minPairs = rules.minPairs;
  const out: PlainAssociation[] = [];
  const inOrders = new Map<string, number>();
  const together = new Map<string, number>();
  let baskets = 0;
  for (const o of orders) {
    const items = [...new Set(o.items)];
    if (items.length > rules.maxBasket) continue;
    baskets++;
    for (const a of items) count(inOrders, a);
    for (const a of items) for (const b of items) if (a !== b) count(together, `${a}\u0000${b}`);
  }
  // Per buyer and product: the first and last time they bought it.
  const spans = new Map<string, Map<string, { first: string; last: string }>>();
  for (const o of orders)
    for (const item of o.items) {
      const mine = spans.get(o.customer) ?? new Map();
      spans.set(o.customer, mine);
      const s = mine.get(item);
      mine.set(item, {
        first: s && s.first < o.at ? s.first : o.at,
        last: s && s.last > o.at ? s.last : o.at,
      });
    }
  const inBuyers = new Map<string, number>();
  const after = new Map<string, number>();
  let buyers = 0;
  for (const mine of spans.values()) {
    if (mine.size > rules.maxBuyer) continue;
    buyers++;
    for (const a of mine.keys()) count(inBuyers, a);
    for (const [a, sa] of mine)
      for (const [b, sb] of mine) if (a !== b && sb.last > sa.first) count(after, `${a}\u0000${b}`);
  }
  const add = (
    kind: 'together' | 'after',
    pairs: Map<string, number>,
    n: Map<string, number>,
    total: number,
  ) => {
    for (const [key, k] of pairs) {
      if (k < minPairs) continue;
      const [item, other] = key.split('\u0000') as [string, string];
      const confidence = k / n.get(item)!;
      out.push({
        kind,
        item,
        other,
        pairs: k,
        support: k / total,
        confidence,
        lift: confidence / (n.get(other)! / total),
      });
    }
  };
  add('together', together, inOrders, baskets);
  add('after', after, inBuyers, buyers);
  return out;
}

/**
 * A customer's expected top-N: Σ confidence from their `seeds` most recently bought products,
 * recent and not-sold exclusions, ties by name.
 */
export function expectedTopN(
  orders: PlainOrder[],
  associations: PlainAssociation[],
  names: Map<string, string>,
  customer: string,
  rules: { top: number; recentDays: number; notSoldDays: number; seeds: number },
): { name: string; score: number }[] {
  const day = (at: string) => Date.parse(`${at.slice(0, 10)}T00:00:00Z`) / 86_400_000;
  const lastSold = new Map<string, number>();
  for (const o of orders) for (const i of o.items) lastSold.set(i, Math.max(lastSold.get(i) ?? 0, day(o.at)));
  const latest = Math.max(...lastSold.values());
  const mine = new Map<string, number>();
  for (const o of orders.filter((x) => x.customer === customer))
    for (const i of o.items) mine.set(i, Math.max(mine.get(i) ?? 0, day(o.at)));
  const myLast = Math.max(...mine.values());
  const seeds = new Set(
    [...mine]
      .sort(([i, x], [j, y]) => y - x || (i < j ? -1 : 1))
      .slice(0, rules.seeds)
      .map(([i]) => i),
  );
  const scores = new Map<string, number>();
  for (const a of associations)
    if (seeds.has(a.item)) scores.set(a.other, (scores.get(a.other) ?? 0) + a.confidence);
  return [...scores]
    .filter(([item]) => !(mine.has(item) && mine.get(item)! > myLast - rules.recentDays))
    .filter(([item]) => lastSold.get(item)! > latest - rules.notSoldDays)
    .map(([item, score]) => ({ name: names.get(item)!, score }))
    .sort((x, y) => y.score - x.score || (x.name < y.name ? -1 : 1))
    .slice(0, rules.top);
}
