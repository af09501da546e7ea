import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, SHARED_DATA, storesUnderTest } from './stores.ts';

/**
 * CDNOW's transactions, whitespace separated with CRLF line ends, written out as the CSV a merchant
 * would export: an order id per transaction, `YYYYMMDD` dates, dollar amounts, zero-padded ids.
 */
function cdnowAsCsv() {
  const lines = readFileSync(`${SHARED_DATA}cdnow/CDNOW_master.txt`, 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.trim().split(/\s+/) as [string, string, string, string]);
  const csv = [
    'order_id,customer_id,ordered_at,amount',
    ...rows.map(([id, date, , dollars], i) => `T${i + 1},${id},${date},${dollars}`),
  ];
  const expected = new Map<string, { orders: number; cents: number }>();
  for (const [id, , , dollars] of rows) {
    const [whole, frac = ''] = dollars.split('.');
    const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    if (cents <= 0) continue;
    const c = expected.get(id) ?? { orders: 0, cents: 0 };
    c.orders++;
    c.cents += cents;
    expected.set(id, c);
  }
  return {
    csv: `${csv.join('\n')}\n`,
    rows: rows.length,
    customers: new Set(rows.map((r) => r[0])).size,
    expected,
  };
}

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('CDNOW as orders ($name)', (store) => {
  it('keeps zero-padded ids as given, counts same-day orders separately and skips $0 orders', async () => {
    const data = cdnowAsCsv();
    expect([data.rows, data.customers]).toEqual([69659, 23570]);
    const file = join(mkdtempSync(join(tmpdir(), 'retain-cdnow-')), 'cdnow.csv');
    writeFileSync(file, data.csv);
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'cdnow',
        timezone: 'America/New_York',
        currency: 'USD',
      });
      const stats = await importFile(database, { kind: 'orders', file, workspace: ws });
      expect(stats).toMatchObject({ read: 69659, inserted: 69659, rejected: 0, guest: 0, merged: 0 });
      const rows = await sql<{ external_id: string; order_count: number; net_total: number }>`
        select external_id, order_count, net_total from customers where workspace_id = ${ws.id}`.execute(
        database.db,
      );
      expect(rows.rows).toHaveLength(23570);
      const actual = new Map(
        rows.rows
          .filter((r) => r.order_count > 0)
          .map((r) => [r.external_id, { orders: r.order_count, cents: r.net_total }]),
      );
      expect(actual).toEqual(data.expected);
    } finally {
      await database.close();
    }
  });
});
