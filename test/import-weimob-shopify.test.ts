import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import type { ImportKind } from '../src/importing/import-kinds.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { BODY_MUTANTS } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const SAMPLES = new URL('./fixtures/platforms/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-weimob-shopify-'));
type Row = Record<string, string>;
const rowsOf = (file: string): Row[] => parse(readFileSync(join(SAMPLES, file)), { columns: true });

const fen = (yuan: string) => {
  const [whole, frac = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
};

// What each status printed in the samples means (PRODUCT.md §3.2), written from the platforms'
// own documentation rather than read from the product's dictionary.
const WEIMOB_STATUS: Record<string, string> = {
  已完成: 'completed',
  待收货: 'paid',
  待发货: 'paid',
  部分发货: 'paid',
  待支付: 'pending',
  已退款: 'refunded',
  已取消: 'cancelled',
};
/** Shopify: payment state, then a cancellation (unless refunded), then fulfilment of a paid order. */
function shopifyStatus(row: Row): string {
  const financial: Record<string, string> = {
    paid: 'paid',
    partially_refunded: 'paid',
    pending: 'pending',
    refunded: 'refunded',
    voided: 'cancelled',
  };
  let status = financial[row['Financial Status']!]!;
  if (status === 'paid' && row['Fulfillment Status'] === 'fulfilled') status = 'completed';
  if (row['Cancelled at'] && status !== 'refunded') status = 'cancelled';
  return status;
}

interface Want {
  amount: number;
  refunded: number;
  status: string;
  lines: number;
  name: string | null;
}

/** Orders of a file as the test reads it: first row of an order carries it, items add lines. */
function ordersOf(
  rows: Row[],
  read: {
    id: string;
    status: (row: Row) => string;
    amount: (row: Row) => number;
    refunded: (row: Row) => number;
    name: string;
    lines: boolean;
    byItems: boolean;
    customer: (row: Row) => string | null;
  },
) {
  const orders = new Map<string, Want & { customer: string | null }>();
  for (const row of rows) {
    const id = row[read.id]!;
    const current = orders.get(id);
    const qtyPrice = () =>
      Math.round(
        Number(row['商品数量'] ?? row['Lineitem quantity']) * fen(row['商品单价'] ?? row['Lineitem price']!),
      );
    if (current) {
      if (read.byItems) current.amount += qtyPrice();
      if (read.lines) current.lines++;
      continue;
    }
    orders.set(id, {
      amount: read.byItems ? qtyPrice() : read.amount(row),
      refunded: read.refunded(row),
      status: read.status(row),
      lines: read.lines ? 1 : 0,
      name: null,
      customer: read.customer(row),
    });
  }
  // An order shows its customer's name: the consignee of that customer's last row with one.
  const names = new Map<string, string>();
  for (const row of rows) {
    const customer = read.customer(row);
    if (customer && row[read.name]) names.set(customer, row[read.name]!);
  }
  for (const o of orders.values()) o.name = o.customer ? (names.get(o.customer) ?? null) : null;
  return orders;
}

/** Each customer's valid orders and net total (§3.2), by the customer's name. */
function customersOf(orders: Map<string, Want & { customer: string | null }>, names: Map<string, string>) {
  const out = new Map<string, { orders: number; net: number }>();
  for (const o of orders.values()) {
    if (!o.customer) continue;
    const name = names.get(o.customer)!;
    const c = out.get(name) ?? { orders: 0, net: 0 };
    if ((o.status === 'paid' || o.status === 'completed') && o.amount - o.refunded > 0) {
      c.orders++;
      c.net += o.amount - o.refunded;
    }
    out.set(name, c);
  }
  return out;
}

describe.each(storesUnderTest())('Weimob and Shopify exports ($name)', (store) => {
  let database: Database;
  let n = 0;
  const workspace = (currency = 'CNY'): Promise<Workspace> =>
    createWorkspace(database.db, { name: `ws${++n}`, timezone: 'Asia/Shanghai', currency });
  beforeAll(async () => {
    database = await store.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  const ordersIn = async (ws: Workspace) => {
    const result = await sql<Want & { order_id: string; refunded_amount: number }>`
      select o.order_id, o.amount, o.refunded_amount, o.status, c.name,
        (select count(*)::int from order_lines l where l.workspace_id = o.workspace_id and l.order_id = o.order_id) as lines
      from orders o left join customers c on c.workspace_id = o.workspace_id and c.id = o.customer_id
      where o.workspace_id = ${ws.id}`.execute(database.db);
    return new Map(
      result.rows.map((o) => [
        o.order_id,
        { amount: o.amount, refunded: o.refunded_amount, status: o.status, lines: o.lines, name: o.name },
      ]),
    );
  };
  const customersIn = async (ws: Workspace) => {
    const result = await sql<{ name: string; order_count: number; net_total: number }>`
      select name, order_count, net_total from customers where workspace_id = ${ws.id}`.execute(database.db);
    return new Map(result.rows.map((c) => [c.name, { orders: c.order_count, net: c.net_total }]));
  };
  const load = (ws: Workspace, kind: ImportKind, file: string, lang?: 'zh-CN') =>
    importFile(database, { kind, file: join(SAMPLES, file), workspace: ws, lang });
  const strip = (orders: Map<string, Want & { customer: string | null }>) =>
    new Map([...orders].map(([id, { customer: _, ...o }]) => [id, o]));

  it('imports a Weimob orders export with no manual mapping, equal to an independent reading', async () => {
    const ws = await workspace();
    const rows = rowsOf('weimob-orders.csv');
    const want = ordersOf(rows, {
      id: '订单编号',
      status: (r) => WEIMOB_STATUS[r['订单状态']!]!,
      amount: (r) => fen(r['实付金额']!),
      refunded: (r) => fen(r['退款金额']!),
      name: '收货人',
      lines: false,
      byItems: false,
      customer: (r) => r['客户ID']!,
    });
    const stats = await load(ws, 'orders', 'weimob-orders.csv');
    expect(stats.errors).toEqual([]);
    const masked = rows.filter((r) => r['会员手机号']!.includes('*')).length;
    expect(stats).toMatchObject({
      read: rows.length,
      rejected: 0,
      inserted: want.size,
      masked_identities: masked,
    });
    expect(await ordersIn(ws)).toEqual(strip(want));
    const names = new Map(rows.map((r) => [r['客户ID']!, r['收货人']!]));
    expect(await customersIn(ws)).toEqual(customersOf(want, names));
    // The member's phone (会员手机号), not the consignee's, identifies the customer.
    const phones = await sql<{ value: string }>`
      select value from identities where workspace_id = ${ws.id} and type = 'phone' order by value`.execute(
      database.db,
    );
    expect(phones.rows.map((p) => p.value)).toEqual(
      [...new Set(rows.map((r) => r['会员手机号']!).filter((p) => !p.includes('*')))].sort(),
    );
    const again = await load(ws, 'orders', 'weimob-orders.csv');
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, want.size]);
  });

  it('imports a Weimob order items export as order lines, and its members export', async () => {
    const ws = await workspace();
    const rows = rowsOf('weimob-order-items.csv');
    const want = ordersOf(rows, {
      id: '订单编号',
      status: (r) => WEIMOB_STATUS[r['订单状态']!]!,
      amount: () => 0,
      refunded: () => 0,
      name: '收货人',
      lines: true,
      byItems: true,
      customer: (r) => r['客户ID']!,
    });
    const stats = await load(ws, 'order-lines', 'weimob-order-items.csv');
    expect(stats.errors).toEqual([]);
    expect(stats).toMatchObject({ read: rows.length, inserted: want.size });
    expect(await ordersIn(ws)).toEqual(strip(want));

    const members = rowsOf('weimob-members.csv');
    const loaded = await load(ws, 'customers', 'weimob-members.csv');
    expect(loaded.errors).toEqual([]);
    const customers = await sql<{
      ext: string;
      name: string | null;
      member_tier: string;
      city: string | null;
      gender: string | null;
      card: string;
    }>`
      select c.external_id as ext, c.name, c.member_tier, c.city, c.gender,
        (select value from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and type = 'member_card') as card
      from customers c where c.workspace_id = ${ws.id} order by c.external_id`.execute(database.db);
    const gender: Record<string, string | null> = { 女: 'female', 男: 'male', '': null };
    expect(customers.rows).toEqual(
      members.map((m) => ({
        ext: m['客户ID'],
        // The members export names a member; where it has no name, the orders' name stays.
        name: m['客户姓名'] || [...want.values()].find((o) => o.customer === m['客户ID'])?.name || null,
        member_tier: m['会员等级'],
        city: m['所在城市'] || null,
        gender: gender[m['性别']!],
        card: m['会员卡号'],
      })),
    );
  });

  it('imports a Shopify orders export as orders: one order per Name, its figures from its first row', async () => {
    const ws = await workspace('USD');
    const rows = rowsOf('shopify-orders.csv');
    const want = ordersOf(rows, {
      id: 'Name',
      status: shopifyStatus,
      amount: (r) => fen(r.Total!),
      refunded: (r) => fen(r['Refunded Amount']!),
      name: 'Billing Name',
      lines: false,
      byItems: false,
      customer: (r) => r.Email || null,
    });
    const stats = await load(ws, 'orders', 'shopify-orders.csv');
    expect(stats.errors).toEqual([]);
    expect(stats).toMatchObject({
      read: rows.length,
      rejected: 0,
      inserted: want.size,
      item_rows: rows.length - want.size,
      guest: [...want.values()].filter((o) => !o.customer).length,
    });
    expect(await ordersIn(ws)).toEqual(strip(want));
    const names = new Map(rows.filter((r) => r['Billing Name']).map((r) => [r.Email!, r['Billing Name']!]));
    expect(await customersIn(ws)).toEqual(customersOf(want, names));
    const again = await load(ws, 'orders', 'shopify-orders.csv');
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, want.size]);

    // The customers export joins the same people by email, named from first and last name.
    const people = rowsOf('shopify-customers.csv');
    const loaded = await load(ws, 'customers', 'shopify-customers.csv');
    expect(loaded.errors).toEqual([]);
    const after = await sql<{ email: string; name: string | null; country: string | null; tags: string[] }>`
      select i.value as email, c.name, c.country,
        array(select t.tag from tags t where t.workspace_id = c.workspace_id and t.customer_id = c.id order by t.tag) as tags
      from customers c join identities i on i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'email'
      where c.workspace_id = ${ws.id} order by i.value`.execute(database.db);
    const ownName = (p: Row) =>
      /\p{Script=Han}/u.test(p['First Name']! + p['Last Name']!)
        ? `${p['Last Name']}${p['First Name']}`
        : [p['First Name'], p['Last Name']].filter(Boolean).join(' ');
    expect(after.rows).toEqual(
      people
        .map((p) => ({
          email: p.Email!,
          name: ownName(p),
          country: p['Default Address Country Code'] || null,
          tags: p
            .Tags!.split(',')
            .map((t) => t.trim())
            .filter(Boolean)
            .sort(),
        }))
        .sort((a, b) => a.email.localeCompare(b.email)),
    );
  });

  it('imports the same Shopify export as order lines: quantity × price per item', async () => {
    const ws = await workspace('USD');
    const rows = rowsOf('shopify-orders.csv');
    const want = ordersOf(rows, {
      id: 'Name',
      status: shopifyStatus,
      amount: () => 0,
      refunded: () => 0,
      name: 'Billing Name',
      lines: true,
      byItems: true,
      customer: (r) => r.Email || null,
    });
    const stats = await load(ws, 'order-lines', 'shopify-orders.csv');
    expect(stats.errors).toEqual([]);
    expect(await ordersIn(ws)).toEqual(strip(want));
    const products = await sql<{
      n: number;
    }>`select count(*)::int as n from products where workspace_id = ${ws.id}`.execute(database.db);
    expect(products.rows[0]!.n).toBe(new Set(rows.map((r) => r['Lineitem sku'])).size);
  });

  it('rejects unknown statuses with their line and the known ones, in en and zh-CN', async () => {
    const ws = await workspace('USD');
    const shopify = join(dir, 'shopify-bad.csv');
    writeFileSync(
      shopify,
      [
        'Name,Email,Financial Status,Fulfillment Status,Currency,Total,Created at,Cancelled at,Lineitem quantity,Lineitem price',
        '#1,a@example.com,chargeback,fulfilled,USD,10.00,2024-03-01 10:00:00 +0800,,1,1.00',
        '#2,a@example.com,paid,shipped,USD,10.00,2024-03-01 10:00:00 +0800,,1,1.00',
        '#3,a@example.com,paid,fulfilled,USD,10.00,2024-03-01 10:00:00 +0800,yesterday,1,1.00',
        '#4,a@example.com,paid,fulfilled,USD,10.00,2024-03-01 10:00:00 +0800,,1,1.00',
      ].join('\n'),
    );
    const en = await importFile(database, { kind: 'orders', file: shopify, workspace: ws, dryRun: true });
    expect(en.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'Financial Status'],
      [3, 'Fulfillment Status'],
      [4, 'Cancelled at'],
    ]);
    expect(en.errors[0]!.reason).toMatch(
      /^Financial Status unknown status "chargeback"; known statuses: pending = .*authorized/,
    );
    expect(en.errors[0]!.reason).toContain('partially_refunded');
    expect(en.errors[1]!.reason).toBe(
      'Fulfillment Status unknown fulfillment status "shipped"; known: fulfilled / unfulfilled / partial / restocked / pending',
    );
    // Only Shopify's export folds item rows: elsewhere an order's row without an amount is an error.
    const plain = join(dir, 'plain.csv');
    writeFileSync(
      plain,
      '订单号,下单时间,实付金额,订单状态\nP1,2024-03-01 10:00,10,交易成功\nP1,2024-03-01 10:00,,\n',
    );
    const folded = await importFile(database, { kind: 'orders', file: plain, workspace: ws, dryRun: true });
    expect([folded.item_rows, folded.errors.map((e) => [e.line, e.column])]).toEqual([0, [[3, '实付金额']]]);
    const weimob = join(dir, 'weimob-bad.csv');
    writeFileSync(
      weimob,
      '订单编号,订单状态,下单时间,会员手机号,实付金额\nW1,拒收,2024-03-01 10:00,13900139001,10\n',
    );
    const zh = await importFile(database, {
      kind: 'orders',
      file: weimob,
      workspace: await workspace(),
      lang: 'zh-CN',
      dryRun: true,
    });
    expect(zh.errors).toHaveLength(1);
    expect(zh.errors[0]).toMatchObject({ line: 2, column: '订单状态' });
    expect(zh.errors[0]!.reason).toMatch(/^订单状态「拒收」不是已知的订单状态；已知状态：.*待收货/);
  });

  it('never fails the file on hostile fulfillment, cancellation or name cells (fuzz)', async () => {
    const ws = await workspace('USD');
    const values = BODY_MUTANTS.filter((m) => typeof m.value === 'string').map((m) => m.value as string);
    const csvCell = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const orders = join(dir, 'fuzz-orders.csv');
    const orderRows = values.flatMap((v, i) => [
      `#F${i}a,a@example.com,paid,${csvCell(v)},USD,1.00,2024-03-01 10:00:00 +0800,,1,1.00`,
      `#F${i}b,a@example.com,paid,fulfilled,USD,1.00,2024-03-01 10:00:00 +0800,${csvCell(v)},1,1.00`,
      `#F${i}b,${csvCell(v)},,,,,2024-03-01 10:00:00 +0800,,1,1.00`,
    ]);
    writeFileSync(
      orders,
      [
        'Name,Email,Financial Status,Fulfillment Status,Currency,Total,Created at,Cancelled at,Lineitem quantity,Lineitem price',
        ...orderRows,
      ].join('\n'),
    );
    const people = join(dir, 'fuzz-people.csv');
    const peopleRows = values.flatMap((v, i) => [
      `p${i}@example.com,${csvCell(v)},Doe`,
      `q${i}@example.com,Jane,${csvCell(v)}`,
    ]);
    writeFileSync(people, ['Email,First Name,Last Name', ...peopleRows].join('\n'));
    for (const lang of ['en', 'zh-CN'] as const) {
      const o = await importFile(database, {
        kind: 'orders',
        file: orders,
        workspace: ws,
        lang,
        dryRun: true,
      });
      expect(o.read).toBe(orderRows.length);
      for (const e of o.errors) expect(['Fulfillment Status', 'Cancelled at', 'Email']).toContain(e.column);
      const p = await importFile(database, {
        kind: 'customers',
        file: people,
        workspace: ws,
        lang,
        dryRun: true,
      });
      expect(p.read).toBe(peopleRows.length);
      for (const e of p.errors) expect(['First Name', 'Last Name']).toContain(e.column);
    }
  });
});
