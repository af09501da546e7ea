import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// A marketplace export as merchants get it: GBK, Chinese headers, the phone masked by the platform.
const HEADER = ['订单号', '会员卡号', '手机号', '下单时间', '实付金额', '订单状态', '备注'];
const ROWS = [
  ['T1001', 'VIP0001', '138****8000', '2024-05-01 10:00', '￥128.00', '交易成功', '送礼'],
  ['T1002', 'VIP0002', '139****1234', '2024-05-02 11:30', '￥56.50', '交易成功', ''],
];
const csv = (rows: string[][]) => iconv.encode(`${rows.map((r) => r.join(',')).join('\r\n')}\r\n`, 'gbk');

async function post(
  api: Api,
  key: string,
  path: string,
  name: string,
  bytes: Uint8Array,
  headers?: Record<string, string>,
) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return api.call('POST', path, { key, raw: form, headers });
}

describe.each(storesUnderTest())('import column mapping over the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `columns-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('detects the columns of a GBK file by their Chinese aliases, with a sample row, from its first bytes', async () => {
    const whole = csv([HEADER, ...ROWS]);
    // The dashboard sends only the beginning of a big CSV: a cut in the middle of a row is fine.
    const reply = await post(
      api,
      shop.keys.operator,
      '/api/v1/imports/columns?kind=orders',
      'orders.csv',
      whole.subarray(0, csv([HEADER, ROWS[0]!]).length + 7),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.columns).toEqual(HEADER);
    expect(reply.body.sample).toEqual(ROWS[0]);
    const detected = Object.fromEntries(
      reply.body.fields
        .filter((f: { column: string | null }) => f.column)
        .map((f: { field: string; column: string }) => [f.field, f.column]),
    );
    expect(detected).toEqual({
      order_id: '订单号',
      member_card: '会员卡号',
      phone: '手机号',
      ordered_at: '下单时间',
      amount: '实付金额',
      status: '订单状态',
    });
    expect(reply.body.fields.find((f: { field: string }) => f.field === 'order_id').required).toBe(true);
    expect(
      (await post(api, shop.keys.viewer, '/api/v1/imports/columns?kind=orders', 'o.csv', whole)).status,
    ).toBe(403);
  });

  it('reads an .xlsx the same way', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('订单');
    sheet.addRow(HEADER);
    for (const r of ROWS) sheet.addRow(r);
    const bytes = new Uint8Array(await book.xlsx.writeBuffer());
    const reply = await post(
      api,
      shop.keys.admin,
      '/api/v1/imports/columns?kind=orders',
      'orders.xlsx',
      bytes,
    );
    expect([reply.status, reply.body.columns, reply.body.sample]).toEqual([200, HEADER, ROWS[0]]);
  });

  it('loads rows with masked phones on their other identity (a warning count), and leaves a column out when the mapping says so', async () => {
    const run = async (map?: Record<string, string>) => {
      const query = map ? `&map=${encodeURIComponent(JSON.stringify(map))}` : '';
      const started = await post(
        api,
        shop.keys.admin,
        `/api/v1/imports?kind=orders${query}`,
        'orders.csv',
        csv([HEADER, ...ROWS]),
      );
      expect(started.status).toBe(202);
      for (;;) {
        const job = await api.call('GET', `/api/v1/imports/${started.body.id}`, { key: shop.keys.admin });
        if (job.body.status !== 'running') return job.body;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // A masked phone identifies nobody: the rows load on their member card, with a warning count.
    const masked = await run();
    expect(masked.stats).toMatchObject({ inserted: 2, rejected: 0, masked_identities: 2 });
    const skipped = await run({ phone: '' });
    expect(skipped.stats).toMatchObject({ inserted: 0, unchanged: 2, rejected: 0, masked_identities: 0 });
    const found = await api.call('GET', '/api/v1/customers?q=VIP0002', { key: shop.keys.admin });
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ order_count: 1, net_total: 5650, phone: null });
  });

  it('reports row errors in the caller’s language: lang, else Accept-Language', async () => {
    const bad = csv([HEADER, ['T9', 'VIP9', '', '2024-05-01 10:00', '面议', '交易成功', '']]);
    const finished = async (started: { status: number; body: { id: string } }) => {
      expect(started.status).toBe(202);
      for (;;) {
        const job = await api.call('GET', `/api/v1/imports/${started.body.id}`, { key: shop.keys.admin });
        if (job.body.status !== 'running') return job.body;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const path = '/api/v1/imports?kind=orders&dry_run=true';
    const zh = await finished(
      await post(api, shop.keys.admin, path, 'zh.csv', bad, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }),
    );
    expect(zh.stats.errors[0].reason).toBe('实付金额「面议」不是金额');
    const rejects = await api.call('GET', `/api/v1/imports/${zh.id}/rejects`, { key: shop.keys.admin });
    expect(rejects.text.split('\n')[0]).toBe(`行号,${HEADER.join(',')},原因`);
    const en = await finished(
      await post(api, shop.keys.admin, `${path}&lang=en`, 'en.csv', bad, { 'accept-language': 'zh-CN' }),
    );
    expect(en.stats.errors[0].reason).toBe('实付金额 "面议" is not an amount');
    const none = await finished(await post(api, shop.keys.admin, path, 'none.csv', bad));
    expect(none.stats.errors[0].reason).toBe('实付金额 "面议" is not an amount');
    const bogus = await post(api, shop.keys.admin, `${path}&lang=fr`, 'x.csv', bad);
    expect(bogus.status).toBe(400);
  });
});
