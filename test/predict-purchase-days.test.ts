import { afterAll, describe, expect, it } from 'vitest';
import { readPurchaseSummaries } from '../src/predict/purchase-summary.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The purchase days a refresh reads are kept on each customer by the imports: they must stay what
// grouping the orders would give, through a later refund and a later order, and an as-of date in
// the past must still count only the purchases up to it. Expected values worked out by hand
// (net amounts in fen: the file's amounts are in yuan).

afterAll(dropTestSchemas);

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** The summaries as plain rows by customer external id, sorted. */
async function summaries(
  database: Awaited<ReturnType<ReturnType<typeof storesUnderTest>[number]['open']>>,
  wsId: number,
  end: string,
  holdoutEnd: string | null = end,
) {
  const s = await readPurchaseSummaries(database, wsId, end, holdoutEnd);
  const ids = await database.db
    .selectFrom('customers')
    .select(['id', 'external_id'])
    .where('workspace_id', '=', wsId)
    .execute();
  const external = new Map(ids.map((r) => [Number(r.id), r.external_id]));
  return Array.from(s.customerId, (id, i) => ({
    customer: external.get(id),
    first: s.firstDay[i],
    last: s.lastDay[i],
    days: s.days[i],
    repeatNet: s.repeatNet[i],
    holdout: s.holdoutDays[i],
  })).sort((a, b) => String(a.customer).localeCompare(String(b.customer)));
}

describe.each(storesUnderTest())('purchase days kept at import ($name)', (store) => {
  it('match the orders after an import, a later refund and a later order, and cut at a past date', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'purchase-days',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      await importText(
        database,
        ws,
        'orders',
        [
          'order_id,customer_id,ordered_at,amount,status,refunded_amount',
          'A1,A,2024-01-01 10:00,100,paid,0',
          'A2,A,2024-01-01 20:00,50,completed,0', // same local day: the first purchase, net 150
          'A3,A,2024-02-01 10:00,0,paid,0', // a ¥0 purchase
          'A4,A,2024-03-05 10:00,90,paid,30', // partly refunded: net 60
          'A5,A,2024-03-06 10:00,80,cancelled,0',
          'B1,B,2024-01-10 10:00,200,paid,0',
          'B2,B,2024-02-10 10:00,100,paid,0',
          'B3,B,2024-02-10 23:30,25,paid,0', // same local day as B2: net 125
          'C1,C,2024-01-20 10:00,300,pending,0', // no purchase at all
        ].join('\n'),
      );
      expect(await summaries(database, ws.id, '2024-12-31')).toEqual([
        {
          customer: 'A',
          first: day('2024-01-01'),
          last: day('2024-03-05'),
          days: 3,
          repeatNet: 6000,
          holdout: 0,
        },
        {
          customer: 'B',
          first: day('2024-01-10'),
          last: day('2024-02-10'),
          days: 2,
          repeatNet: 12500,
          holdout: 0,
        },
      ]);
      // A4 refunded in full, C's order paid, and B buys again.
      await importText(
        database,
        ws,
        'orders',
        [
          'order_id,customer_id,ordered_at,amount,status,refunded_amount',
          'A4,A,2024-03-05 10:00,90,paid,90',
          'C1,C,2024-01-20 10:00,300,paid,0',
          'B4,B,2024-06-01 10:00,40,paid,0',
        ].join('\n'),
      );
      expect(await summaries(database, ws.id, '2024-12-31')).toEqual([
        {
          customer: 'A',
          first: day('2024-01-01'),
          last: day('2024-02-01'),
          days: 2,
          repeatNet: 0,
          holdout: 0,
        },
        {
          customer: 'B',
          first: day('2024-01-10'),
          last: day('2024-06-01'),
          days: 3,
          repeatNet: 16500,
          holdout: 0,
        },
        {
          customer: 'C',
          first: day('2024-01-20'),
          last: day('2024-01-20'),
          days: 1,
          repeatNet: 0,
          holdout: 0,
        },
      ]);
      // As of 2024-01-31: B's later purchases are left out (one counted after, up to the holdout's
      // end), A's February ¥0 purchase too; nobody who first bought later is scored.
      expect(await summaries(database, ws.id, '2024-01-31', '2024-03-31')).toEqual([
        {
          customer: 'A',
          first: day('2024-01-01'),
          last: day('2024-01-01'),
          days: 1,
          repeatNet: 0,
          holdout: 1,
        },
        {
          customer: 'B',
          first: day('2024-01-10'),
          last: day('2024-01-10'),
          days: 1,
          repeatNet: 0,
          holdout: 1,
        },
        {
          customer: 'C',
          first: day('2024-01-20'),
          last: day('2024-01-20'),
          days: 1,
          repeatNet: 0,
          holdout: 0,
        },
      ]);
      const open = await readPurchaseSummaries(database, ws.id, '2024-01-15', null);
      expect([open.customerId.length, open.lastPurchaseDate]).toEqual([2, '2024-06-01']);
      expect(Array.from(open.holdoutDays).sort()).toEqual([1, 2]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
