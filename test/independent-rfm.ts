/**
 * RFM and lifecycle written a second time, straight from PRODUCT.md §3.3–3.4, over plain
 * per-customer order lists, for tests to compare the product's figures with. Deliberately naive:
 * counts by scanning, floats nowhere near a boundary are avoided by integer comparisons.
 */
export interface SimpleOrder {
  customer: string;
  /** Local date YYYY-MM-DD. */
  date: string;
  /** Net amount, minor units. */
  net: number;
}

const dayNumber = (date: string) =>
  Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 86_400_000;

export interface ExpectedRfm {
  recency: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_group: string;
}

/** Expected RFM rows by customer for `asOf` and an optional window, from valid orders only. */
export function expectedRfm(
  orders: SimpleOrder[],
  asOf: string,
  windowDays?: number,
  split: 'mean' | 'score' = 'mean',
): Map<string, ExpectedRfm> {
  const d = dayNumber(asOf);
  const per = new Map<string, { last: number; n: number; m: number }>();
  for (const o of orders) {
    if (o.net <= 0) continue;
    const since = d - dayNumber(o.date);
    if (since < 0) continue;
    if (windowDays !== undefined && since >= windowDays) continue;
    const c = per.get(o.customer) ?? { last: Number.POSITIVE_INFINITY, n: 0, m: 0 };
    c.last = Math.min(c.last, since);
    c.n++;
    c.m += o.net;
    per.set(o.customer, c);
  }
  const all = [...per.values()];
  const n = all.length;
  const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);
  const rs = sorted(all.map((c) => c.last));
  const fs = sorted(all.map((c) => c.n));
  const ms = sorted(all.map((c) => c.m));
  // count of values ≤ v (upper bound) and ≥ v (n − lower bound), by binary search.
  const upper = (xs: number[], v: number) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lower = (xs: number[], v: number) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const score = (count: number) => Math.ceil((5 * count) / n);
  const sumR = rs.reduce((a, b) => a + b, 0);
  const sumF = fs.reduce((a, b) => a + b, 0);
  const sumM = ms.reduce((a, b) => a + b, 0);
  const out = new Map<string, ExpectedRfm>();
  for (const [customer, c] of per) {
    const r_score = score(n - lower(rs, c.last));
    const f_score = score(upper(fs, c.n));
    const m_score = score(upper(ms, c.m));
    const recent = split === 'mean' ? c.last * n < sumR : r_score >= 3;
    const highF = split === 'mean' ? c.n * n > sumF : f_score >= 3;
    const highM = split === 'mean' ? c.m * n > sumM : m_score >= 3;
    const rfm_group = `${highM ? 'important' : 'general'}_${recent ? (highF ? 'value' : 'develop') : highF ? 'keep' : 'retain'}`;
    out.set(customer, {
      recency: c.last,
      frequency: c.n,
      monetary: c.m,
      r_score,
      f_score,
      m_score,
      rfm_group,
    });
  }
  return out;
}

/** Expected lifecycle stage by customer (customers with no valid order up to asOf are prospects). */
export function expectedLifecycle(
  orders: SimpleOrder[],
  customers: Iterable<string>,
  asOf: string,
): Map<string, string> {
  const d = dayNumber(asOf);
  const sinceByCustomer = new Map<string, number[]>();
  for (const c of customers) sinceByCustomer.set(c, []);
  for (const o of orders) {
    const since = d - dayNumber(o.date);
    if (o.net > 0 && since >= 0) sinceByCustomer.get(o.customer)?.push(since);
  }
  const out = new Map<string, string>();
  for (const [c, sinces] of sinceByCustomer) {
    if (sinces.length === 0) {
      out.set(c, 'prospect');
      continue;
    }
    const first = Math.max(...sinces);
    const last = Math.min(...sinces);
    const inWindow = sinces.filter((s) => s < 180).length;
    out.set(
      c,
      first <= 7
        ? 'new'
        : last <= 30 && first >= 180 && inWindow >= 3
          ? 'loyal'
          : last <= 30
            ? 'active'
            : last <= 90
              ? 'silent'
              : 'lost',
    );
  }
  return out;
}
