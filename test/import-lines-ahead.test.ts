import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const dir = mkdtempSync(join(tmpdir(), 'retain-lines-ahead-'));

/** Order lines of `orders` orders (3 lines each) of 300 customers, above the size prepared ahead. */
interface Line {
  order: string;
  customer: string;
  day: number;
  sku: string;
  name: string;
  qty: number;
  /** Unit price in fen. */
  price: number;
}

function makeLines(orders: number, prefix = 'R', edit?: (line: Line, i: number) => Line): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < orders * 3; i++) {
    const k = Math.floor(i / 3);
    // Every 100th order repeats its first line (the same item put in the cart twice).
    const j = k % 100 === 0 && i % 3 === 1 ? i - 1 : i;
    const line: Line = {
      order: `${prefix}${k}`,
      customer: `C${k % 300}`,
      day: 1 + (k % 28),
      sku: `SKU${j % 50}`,
      // Products are renamed part-way through the file: the last line's name is the product's.
      name: `Item ${j % 50} v${Math.floor(j / 10_000)}`,
      qty: 1 + (j % 4),
      price: 100 * (1 + (j % 7)) + 25,
    };
    lines.push(edit ? edit(line, i) : line);
  }
  return lines;
}

function writeLines(name: string, lines: Line[]): string {
  const rows = ['order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price'];
  for (const l of lines)
    rows.push(
      `${l.order},${l.customer},2024-03-${String(l.day).padStart(2, '0')} 10:00,${l.sku},${l.name},${l.qty},${(l.price / 100).toFixed(2)}`,
    );
  const path = join(dir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

/** Each customer's order count and total, and each order's amount, computed from the lines. */
function expected(lines: Line[]) {
  const orders = new Map<string, { customer: string; amount: number }>();
  for (const l of lines) {
    const o = orders.get(l.order) ?? { customer: l.customer, amount: 0 };
    o.amount += l.qty * l.price;
    orders.set(l.order, o);
  }
  const customers = new Map<string, { n: number; net: number }>();
  for (const o of orders.values()) {
    const c = customers.get(o.customer) ?? { n: 0, net: 0 };
    c.n++;
    c.net += o.amount;
    customers.set(o.customer, c);
  }
  return { orders, customers };
}

describe.each(storesUnderTest())('a large order-lines import ($name)', (store) => {
  let database: Database;
  let n = 0;
  const workspace = (): Promise<Workspace> =>
    createWorkspace(database.db, { name: `ahead${++n}`, timezone: 'Asia/Shanghai', currency: 'CNY' });
  beforeAll(async () => {
    database = await store.open();
  }, 120_000);
  afterAll(() => database?.close());

  const customerTotals = async (ws: Workspace) =>
    new Map(
      (
        await sql<{ ext: string; n: number; net: number }>`
          select external_id as ext, order_count as n, net_total as net from customers where workspace_id = ${ws.id}`.execute(
          database.db,
        )
      ).rows.map((r) => [r.ext, { n: r.n, net: Number(r.net) }]),
    );
  const lineCount = async (ws: Workspace, orderPrefix = '') =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from order_lines
          where workspace_id = ${ws.id} and order_id like ${`${orderPrefix}%`}`.execute(database.db)
      ).rows[0]!.n,
    );
  const leftovers = async () =>
    Number(
      (await sql<{ n: number }>`select count(*) as n from import_lines_ahead`.execute(database.db)).rows[0]!
        .n,
    );

  it('saves every order, line, customer total and product name the file gives', async () => {
    const ws = await workspace();
    const lines = makeLines(8_000);
    const stats = await importFile(database, {
      kind: 'order-lines',
      file: writeLines('a.csv', lines),
      workspace: ws,
    });
    expect(stats).toMatchObject({
      read: 24_000,
      rejected: 0,
      inserted: 8_000,
      updated: 0,
      identical_lines: 80,
    });
    const want = expected(lines);
    expect(await customerTotals(ws)).toEqual(want.customers);
    const r77 = await sql<{ amount: number }>`
      select amount from orders where workspace_id = ${ws.id} and order_id = 'R77'`.execute(database.db);
    expect(Number(r77.rows[0]!.amount)).toBe(want.orders.get('R77')!.amount);
    const r100 = await sql<{ line_no: number; sku: string; quantity: string }>`
      select line_no, sku, quantity::text as quantity from order_lines
      where workspace_id = ${ws.id} and order_id = 'R100' order by line_no`.execute(database.db);
    expect(r100.rows.map((r) => [r.line_no, r.sku, Number(r.quantity)])).toEqual([
      [1, 'SKU0', 1],
      [2, 'SKU0', 1],
      [3, 'SKU2', 3],
    ]);
    expect(await lineCount(ws)).toBe(24_000);
    const names = await sql<{ sku: string; name: string }>`
      select sku, name from products where workspace_id = ${ws.id} and sku in ('SKU3', 'SKU49') order by sku`.execute(
      database.db,
    );
    // The last lines of the file (23,950 onwards) are "v2".
    expect(names.rows).toEqual([
      { sku: 'SKU3', name: 'Item 3 v2' },
      { sku: 'SKU49', name: 'Item 49 v2' },
    ]);
    expect(await leftovers()).toBe(0);

    // The same file again changes nothing; with one order's line changed and new orders, exactly those.
    const again = await importFile(database, {
      kind: 'order-lines',
      file: writeLines('a.csv', lines),
      workspace: ws,
    });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 8_000 });
    const edited = [
      ...makeLines(8_000, 'R', (l, i) => (i === 3 * 500 ? { ...l, qty: l.qty + 10 } : l)),
      ...makeLines(100, 'N'),
    ];
    const third = await importFile(database, {
      kind: 'order-lines',
      file: writeLines('b.csv', edited),
      workspace: ws,
    });
    expect(third).toMatchObject({ inserted: 100, updated: 1, unchanged: 7_999 });
    expect(await lineCount(ws)).toBe(24_300);
    const r500 = await sql<{ amount: number }>`
      select amount from orders where workspace_id = ${ws.id} and order_id = 'R500'`.execute(database.db);
    expect(Number(r500.rows[0]!.amount)).toBe(expected(edited).orders.get('R500')!.amount);
    expect(await customerTotals(ws)).toEqual(expected(edited).customers);
  }, 240_000);

  it('leaves no line behind when the import fails in its last step', async () => {
    const ws = await workspace();
    const failing = importFile(database, {
      kind: 'order-lines',
      file: writeLines('f.csv', makeLines(8_000, 'F')),
      workspace: ws,
      afterChanges: async () => {
        throw new Error('refused at the end');
      },
    });
    await expect(failing).rejects.toThrow('refused at the end');
    expect(await lineCount(ws)).toBe(0);
    const orders = await sql<{
      n: number;
    }>`select count(*) as n from orders where workspace_id = ${ws.id}`.execute(database.db);
    expect(Number(orders.rows[0]!.n)).toBe(0);
    expect(await leftovers()).toBe(0);
  }, 240_000);

  // Only the embedded store writes lines ahead (a server's other connections are not held up).
  it.skipIf(store.name !== 'pglite')(
    'removes the unseen lines an interrupted import left before the next import',
    async () => {
      const ws = await workspace();
      // What a process ending in the middle of an upload leaves: lines listed, their order never created.
      await sql`insert into import_lines_ahead (workspace_id, order_id) values (${ws.id}, 'GHOST')`.execute(
        database.db,
      );
      await sql`insert into order_lines (workspace_id, order_id, line_no, sku, quantity, unit_price, amount)
      values (${ws.id}, 'GHOST', 1, 'OLD', 1, 100, 100)`.execute(database.db);
      const path = join(dir, 'ghost.csv');
      writeFileSync(path, 'order_id,customer_id,ordered_at,amount\nGHOST,C1,2024-03-01 10:00,12.00\n');
      await importFile(database, { kind: 'orders', file: path, workspace: ws });
      expect(await lineCount(ws, 'GHOST')).toBe(0);
      expect(await leftovers()).toBe(0);
    },
    120_000,
  );
});
