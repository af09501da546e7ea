import { readFileSync } from 'node:fs';
import { SHARED_DATA } from './stores.ts';

/** One CDNOW customer summarised straight from the file: same-day purchases merged, weeks. */
export interface CdnowCustomer {
  id: string;
  x: number;
  tx: number;
  T: number;
  /** Mean dollars per repeat purchase in calibration (0 without one). */
  zbar: number;
  /** Purchase days after the calibration end. */
  holdout: number;
}

function sampleRows() {
  const lines = readFileSync(`${SHARED_DATA}cdnow/CDNOW_sample.txt`, 'utf8').trim().split(/\r?\n/);
  return lines.map((l) => l.trim().split(/\s+/) as [string, string, string, string, string]);
}

/**
 * The CDNOW 1/10 sample with a 39-week calibration ending 1997-09-30, computed here without the
 * database: the independent side of the published-figures tests.
 */
export function cdnowSample(): CdnowCustomer[] {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const [id, , date, , dollars] of sampleRows()) {
    const day = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8)) / 86_400_000;
    const days = byCustomer.get(id) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + Number(dollars));
    byCustomer.set(id, days);
  }
  const end = Date.UTC(1997, 8, 30) / 86_400_000;
  return [...byCustomer.entries()].map(([id, days]) => {
    const all = [...days.keys()].sort((a, b) => a - b);
    const cal = all.filter((d) => d <= end);
    const x = cal.length - 1;
    const repeatSpend = cal.slice(1).reduce((t, d) => t + days.get(d)!, 0);
    return {
      id,
      x,
      tx: (cal[x]! - cal[0]!) / 7,
      T: (end - cal[0]!) / 7,
      zbar: x > 0 ? repeatSpend / x : 0,
      holdout: all.length - cal.length,
    };
  });
}

/** The sample as the orders CSV a merchant would export (the master id as the customer id). */
export function cdnowSampleCsv(): string {
  const rows = sampleRows().map(([id, , date, , dollars], i) => `S${i + 1},${id},${date},${dollars}`);
  return `order_id,customer_id,ordered_at,amount\n${rows.join('\n')}\n`;
}
