import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLang } from '../src/cli/commands/import.ts';
import type { Database } from '../src/db/database.ts';
import type { ImportKind } from '../src/importing/import-kinds.ts';
import { importFile } from '../src/importing/import-service.ts';
import { PLATFORM_DICTIONARIES } from '../src/importing/platform-dictionary.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { BODY_MUTANTS } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const SAMPLES = new URL('./fixtures/platforms/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-import-platforms-'));

/**
 * How to read each sample, written here from the platforms' export layouts and not from the
 * product's dictionary: which header holds what, and what each status printed in it means.
 */
interface Sample {
  file: string;
  kind: ImportKind;
  order: string;
  amount?: string;
  refund?: string;
  quantity?: string;
  price?: string;
  status: string;
  phone: string;
  platformId?: string;
  name: string;
}
const SAMPLE_LIST: Sample[] = [
  {
    file: 'tmall-orders.csv',
    kind: 'orders',
    order: '订单编号',
    amount: '买家实际支付金额',
    refund: '退款金额',
    status: '订单状态',
    phone: '联系手机',
    platformId: '买家会员名',
    name: '收货人姓名',
  },
  {
    file: 'jd-order-lines.csv',
    kind: 'order-lines',
    order: '订单号',
    quantity: '订购数量',
    price: '京东价',
    status: '订单状态',
    phone: '联系电话',
    platformId: '下单帐号',
    name: '客户姓名',
  },
  {
    file: 'pinduoduo-orders.csv',
    kind: 'orders',
    order: '订单号',
    amount: '用户实付金额(元)',
    status: '订单状态',
    phone: '手机',
    name: '收货人',
  },
  {
    file: 'douyin-order-lines.csv',
    kind: 'order-lines',
    order: '主订单编号',
    quantity: '商品数量',
    price: '商品单价',
    status: '订单状态',
    phone: '收件人手机号',
    name: '收件人',
  },
  {
    file: 'youzan-order-lines.csv',
    kind: 'order-lines',
    order: '订单号',
    quantity: '商品数量',
    price: '商品单价',
    status: '订单状态',
    phone: '收货人手机号/提货人手机号',
    platformId: '粉丝昵称',
    name: '收货人/提货人',
  },
];
const STATUS: Record<string, string> = {
  交易成功: 'completed',
  '卖家已发货，等待买家确认': 'paid',
  等待买家付款: 'pending',
  '付款以后用户退款成功，交易自动关闭': 'refunded',
  '买家已付款，等待卖家发货': 'paid',
  交易关闭: 'cancelled',
  完成: 'completed',
  等待确认收货: 'paid',
  已取消: 'cancelled',
  等待出库: 'paid',
  已签收: 'completed',
  '已发货，待签收': 'paid',
  '未发货，退款成功': 'refunded',
  待发货: 'paid',
  已完成: 'completed',
  备货中: 'paid',
  已关闭: 'cancelled',
  等待商家发货: 'paid',
};

