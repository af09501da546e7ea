import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-import-test-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const ORDERS_ZH = [
  '\uFEFF订单号,手机号,邮箱,下单时间,实付金额,退款金额,订单状态,渠道,门店',
  'A1,+86 138-0013-8000,,2024/3/5 14:03,"¥1,299.00",,交易成功,天猫,',
  'A2,13800138000,,2024-03-05T16:30:00Z,￥88,,已发货,微信小程序,',
  'A3,,,20240306,129.9,,待付款,,杭州西湖店',
  'A4,13900139000,,2024-03-07 10:00,100,100,交易成功,,',
  'A5,13900139000,,45360.5,50,10,completed,,',
  'A6,bad-phone,,2024-03-08,10,,交易成功,,',
  'A7,13900139000,,2024-02-30 10:00,10,,交易成功,,',
  'A8,13900139000,,2024-03-08,abc,,交易成功,,',
  'A9,13900139000,,2024-03-08,10,,发货中,,',
  'A10,13900139000,,2024-03-08,10,20,交易成功,,',
  'A1,+86 138-0013-8000,,2024/3/5 14:03,"¥1,299.00",,交易成功,天猫,',
].join('\r\n');

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('importing files ($name)', (store) => {
  let database: Database;
  let n = 0;
  const workspace = (timezone = 'Asia/Shanghai', currency = 'CNY'): Promise<Workspace> =>
    createWorkspace(database.db, { name: `ws${++n}`, timezone, currency });
  const customersOf = (ws: Workspace) =>
    sql<{
      id: number;
      external_id: string | null;
      name: string | null;
      order_count: number;
      net_total: number;
      first_order_date: string | null;
      last_order_date: string | null;
    }>`
      select id, external_id, name, order_count, net_total, first_order_date, last_order_date
      from customers where workspace_id = ${ws.id} order by id`
      .execute(database.db)
      .then((r) => r.rows);
  const identitiesOf = (ws: Workspace, customerId: number) =>
    sql<{
      t: string;
    }>`select type || '=' || value as t from identities where workspace_id = ${ws.id} and customer_id = ${customerId} order by 1`
      .execute(database.db)
      .then((r) => r.rows.map((x) => x.t));
  const ordersOf = (ws: Workspace) =>
    sql<{
      order_id: string;
      customer_id: number | null;
      ordered_at: Date;
      local_date: string;
      amount: number;
      refunded_amount: number;
      status: string;
      channel: string | null;
      store: string | null;
      updated_at: Date;
    }>`
      select order_id, customer_id, ordered_at, local_date, amount, refunded_amount, status, channel, store, updated_at
      from orders where workspace_id = ${ws.id} order by order_id`
      .execute(database.db)
      .then((r) => r.rows);

  beforeAll(async () => {
    database = await store.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reads a Chinese export: aliases, BOM, money and date formats, statuses, local dates; reports each bad row', async () => {
    const ws = await workspace();
    const path = file('orders-zh.csv', ORDERS_ZH);
    const rejects = join(dir, 'rejects.csv');
    const stats = await importFile(database, {
      kind: 'orders',
      file: path,
      workspace: ws,
      rejectsFile: rejects,
    });
    expect(stats).toMatchObject({
      read: 11,
      inserted: 5,
      updated: 0,
      unchanged: 1,
      merged: 0,
      rejected: 5,
      guest: 1,
      // A1 appears twice: the last row of an order wins, and the summary says so.
      superseded_rows: 1,
    });
    expect(stats.errors.map((e) => [e.line, e.column])).toEqual([
      [7, '手机号'],
      [8, '下单时间'],
      [9, '实付金额'],
      [10, '订单状态'],
      [11, '退款金额'],
    ]);
    const rejected: string[][] = parse(readFileSync(rejects));
    expect(rejected[0]).toEqual([
      'line',
      '订单号',
      '手机号',
      '邮箱',
      '下单时间',
      '实付金额',
      '退款金额',
      '订单状态',
      '渠道',
      '门店',
      'reason',
    ]);
    expect(rejected.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ['7', 'A6'],
      ['8', 'A7'],
      ['9', 'A8'],
      ['10', 'A9'],
      ['11', 'A10'],
    ]);

    const orders = await ordersOf(ws);
    const byId = Object.fromEntries(orders.map((o) => [o.order_id, o]));
    expect(Object.keys(byId)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    expect(byId.A1).toMatchObject({
      amount: 129900,
      status: 'completed',
      channel: '天猫',
      local_date: '2024-03-05',
    });
    expect(byId.A1!.ordered_at.toISOString()).toBe('2024-03-05T06:03:00.000Z');
    // 16:30 UTC is 00:30 the next day in Shanghai.
    expect(byId.A2).toMatchObject({ amount: 8800, status: 'paid', local_date: '2024-03-06' });
    expect(byId.A3).toMatchObject({
      customer_id: null,
      amount: 12990,
      status: 'pending',
      store: '杭州西湖店',
    });
    expect(byId.A4).toMatchObject({ amount: 10000, refunded_amount: 10000 });
    // Excel serial 45360.5 is 2024-03-09 12:00 local.
    expect(byId.A5!.ordered_at.toISOString()).toBe('2024-03-09T04:00:00.000Z');

    const customers = await customersOf(ws);
    expect(customers.map((c) => [c.order_count, c.net_total, c.first_order_date, c.last_order_date])).toEqual(
      [
        [2, 138700, '2024-03-05', '2024-03-06'],
        [1, 4000, '2024-03-09', '2024-03-09'],
      ],
    );
    expect(await identitiesOf(ws, customers[0]!.id)).toEqual(['phone=13800138000']);
  });

  it('changes nothing when the same file is imported again', async () => {
    const ws = await workspace();
    const path = file('orders-again.csv', ORDERS_ZH);
    await importFile(database, { kind: 'orders', file: path, workspace: ws });
    const before = { orders: await ordersOf(ws), customers: await customersOf(ws) };
    const again = await importFile(database, { kind: 'orders', file: path, workspace: ws });
    expect(again).toMatchObject({ read: 11, inserted: 0, updated: 0, unchanged: 6, rejected: 5, merged: 0 });
    expect({ orders: await ordersOf(ws), customers: await customersOf(ws) }).toEqual(before);
  });

  it('changes nothing on --dry-run, and nothing with --strict when a row is bad', async () => {
    const ws = await workspace();
    const path = file('orders-dry.csv', ORDERS_ZH);
    const dry = await importFile(database, { kind: 'orders', file: path, workspace: ws, dryRun: true });
    expect(dry).toMatchObject({ inserted: 5, rejected: 5 });
    const strict = await importFile(database, { kind: 'orders', file: path, workspace: ws, strict: true });
    expect(strict.rejected).toBe(5);
    expect(await ordersOf(ws)).toEqual([]);
    expect(await customersOf(ws)).toEqual([]);
  });

  it('keeps what a later file does not carry: customer, refund, coupon, lines', async () => {
    const ws = await workspace();
    const first = file(
      'keep-1.csv',
      'order_id,phone,ordered_at,amount,refunded_amount,status,coupon_code\nK1,13800000009,2024-05-01 10:00,100,30,paid,C10\n',
    );
    await importFile(database, { kind: 'orders', file: first, workspace: ws });
    // A status feed: no identity, no refund, no coupon column.
    const feed = file('keep-2.csv', 'order_id,ordered_at,amount,status\nK1,2024-05-01 10:00,100,交易成功\n');
    expect(await importFile(database, { kind: 'orders', file: feed, workspace: ws })).toMatchObject({
      updated: 1,
      guest: 0,
    });
    const [customer] = await customersOf(ws);
    expect((await ordersOf(ws))[0]).toMatchObject({
      customer_id: customer!.id,
      refunded_amount: 3000,
      status: 'completed',
    });
    expect(customer).toMatchObject({ order_count: 1, net_total: 7000 });
    // The same order's lines: the amount comes from the lines, the refund stays.
    const lines = file(
      'keep-3.csv',
      'order_id,phone,ordered_at,sku,quantity,unit_price\nK1,13800000009,2024-05-01 10:00,S1,2,50\n',
    );
    expect(await importFile(database, { kind: 'order-lines', file: lines, workspace: ws })).toMatchObject({
      updated: 1,
    });
    expect((await ordersOf(ws))[0]).toMatchObject({ amount: 10000, refunded_amount: 3000 });
    // Re-importing either file again changes nothing.
    expect(await importFile(database, { kind: 'orders', file: feed, workspace: ws })).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
    expect(await importFile(database, { kind: 'order-lines', file: lines, workspace: ws })).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
  });

  it('merges customers when a row links them, and logs the merge', async () => {
    const ws = await workspace();
    const customers = file(
      'link-customers.csv',
      'customer_id,phone,email,name,tags\nK1,13700000001,,张三,"VIP,母婴"\nK2,,li@example.com,李四,新客\n',
    );
    expect(await importFile(database, { kind: 'customers', file: customers, workspace: ws })).toMatchObject({
      inserted: 2,
      merged: 0,
    });
    const first = file(
      'link-orders-1.csv',
      'order_id,customer_id,ordered_at,amount\nB1,K1,2024-05-01 10:00,100\nB2,K2,2024-05-02 10:00,200\n',
    );
    await importFile(database, { kind: 'orders', file: first, workspace: ws });
    const [k1, k2] = await customersOf(ws);
    const linking = file(
      'link-orders-2.csv',
      'order_id,phone,email,ordered_at,amount\nB3,137 0000 0001,LI@example.com,2024-05-03 10:00,300\n',
    );
    const stats = await importFile(database, { kind: 'orders', file: linking, workspace: ws });
    expect(stats).toMatchObject({ inserted: 1, merged: 1 });

    const after = await customersOf(ws);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: k1!.id,
      name: '张三',
      order_count: 3,
      net_total: 60000,
      first_order_date: '2024-05-01',
      last_order_date: '2024-05-03',
    });
    expect(await identitiesOf(ws, k1!.id)).toEqual([
      'email=li@example.com',
      'external_id=K1',
      'external_id=K2',
      'phone=13700000001',
    ]);
    expect((await ordersOf(ws)).map((o) => o.customer_id)).toEqual([k1!.id, k1!.id, k1!.id]);
    const tags = await sql<{
      tag: string;
    }>`select tag from tags where workspace_id = ${ws.id} and customer_id = ${k1!.id} order by tag`.execute(
      database.db,
    );
    expect(tags.rows.map((t) => t.tag).sort()).toEqual(['VIP', '新客', '母婴'].sort());
    const log = await sql<{
      survivor_id: number;
      merged_id: number;
      identity_type: string;
      identity_value: string;
    }>`
      select survivor_id, merged_id, identity_type, identity_value from merge_log where workspace_id = ${ws.id}`.execute(
      database.db,
    );
    expect(log.rows).toEqual([
      { survivor_id: k1!.id, merged_id: k2!.id, identity_type: 'email', identity_value: 'li@example.com' },
    ]);
  });

  it('merges three customers linked by one row, keeping what each knew', async () => {
    const ws = await workspace();
    const people = file(
      'three.csv',
      'customer_id,phone,email,name,city,tags\nX1,,,,,甲\n,13300000001,,王五,,乙\n,,z@example.com,,北京,\n',
    );
    expect(await importFile(database, { kind: 'customers', file: people, workspace: ws })).toMatchObject({
      inserted: 3,
    });
    const [x] = await customersOf(ws);
    const link = file('three-link.csv', 'customer_id,phone,email\nX1,13300000001,Z@example.com\n');
    expect(await importFile(database, { kind: 'customers', file: link, workspace: ws })).toMatchObject({
      merged: 2,
    });
    const after = await sql<{
      id: number;
      name: string;
      city: string;
    }>`select id, name, city from customers where workspace_id = ${ws.id}`.execute(database.db);
    expect(after.rows).toEqual([{ id: x!.id, name: '王五', city: '北京' }]);
    expect(await identitiesOf(ws, x!.id)).toEqual([
      'email=z@example.com',
      'external_id=X1',
      'phone=13300000001',
    ]);
    const history = await sql<{
      tag: string;
    }>`select tag from tag_history where workspace_id = ${ws.id} and customer_id = ${x!.id} order by tag`.execute(
      database.db,
    );
    expect(history.rows.map((h) => h.tag)).toEqual(['乙', '甲']);
  });

  it('treats rows linked through each other within one file as one person', async () => {
    const ws = await workspace();
    const path = file(
      'chain.csv',
      'customer_id,phone,email\n,13600000001,wang@example.com\nW1,,wang@example.com\nW2,13500000002,\n',
    );
    expect(await importFile(database, { kind: 'customers', file: path, workspace: ws })).toMatchObject({
      read: 3,
      inserted: 2,
      merged: 0,
    });
    const customers = await customersOf(ws);
    expect(await identitiesOf(ws, customers[0]!.id)).toEqual([
      'email=wang@example.com',
      'external_id=W1',
      'phone=13600000001',
    ]);
    expect(customers[0]!.external_id).toBe('W1');
  });

  it('detects GBK (GB18030) files written by Excel on Chinese Windows', async () => {
    const ws = await workspace();
    const text = '订单号,客户编号,下单时间,实付金额,门店\nG1,C1,2024-06-01 09:00,88.8,杭州西湖店\n';
    const path = file('gbk.csv', iconv.encode(text, 'gbk'));
    expect(await importFile(database, { kind: 'orders', file: path, workspace: ws })).toMatchObject({
      inserted: 1,
      rejected: 0,
    });
    expect((await ordersOf(ws))[0]).toMatchObject({ order_id: 'G1', amount: 8880, store: '杭州西湖店' });
  });

  it('reads .xlsx with date, number and text cells', async () => {
    const ws = await workspace();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('订单');
    sheet.addRow(['订单号', '手机号', '下单时间', '实付金额', '订单状态']);
    sheet.addRow(['X1', 13800138000, new Date(Date.UTC(2024, 2, 5, 14, 3)), 99.5, '交易成功']);
    sheet.addRow(['X2', '13800138000', '2024/3/6 9:00', '¥10', '交易关闭']);
    sheet.addRow(['X3', '13800138000', 'not a date', '¥10', '交易成功']);
    const path = join(dir, 'orders.xlsx');
    await book.xlsx.writeFile(path);
    const stats = await importFile(database, { kind: 'orders', file: path, workspace: ws });
    expect(stats).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    expect(stats.errors).toEqual([
      { line: 4, column: '下单时间', reason: expect.stringContaining('not a date') },
    ]);
    const orders = await ordersOf(ws);
    expect(orders[0]).toMatchObject({ order_id: 'X1', amount: 9950, status: 'completed' });
    expect(orders[0]!.ordered_at.toISOString()).toBe('2024-03-05T06:03:00.000Z');
    expect(orders[1]).toMatchObject({ order_id: 'X2', status: 'cancelled' });
    expect((await customersOf(ws))[0]).toMatchObject({ order_count: 1, net_total: 9950 });
  });

  it('imports events with their other columns as properties, once each', async () => {
    const ws = await workspace();
    const path = file(
      'events.csv',
      'phone,type,occurred_at,sku,page\n13800138000,view_product,2024-03-05 10:00,SKU1,home\n13800138000,view_product,2024-03-05 10:00,SKU1,home\n13800138000,add_to_cart,2024-03-05 10:05,SKU1,\n,add_to_cart,2024-03-05 10:05,SKU1,\n',
    );
    const stats = await importFile(database, { kind: 'events', file: path, workspace: ws });
    expect(stats).toMatchObject({ read: 4, inserted: 2, unchanged: 1, rejected: 1 });
    expect(stats.errors[0]).toMatchObject({ line: 5 });
    const events = await sql<{ type: string; properties: unknown; occurred_at: Date }>`
      select type, properties, occurred_at from events where workspace_id = ${ws.id} order by occurred_at`.execute(
      database.db,
    );
    expect(events.rows.map((e) => [e.type, e.properties, e.occurred_at.toISOString()])).toEqual([
      ['view_product', { sku: 'SKU1', page: 'home' }, '2024-03-05T02:00:00.000Z'],
      ['add_to_cart', { sku: 'SKU1' }, '2024-03-05T02:05:00.000Z'],
    ]);
    expect(await importFile(database, { kind: 'events', file: path, workspace: ws })).toMatchObject({
      inserted: 0,
      unchanged: 3,
    });
    // The same event from a file that names the person by another identity is the same event.
    await importFile(database, {
      kind: 'customers',
      workspace: ws,
      file: file('ev-link.csv', 'customer_id,phone\nP1,13800138000\n'),
    });
    const other = file(
      'events-by-id.csv',
      'customer_id,type,occurred_at,sku,page\nP1,view_product,2024-03-05 10:00,SKU1,home\n',
    );
    expect(await importFile(database, { kind: 'events', file: other, workspace: ws })).toMatchObject({
      inserted: 0,
      unchanged: 1,
    });
    // Two customers holding the same event, then merged: the event is kept once.
    const dup = file(
      'events-by-email.csv',
      'email,type,occurred_at,sku,page\nq@example.com,view_product,2024-03-05 10:00,SKU1,home\n',
    );
    expect(await importFile(database, { kind: 'events', file: dup, workspace: ws })).toMatchObject({
      inserted: 1,
    });
    await importFile(database, {
      kind: 'customers',
      workspace: ws,
      file: file('ev-merge.csv', 'phone,email\n13800138000,q@example.com\n'),
    });
    const views = await sql<{
      n: number;
    }>`select count(*)::int as n from events where workspace_id = ${ws.id} and type = 'view_product'`.execute(
      database.db,
    );
    expect(views.rows[0]!.n).toBe(1);
  });

  it('replaces an order’s lines when they change and keeps the order amount the sum of its lines', async () => {
    const ws = await workspace('Europe/London', 'GBP');
    const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n';
    const v1 = file(
      'lines-v1.csv',
      `${header}L1,S1,Mug,3,2011-01-05 10:00,0.085,123.0\nL1,S2,Plate,2,2011-01-05 10:00,2.55,123.0\nL1,S2,Plate,2,2011-01-05 10:00,2.55,123.0\n`,
    );
    expect(await importFile(database, { kind: 'order-lines', file: v1, workspace: ws })).toMatchObject({
      read: 3,
      inserted: 1,
      identical_lines: 1,
    });
    // 3 × £0.085 = 25.5p → 26p; 2 × £2.55 = 510p, twice: two identical lines are two lines.
    expect((await ordersOf(ws))[0]).toMatchObject({ amount: 1046 });
    expect(await importFile(database, { kind: 'order-lines', file: v1, workspace: ws })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 1,
      identical_lines: 1,
    });
    const v2 = file(
      'lines-v2.csv',
      `${header}L1,S1,Mug,4,2011-01-05 10:00,0.085,123.0\nL1,S2,Plate,2,2011-01-05 10:00,2.55,123.0\n`,
    );
    expect(await importFile(database, { kind: 'order-lines', file: v2, workspace: ws })).toMatchObject({
      inserted: 0,
      updated: 1,
    });
    expect((await ordersOf(ws))[0]).toMatchObject({ amount: 544 });
    const lines = await sql<{ sku: string; quantity: string; amount: number }>`
      select sku, quantity, amount from order_lines where workspace_id = ${ws.id} order by line_no`.execute(
      database.db,
    );
    expect(lines.rows.map((l) => [l.sku, Number(l.quantity), l.amount])).toEqual([
      ['S1', 4, 34],
      ['S2', 2, 510],
    ]);
    expect((await customersOf(ws))[0]).toMatchObject({ external_id: '123', order_count: 1, net_total: 544 });
  });

  it('uses --map to read a column under another name, and rejects a map to a missing column', async () => {
    const ws = await workspace();
    const path = file('mapped.csv', '单据编号,会员卡号,业务日期,应收\nM1,VIP001,2024-07-01,66\n');
    await expect(importFile(database, { kind: 'orders', file: path, workspace: ws })).rejects.toThrow(
      /order_id/,
    );
    const stats = await importFile(database, {
      kind: 'orders',
      file: path,
      workspace: ws,
      map: { order_id: '单据编号', ordered_at: '业务日期', amount: '应收' },
    });
    expect(stats).toMatchObject({ inserted: 1 });
    expect(await identitiesOf(ws, (await customersOf(ws))[0]!.id)).toEqual(['member_card=VIP001']);
    await expect(
      importFile(database, {
        kind: 'orders',
        file: path,
        workspace: ws,
        map: { order_id: 'nope', ordered_at: '业务日期', amount: '应收' },
      }),
    ).rejects.toThrow(/no column "nope"/);
  });
});
