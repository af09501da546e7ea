/**
 * PRODUCT.md §3.5 metrics written a second time, naively, over plain order lists, for tests.
 * `customer` is empty for guest orders; `net` in minor units; dates are local YYYY-MM-DD.
 */
import type { SimpleOrder } from './independent-rfm.ts';

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** Expected monthly metrics for each month start in [from, to), both the 1st of a month. */
export function expectedMonthlyMetrics(orders: SimpleOrder[], from: string, to: string) {
  const valid = orders.filter((o) => o.net > 0);
  const first = new Map<string, string>();
  for (const o of valid)
    if (o.customer && (!first.has(o.customer) || o.date < first.get(o.customer)!))
      first.set(o.customer, o.date);
  const countsIn = (start: string, stop: string) => {
    const m = new Map<string, number>();
    for (const o of valid)
      if (o.customer && o.date >= start && o.date < stop) m.set(o.customer, (m.get(o.customer) ?? 0) + 1);
    return m;
  };
  const rows = [];
  for (let start = from; start < to; start = addMonths(start, 1)) {
    const stop = addMonths(start, 1);
    const inP = valid.filter((o) => o.date >= start && o.date < stop);
    const revenue = inP.reduce((s, o) => s + o.net, 0);
    const counts = countsIn(start, stop);
    const prev = countsIn(addMonths(start, -1), start);
    const buyers = counts.size;
    const repeaters = [...counts.values()].filter((n) => n >= 2);
    const returning = [...counts.keys()].filter((c) => first.get(c)! < start).length;
    const retained = [...prev.keys()].filter((c) => counts.has(c)).length;
    rows.push({
      period_start: start,
      buyers,
      orders: inP.length,
      revenue,
      aov: inP.length ? Math.round(revenue / inP.length) : null,
      repurchase_rate: buyers ? repeaters.length / buyers : null,
      avg_repurchase_frequency: repeaters.length
        ? repeaters.reduce((s, n) => s + n - 1, 0) / repeaters.length
        : null,
      returning_rate: buyers ? returning / buyers : null,
      retention_rate: prev.size ? retained / prev.size : null,
    });
  }
  return rows;
}