const fen = (yuan: string) => {
  const [whole, frac = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
};

/** Orders and customers as the sample means them, computed from its cells alone. */
function expected(sample: Sample) {
  const rows: Record<string, string>[] = parse(readFileSync(join(SAMPLES, sample.file)), { columns: true });
  const orders = new Map<
    string,
    { amount: number; refunded: number; status: string; lines: number; customer: string | null }
  >();
  const names = new Map<string, string>();
  let masked = 0;
  for (const row of rows) {
    const phone = row[sample.phone] ?? '';
    const isMasked = phone.includes('*');
    if (isMasked) masked++;
    const key =
      phone && !isMasked
        ? `p:${phone}`
        : row[sample.platformId ?? '']
          ? `n:${row[sample.platformId!]}`
          : null;
    if (key) names.set(key, row[sample.name]!);
    const id = row[sample.order]!;
    const lineFen = sample.amount
      ? fen(row[sample.amount]!)
      : Math.round(Number(row[sample.quantity!]) * fen(row[sample.price!]!));
    const current = orders.get(id);
    if (current) {
      current.amount += lineFen;
      current.lines++;
    } else {
      orders.set(id, {
        amount: lineFen,
        refunded: sample.refund ? fen(row[sample.refund]!) : 0,
        status: STATUS[row[sample.status]!]!,
        lines: 1,
        customer: key,
      });
    }
  }
  const customers = new Map<string, { orders: number; net: number }>();
  for (const o of orders.values()) {
    if (!o.customer) continue;
    const c = customers.get(names.get(o.customer)!) ?? { orders: 0, net: 0 };
    const valid = (o.status === 'paid' || o.status === 'completed') && o.amount - o.refunded > 0;
    if (valid) {
      c.orders++;
      c.net += o.amount - o.refunded;
    }
    customers.set(names.get(o.customer)!, c);
  }
  const byOrder = new Map(
    [...orders].map(([id, o]) => [
      id,
      {
        amount: o.amount,
        refunded: o.refunded,
        status: o.status,
        lines: sample.kind === 'orders' ? 0 : o.lines,
        name: o.customer ? names.get(o.customer)! : null,
      },
    ]),
  );
  return { rows: rows.length, byOrder, customers, masked };
}

describe.each(storesUnderTest())('platform exports ($name)', (store) => {
  let database: Database;
  let n = 0;
  const workspace = (): Promise<Workspace> =>
    createWorkspace(database.db, { name: `p${++n}`, timezone: 'Asia/Shanghai', currency: 'CNY' });
  beforeAll(async () => {
    database = await store.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(SAMPLE_LIST)(
    'imports $file with no manual mapping, equal to an independent reading',
    async (sample) => {
      const ws = await workspace();
      const want = expected(sample);
      const file = join(SAMPLES, sample.file);
      const stats = await importFile(database, { kind: sample.kind, file, workspace: ws });
      expect(stats.errors).toEqual([]);
      expect(stats).toMatchObject({ read: want.rows, rejected: 0, masked_identities: want.masked });
      const orders = await sql<{
        order_id: string;
        amount: number;
        refunded_amount: number;
        status: string;
        lines: number;
        name: string | null;
      }>`
      select o.order_id, o.amount, o.refunded_amount, o.status, c.name,
        (select count(*)::int from order_lines l where l.workspace_id = o.workspace_id and l.order_id = o.order_id) as lines
      from orders o left join customers c on c.workspace_id = o.workspace_id and c.id = o.customer_id
      where o.workspace_id = ${ws.id}`.execute(database.db);
      expect(
        new Map(
          orders.rows.map((o) => [
            o.order_id,
            { amount: o.amount, refunded: o.refunded_amount, status: o.status, lines: o.lines, name: o.name },
          ]),
        ),
      ).toEqual(want.byOrder);
      const customers = await sql<{ name: string; order_count: number; net_total: number }>`
      select name, order_count, net_total from customers where workspace_id = ${ws.id}`.execute(database.db);
      expect(
        new Map(customers.rows.map((c) => [c.name, { orders: c.order_count, net: c.net_total }])),
      ).toEqual(want.customers);
      const again = await importFile(database, { kind: sample.kind, file, workspace: ws });
      expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, want.byOrder.size]);
    },
  );

  it('reports rejected rows in zh-CN: the reason, the known statuses, the rejects file headers', async () => {
    const ws = await workspace();
    const file = join(dir, 'zh.csv');
    writeFileSync(
      file,
      [
        '订单号,下单时间,商品名称,商品数量,商品单价,订单状态,收货人手机号',
        'Z1,2024-03-01 10:00,茶叶,1,面议,交易成功,13100131000',
        'Z2,2024-03-01 10:00,茶叶,1,10,发货中,13100131000',
        'Z3,2024-03-01 10:00,茶叶,1,10,交易成功,13100131000',
      ].join('\n'),
    );
    const rejects = join(dir, 'zh-rejects.csv');
    const zh = await importFile(database, {
      kind: 'order-lines',
      file,
      workspace: ws,
      lang: 'zh-CN',
      rejectsFile: rejects,
      dryRun: true,
    });
    expect(zh.errors.map((e) => [e.line, e.column])).toEqual([
      [2, '商品单价'],
      [3, '订单状态'],
    ]);
    expect(zh.errors[0]!.reason).toBe('商品单价「面议」不是金额');
    expect(zh.errors[1]!.reason).toMatch(/^订单状态「发货中」不是已知的订单状态；已知状态：待付款＝/);
    expect(zh.errors[1]!.reason).toContain('卖家已发货，等待买家确认');
    expect(zh.errors[1]!.reason).not.toMatch(/[a-z]{3,}/);
    const csv: string[][] = parse(readFileSync(rejects));
    expect([csv[0]![0], csv[0]!.at(-1)]).toEqual(['行号', '原因']);
    expect(csv[1]!.at(-1)).toBe('商品单价「面议」不是金额');
    const en = await importFile(database, { kind: 'order-lines', file, workspace: ws, dryRun: true });
    expect(en.errors[0]!.reason).toBe('商品单价 "面议" is not an amount');
    expect(en.errors[1]!.reason).toMatch(/^订单状态 unknown status "发货中"; known statuses: pending = /);
  });

  it('keeps a row whose phone or email is masked on its other identity, or as a guest order', async () => {
    const ws = await workspace();
    const file = join(dir, 'masked.csv');
    writeFileSync(
      file,
      [
        '订单号,下单时间,实付金额,手机号,邮箱,会员卡号',
        'M1,2024-03-01 10:00,10,138****8000,,VIP1',
        'M2,2024-03-02 10:00,20,,z***@qq.com,VIP1',
        'M3,2024-03-03 10:00,30,138****8000,,',
        'M4,2024-03-04 10:00,40,13800138000,,',
      ].join('\n'),
    );
    const stats = await importFile(database, { kind: 'orders', file, workspace: ws });
    expect(stats).toMatchObject({ rejected: 0, inserted: 4, guest: 1, masked_identities: 3 });
    const owners = await sql<{ order_id: string; card: string | null; phone: string | null }>`
      select o.order_id,
        (select value from identities i where i.workspace_id = o.workspace_id and i.customer_id = o.customer_id and type = 'member_card') as card,
        (select value from identities i where i.workspace_id = o.workspace_id and i.customer_id = o.customer_id and type = 'phone') as phone
      from orders o where o.workspace_id = ${ws.id} order by o.order_id`.execute(database.db);
    // The masked phone joined nobody: M1 and M2 are the card's customer, M4 another, M3 a guest.
    expect(owners.rows).toEqual([
      { order_id: 'M1', card: 'VIP1', phone: null },
      { order_id: 'M2', card: 'VIP1', phone: null },
      { order_id: 'M3', card: null, phone: null },
      { order_id: 'M4', card: null, phone: '13800138000' },
    ]);
    const customersFile = join(dir, 'masked-customers.csv');
    writeFileSync(customersFile, '手机号,姓名\n138****8000,甲\n');
    const customers = await importFile(database, { kind: 'customers', file: customersFile, workspace: ws });
    expect(customers.errors[0]!.reason).toMatch(/masked phone or email identifies nobody/);
  });

  it('never fails the file on hostile phone, status or name cells (fuzz), each row loaded or rejected with its column', async () => {
    const ws = await workspace();
    const values = [
      ...BODY_MUTANTS.filter((m) => typeof m.value === 'string').map((m) => m.value as string),
      '****',
      '+86 138****8000',
      '*@*',
      '138＊＊＊＊8000',
      '卖家已发货,等待买家确认',
      ' 卖家已发货 ，等待买家确认 ',
      '（元）',
    ];
    const header = '订单编号,订单状态,联系手机,收货人姓名,订单创建时间,买家实际支付金额';
    const rows = values.flatMap((v, i) => [
      `F${i}a,交易成功,${csvCell(v)},张,2024-03-01 10:00,1`,
      `F${i}b,${csvCell(v)},13800138000,张,2024-03-01 10:00,1`,
      `F${i}c,交易成功,13800138000,${csvCell(v)},2024-03-01 10:00,1`,
    ]);
    const file = join(dir, 'fuzz.csv');
    writeFileSync(file, [header, ...rows].join('\n'));
    for (const lang of ['en', 'zh-CN'] as const) {
      const stats = await importFile(database, { kind: 'orders', file, workspace: ws, lang, dryRun: true });
      expect(stats.read).toBe(rows.length);
      for (const e of stats.errors) {
        expect(['订单状态', '联系手机', '收货人姓名']).toContain(e.column);
        expect(e.reason.startsWith(e.column)).toBe(true);
      }
    }
  });
});

const csvCell = (v: string) => `"${v.replaceAll('"', '""')}"`;

describe('platform dictionaries', () => {
  it('give no status text two meanings across platforms', () => {
    const key = (w: string) => w.replace(/\s+/g, '').replace(/，/g, ',');
    const meaning = new Map<string, string>();
    for (const p of PLATFORM_DICTIONARIES)
      for (const [word, status] of Object.entries(p.statuses)) {
        expect(meaning.get(key(word)) ?? status, `${p.platform}: ${word}`).toBe(status);
        meaning.set(key(word), status);
      }
  });

  it('take the CLI language from --lang, else the environment', () => {
    expect(importLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(importLang(undefined, { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(importLang(undefined, {})).toBe('en');
    expect(importLang('zh-CN', { LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(importLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(() => importLang('fr', {})).toThrow(/--lang fr/);
  });
});
