import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { IMPORT_KINDS, type ImportKind, matchColumns } from '../src/importing/import-kinds.ts';
import { templateHeaders } from '../src/importing/import-templates.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

/** One filled row per kind, by header as a person would type it (zh-CN header → value). */
const ROW: Record<ImportKind, Record<string, string>> = {
  customers: {
    客户编号: 'C1',
    手机号: '13800138000',
    邮箱: 'c1@example.com',
    会员卡号: 'VIP1',
    姓名: '张三',
    性别: '男',
    生日: '1990-01-01',
    城市: '上海',
    国家: '中国',
    标签: '咖啡控',
    会员等级: '黄金会员',
  },
  orders: {
    订单号: 'O1',
    下单时间: '2024-05-01 10:00:00',
    实付金额: '128.00',
    客户编号: 'C1',
    订单状态: '交易成功',
    退款金额: '0',
    渠道: '小程序',
    门店: '静安店',
  },
  'order-lines': {
    订单号: 'L1',
    下单时间: '2024-05-02 10:00:00',
    数量: '2',
    单价: '18.50',
    商品编码: 'SKU1',
    商品名称: '可颂',
    客户编号: 'C1',
    订单状态: '交易成功',
  },
  events: { 事件类型: 'page_view', 发生时间: '2024-05-03 10:00:00', 客户编号: 'C1' },
  'service-records': {
    记录类型: '电话',
    摘要: '回访：满意',
    服务时间: '2024-05-04 10:00:00',
    客户编号: 'C1',
    处理人: '',
    工单号: 'T-1',
  },
};

describe('import templates', () => {
  it('name every column with a header the import reads as that column’s field, in zh-CN and en', () => {
    for (const kind of IMPORT_KINDS) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const headers = templateHeaders(kind, lang);
        const matched = matchColumns(kind, headers);
        expect(matched.size, `${kind} ${lang}`).toBe(headers.length);
      }
      for (const header of Object.keys(ROW[kind])) expect(templateHeaders(kind, 'zh-CN')).toContain(header);
    }
  });
});

describe.each(storesUnderTest())('import templates over the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `templates-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const download = async (kind: ImportKind, format: 'csv' | 'xlsx', lang: string) => {
    const response = await fetch(
      `${api.base}/api/v1/imports/template?kind=${kind}&format=${format}&lang=${lang}`,
      {
        headers: { authorization: `Bearer ${shop.keys.viewer}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`retain-${kind}-template.${format}`);
    return new Uint8Array(await response.arrayBuffer());
  };

  /** The template with one row typed in, as the person would save it. */
  const filled = async (
    kind: ImportKind,
    format: 'csv' | 'xlsx',
    lang: 'zh-CN' | 'en',
    bytes: Uint8Array,
  ) => {
    const zh = templateHeaders(kind, 'zh-CN');
    const values = zh.map((h) => ROW[kind][h] ?? '');
    if (format === 'csv') {
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      expect(text.startsWith('\uFEFF')).toBe(true);
      expect(text.slice(1).trim().split(',')).toEqual(templateHeaders(kind, lang));
      return new TextEncoder().encode(`${text}${values.join(',')}\r\n`);
    }
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(templateHeaders(kind, lang));
    sheet.addRow(values);
    return new Uint8Array(await book.xlsx.writeBuffer());
  };

  const importJob = async (kind: ImportKind, name: string, bytes: Uint8Array) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const started = await api.call('POST', `/api/v1/imports?kind=${kind}`, {
      key: shop.keys.admin,
      raw: form,
    });
    expect(started.status).toBe(202);
    for (;;) {
      const job = await api.call('GET', `/api/v1/imports/${started.body.id}`, { key: shop.keys.admin });
      if (job.body.status !== 'running') return job.body;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // Customers first: service records describe customers already known.
  const kinds: ImportKind[] = ['customers', 'orders', 'order-lines', 'events', 'service-records'];
  it.each(
    (['csv', 'xlsx'] as const).flatMap((format) =>
      (['zh-CN', 'en'] as const).map((lang) => ({ format, lang })),
    ),
  )('imports every $format template ($lang) filled with one row, cleanly', async ({ format, lang }) => {
    for (const kind of kinds) {
      const bytes = await filled(kind, format, lang, await download(kind, format, lang));
      const job = await importJob(kind, `template.${format}`, bytes);
      // The job's own error first: a failed job has no stats to show.
      expect([kind, job.status, job.error]).toEqual([kind, 'completed', null]);
      expect([kind, job.stats.errors]).toEqual([kind, []]);
      expect([kind, job.stats.read, job.stats.rejected]).toEqual([kind, 1, 0]);
    }
    const order = await api.call('GET', '/api/v1/orders/L1', { key: shop.keys.admin });
    expect(order.body).toMatchObject({ amount: 3700, lines: [{ sku: 'SKU1', quantity: '2' }] });
  });

  it('refuses an unknown kind or format by name', async () => {
    const kind = await api.call('GET', '/api/v1/imports/template?kind=refunds', { key: shop.keys.viewer });
    expect([kind.status, JSON.stringify(kind.body)]).toEqual([400, expect.stringContaining('kind')]);
    const format = await api.call('GET', '/api/v1/imports/template?kind=orders&format=pdf', {
      key: shop.keys.viewer,
    });
    expect([format.status, JSON.stringify(format.body)]).toEqual([400, expect.stringContaining('format')]);
  });
});
