import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import type { Workspace } from '../src/workspaces/workspace-service.ts';
import type { PlainOrder } from './independent-associations.ts';

/**
 * A baby shop's order lines, made by hand. A and B bought milk with an old teat model in
 * September 2023 (never sold since: more than 180 days before the shop's last sale, 2024-05-01)
 * and nappies later (B and E milk again after nappies); hand soap has no SKU (it is its name); two cancelled orders of milk with a
 * gift do not count. X bought milk in January and nappies on 2024-05-01: nappies are a recent
 * purchase of X's, milk is not (121 days before X's last order).
 */
export const ORDERS: [order: string, customer: string, day: string, items: string[], status?: string][] = [
  ['O1', 'A', '2023-09-01', ['MILK', 'OLD']],
  ['O2', 'B', '2023-09-02', ['MILK', 'OLD']],
  ['O3', 'A', '2024-02-01', ['DIAPER', 'WIPES']],
  ['O4', 'B', '2024-02-03', ['DIAPER', '手工皂']],
  ['O5', 'C', '2024-03-01', ['MILK', 'BOTTLE']],
  ['O6', 'C', '2024-04-01', ['DIAPER', 'WIPES', '手工皂']],
  ['O7', 'D', '2024-03-05', ['MILK', 'BOTTLE', 'WIPES']],
  ['O8', 'D', '2024-03-20', ['MILK']],
  ['O9', 'E', '2024-04-10', ['DIAPER', 'WIPES']],
  ['O10', 'F', '2024-05-01', ['BOTTLE', '手工皂']],
  ['O13', 'E', '2024-04-20', ['MILK']],
  ['O14', 'B', '2024-04-25', ['MILK']],
  ['O11', 'G', '2024-04-20', ['MILK', 'GIFT'], 'cancelled'],
  ['O12', 'G', '2024-04-21', ['MILK', 'GIFT'], 'cancelled'],
  ['X1', 'X', '2024-01-01', ['MILK']],
  ['X2', 'X', '2024-05-01', ['DIAPER']],
];

/** Display names; 手工皂 is sold without a SKU, so it is its own name. */
export const NAMES = new Map([
  ['MILK', '有机牛奶'],
  ['OLD', '旧款奶嘴'],
  ['DIAPER', '纸尿裤'],
  ['WIPES', '湿巾'],
  ['BOTTLE', '奶瓶'],
  ['GIFT', '赠品'],
  ['手工皂', '手工皂'],
]);

/** The valid orders as plain lists, for the independent computation. */
export const PLAIN_ORDERS: PlainOrder[] = ORDERS.filter(([, , , , status]) => !status).map(
  ([id, customer, day, items]) => ({ id, customer, at: `${day} 10:00:00`, items }),
);

/** Imports the lines with the product's own importer; returns customer ids by external id. */
export async function importBabyShop(database: Database, ws: Workspace): Promise<Record<string, number>> {
  const file = join(mkdtempSync(join(tmpdir(), 'retain-reco-')), 'lines.csv');
  const rows = ORDERS.flatMap(([order, customer, day, items, status]) =>
    items.map((item) => {
      const sku = item === '手工皂' ? '' : item;
      return `${order},${customer},${day} 10:00:00,${sku},${NAMES.get(item)},1,10.00,${status ?? 'paid'}`;
    }),
  );
  writeFileSync(
    file,
    `order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status\n${rows.join('\n')}\n`,
  );
  await importFile(database, { kind: 'order-lines', file, workspace: ws });
  const ids: Record<string, number> = {};
  for (const c of await database.db
    .selectFrom('customers')
    .select(['id', 'external_id'])
    .where('workspace_id', '=', ws.id)
    .execute())
    ids[c.external_id!] = Number(c.id);
  return ids;
}
