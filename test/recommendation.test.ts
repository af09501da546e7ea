import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { renderForCustomer } from '../src/messaging/message-render.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { topRecommendation } from '../src/predict/recommendation.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// X bought milk long ago and diapers recently. Bought with milk or diapers elsewhere: wipes in 3
// orders, bottles in 2, milk in 2 (bought long ago, so it may come back), diapers (X's recent buy,
// so left out) in 2; five cancelled orders of milk with a gift do not count.
const LINES = [
  ['X1', 'X', '2024-01-01', 'MILK', '有机牛奶', 'paid'],
  ['X2', 'X', '2024-05-01', 'DIAPER', '纸尿裤', 'paid'],
  ...['A', 'B'].flatMap((o) => [
    [`${o}`, `C${o}`, '2024-03-01', 'MILK', '有机牛奶', 'paid'],
    [`${o}`, `C${o}`, '2024-03-01', 'BOTTLE', '奶瓶', 'paid'],
  ]),
  ...['C', 'D', 'E'].flatMap((o) => [
    [`${o}`, `C${o}`, '2024-03-02', o === 'C' ? 'MILK' : 'DIAPER', o === 'C' ? '有机牛奶' : '纸尿裤', 'paid'],
    [`${o}`, `C${o}`, '2024-03-02', 'WIPES', '湿巾', 'paid'],
  ]),
  ...['F', 'G'].flatMap((o) => [
    [`${o}`, `C${o}`, '2024-03-03', 'MILK', '有机牛奶', 'paid'],
    [`${o}`, `C${o}`, '2024-03-03', 'DIAPER', '纸尿裤', 'paid'],
  ]),
  ...['J', 'K', 'L', 'M', 'N'].flatMap((o) => [
    [`${o}`, `C${o}`, '2024-03-04', 'MILK', '有机牛奶', 'cancelled'],
    [`${o}`, `C${o}`, '2024-03-04', 'GIFT', '赠品', 'cancelled'],
  ]),
];

describe.each(storesUnderTest())('{{ recommendation }} ($name)', (store) => {
  it('recommends the product most often bought with theirs, leaving out what they bought recently', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'baby',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      const file = join(mkdtempSync(join(tmpdir(), 'retain-reco-')), 'lines.csv');
      writeFileSync(
        file,
        `order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status\n${LINES.map(
          ([order, customer, date, sku, name, status]) =>
            `${order},${customer},${date} 10:00:00,${sku},${name},1,10.00,${status}`,
        ).join('\n')}\n`,
      );
      await importFile(database, { kind: 'order-lines', file, workspace: ws });
      const ids = new Map(
        (await database.db.selectFrom('customers').select(['id', 'external_id']).execute()).map((c) => [
          c.external_id!,
          Number(c.id),
        ]),
      );
      expect(await topRecommendation(database.db, ws.id, ids.get('X')!)).toBe('湿巾');
      // CA bought milk and bottles together (both recent for CA): diapers (2 orders) before wipes (1).
      expect(await topRecommendation(database.db, ws.id, ids.get('CA')!)).toBe('纸尿裤');
      await saveTemplates(database.db, ws.id, [
        {
          name: 'reco',
          channel: 'webhook',
          purpose: 'marketing',
          body: { 'zh-CN': '猜你喜欢：{{ recommendation }}' },
        },
      ]);
      const preview = await renderForCustomer(database.db, ws, {
        template: 'reco',
        customerId: ids.get('X')!,
      });
      expect(preview.body).toBe('猜你喜欢：湿巾');
      // Given by the sender, it wins; with nothing bought together it renders empty, not an error.
      const given = await renderForCustomer(database.db, ws, {
        template: 'reco',
        customerId: ids.get('X')!,
        variables: { recommendation: '奶粉' },
      });
      expect(given.body).toBe('猜你喜欢：奶粉');
      const lone = await createWorkspace(database.db, {
        name: 'lone',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      await saveTemplates(database.db, lone.id, [
        {
          name: 'reco',
          channel: 'webhook',
          purpose: 'marketing',
          body: { 'zh-CN': '猜你喜欢：{{ recommendation }}' },
        },
      ]);
      const c = await database.db
        .insertInto('customers')
        .values({ workspace_id: lone.id, external_id: 'L1' } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      const empty = await renderForCustomer(database.db, lone, {
        template: 'reco',
        customerId: Number(c.id),
      });
      expect(empty.body).toBe('猜你喜欢：');
    } finally {
      await database.close();
    }
  }, 60_000);
});
