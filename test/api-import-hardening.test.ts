import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// Regression tests for the import defects of issue #13, through the real HTTP server.

const HEAD = 'order_id,customer_id,ordered_at,amount,store\n';
const UNCLOSED = `${HEAD}A1,C1,2024-05-01 10:00,10,x\nA2,C2,2024-05-01 10:00,"12,x\n`;

function bigCsv(rows: number): string {
  let text = HEAD;
  for (let i = 0; i < rows; i++) text += `B${i},C${i % 50},2024-05-01 10:00,${(i % 90) + 1},s\n`;
  return text;
}

/** A .csv.gz whose first 64 KB are fine and whose compressed stream is damaged further on. */
function corruptGzip(): Buffer {
  const bytes = Buffer.from(gzipSync(bigCsv(8_000)));
  for (let i = Math.floor(bytes.length * 0.7); i < Math.floor(bytes.length * 0.7) + 64; i++)
    bytes[i]! ^= 0xff;
  return bytes;
}

describe.each(storesUnderTest())('import hardening over HTTP ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `harden-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function upload(content: string | Uint8Array, name: string, query = '', key = shop.keys.operator) {
    const form = new FormData();
    form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
    return api.call('POST', `/api/v1/imports?kind=orders${query}`, { key, raw: form });
  }
  async function finished(id: string) {
    for (let i = 0; i < 400; i++) {
      const job = await api.call('GET', `/api/v1/imports/${id}`, { key: shop.keys.viewer });
      if (job.body.status !== 'running') return job.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  }
  async function importOf(content: string | Uint8Array, name: string, query = '') {
    const started = await upload(content, name, query);
    expect(started.status).toBe(202);
    return finished(started.body.id);
  }
  const noServerPath = (message: string) => {
    expect(message).not.toContain(tmpdir());
    expect(message).not.toMatch(/retain-imports-|\.upload\b|\/tmp\//);
  };

  it('one CSV upload kills the server: an unclosed quote fails the job with its line and column, the server keeps answering', async () => {
    const job = await importOf(UNCLOSED, 'orders.csv');
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^orders\.csv: line 3, column 4 opens a quote \(".*never closed/);
    noServerPath(job.error);
    // The process is alive and serves the next request and the next import.
    expect((await api.call('GET', '/api/v1/customers', { key: shop.keys.viewer })).status).toBe(200);
    const good = await importOf(`${HEAD}OK1,C1,2024-05-01 10:00,10,x\n`, 'good.csv');
    expect(good).toMatchObject({ status: 'completed', stats: { inserted: 1, rejected: 0 } });
  });

  it('one corrupt .csv.gz kills the server: the damage far into the file fails the job, the server keeps answering', async () => {
    const job = await importOf(corruptGzip(), 'orders.csv.gz');
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^orders\.csv\.gz: the file is not a readable gzip file/);
    // Nothing of the broken file was kept.
    expect((await api.call('GET', '/api/v1/orders/B1', { key: shop.keys.viewer })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/customers', { key: shop.keys.viewer })).status).toBe(200);
  });

  it('a Latin-1 file is stored garbled: without an encoding it is refused, with encoding=latin1 it reads right', async () => {
    const bytes = iconv.encode(`${HEAD}L1,C1,2024-05-01 10:00,10,Café Zürich\n`, 'latin1');
    const refused = await importOf(bytes, 'latin.csv');
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/neither UTF-8 nor Chinese \(GB18030\).*encoding.*latin1/);
    expect((await api.call('GET', '/api/v1/orders/L1', { key: shop.keys.viewer })).status).toBe(404);
    expect(await importOf(bytes, 'latin.csv', '&encoding=latin1')).toMatchObject({ status: 'completed' });
    const order = await api.call('GET', '/api/v1/orders/L1', { key: shop.keys.viewer });
    expect(order.body.store).toBe('Café Zürich');
  });

  it('a 200 MB cell imports: a too long cell is its row error, a too long row fails the file naming its line', async () => {
    const rows = `${HEAD}T1,C1,2024-05-01 10:00,10,${'y'.repeat(1001)}\nT2,C1,2024-05-01 10:00,10,ok\n`;
    const job = await importOf(rows, 'long.csv');
    expect(job).toMatchObject({ status: 'completed', stats: { inserted: 1, rejected: 1 } });
    expect(job.stats.errors[0]).toMatchObject({ line: 2, column: 'store' });
    expect(job.stats.errors[0].reason).toMatch(/1,001 characters long; the most is 1,000/);
    const huge = `${HEAD}T3,C1,2024-05-01 10:00,10,ok\nT4,C1,2024-05-01 10:00,10,${'z'.repeat(1_100_000)}\n`;
    const failed = await importOf(huge, 'huge.csv');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^huge\.csv: line 3, column 5 is longer than 1,048,576 characters/);
    expect((await api.call('GET', '/api/v1/orders/T3', { key: shop.keys.viewer })).status).toBe(404);
  });

  it('no server path in any message: failed imports and column detection name the upload, not the temporary file', async () => {
    const messages: string[] = [];
    for (const [content, name] of [
      [UNCLOSED, 'q.csv'],
      ['not a workbook', 'book.xlsx'],
      [HEAD, 'orders.json'],
      [iconv.encode(`${HEAD}é\n`, 'latin1'), 'l.csv'],
      [`${HEAD}A,B,C,D,E\n`, `${'n'.repeat(300)}.csv`],
    ] as const) {
      const job = await importOf(content, name);
      expect(job.status).toBe(name.startsWith('nnn') ? 'completed' : 'failed');
      if (job.error) messages.push(job.error);
      const form = new FormData();
      form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
      const detect = await api.call('POST', '/api/v1/imports/columns?kind=orders', {
        key: shop.keys.operator,
        raw: form,
      });
      expect([200, 400]).toContain(detect.status);
      if (detect.status === 400) messages.push(detect.body.message);
    }
    // Four imports fail; detection fails for all but the unclosed quote (its first rows are fine).
    expect(messages).toHaveLength(7);
    for (const message of messages) noServerPath(message);
    expect(messages.some((m) => m.startsWith('book.xlsx: not a readable .xlsx file'))).toBe(true);
    expect(messages.some((m) => m.startsWith('orders.json: unsupported file type'))).toBe(true);
  });

  it('GET /imports/{id}/rejects shows unmasked phones and emails: masked for viewers and operators, formulas neutralised', async () => {
    const csv = [
      'order_id,phone,email,name,ordered_at,amount,store',
      'R1,13812345678,zhang.san@example.com,张三丰,2024-05-01 10:00,abc,=HYPERLINK("http://x")',
      'R2,12345,li.si@example.com,李四,2024-05-01 10:00,10,@SUM(A1)',
      'R3,13900001111,wang@example.com,王五,2024-05-01 10:00,5,fine',
    ].join('\n');
    const job = await importOf(csv, 'pii.csv');
    expect(job).toMatchObject({ status: 'completed', stats: { inserted: 1, rejected: 2 } });
    // The job's errors never repeat a phone or email, for any role.
    expect(JSON.stringify(job.stats.errors)).not.toMatch(/12345|example\.com/);
    const rejects = async (key: string) => {
      const reply = await api.call('GET', `/api/v1/imports/${job.id}/rejects`, { key });
      expect(reply.status).toBe(200);
      return parse(reply.text) as string[][];
    };
    const header = ['line', 'order_id', 'phone', 'email', 'name', 'ordered_at', 'amount', 'store', 'reason'];
    for (const role of ['viewer', 'operator'] as const) {
      const rows = await rejects(shop.keys[role]);
      expect(rows[0]).toEqual(header);
      expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
        ['2', 'R1', '138****5678', 'z***@example.com', '张**'],
        ['3', 'R2', '*****', 'l***@example.com', '李*'],
      ]);
      expect(rows[1]![7]).toBe(`'=HYPERLINK("http://x")`);
      expect(rows[2]![7]).toBe(`'@SUM(A1)`);
      expect(JSON.stringify(rows)).not.toMatch(/13812345678|zhang\.san|li\.si|张三丰/);
    }
    for (const role of ['service', 'admin'] as const) {
      const rows = await rejects(shop.keys[role]);
      expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
        ['2', 'R1', '13812345678', 'zhang.san@example.com', '张三丰'],
        ['3', 'R2', '12345', 'li.si@example.com', '李四'],
      ]);
      expect(rows[1]![7]).toBe(`'=HYPERLINK("http://x")`);
      expect(rows[2]![8]).toMatch(/^phone is not a valid phone/);
    }
  });

  it('one bad value aborts a whole batch: NUL, a lone surrogate, an impossible date and a huge amount are item errors over the batch API', async () => {
    const item = (id: string, extra: Record<string, unknown> = {}) => ({
      order_id: id,
      customer_id: 'API1',
      ordered_at: '2024-05-01 10:00:00',
      amount: 100,
      ...extra,
    });
    const reply = await api.call('POST', '/api/v1/orders', {
      key: shop.keys.operator,
      body: {
        items: [
          item('P1'),
          item('P2', { store: 'a\u0000b' }),
          item('P3', { channel: 'x\ud800y' }),
          item('P4', { ordered_at: '1990-02-30 10:00:00' }),
          item('P5', { amount: 10 ** 15 }),
          item('P6'),
        ],
      },
    });
    expect(reply.status).toBe(200);
    const outcome = reply.body.items.map(
      (i: { status: string; error?: { field: string } }) => i.error?.field ?? i.status,
    );
    expect(outcome).toEqual(['accepted', 'store', 'channel', 'ordered_at', 'amount', 'accepted']);
    expect(reply.body.items[2].error.message).toMatch(/half of a UTF-16 surrogate pair/);
    expect((await api.call('GET', '/api/v1/orders/P6', { key: shop.keys.viewer })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/orders/P2', { key: shop.keys.viewer })).status).toBe(404);
    // A number beyond 2^53 cannot be an exact amount: the schema refuses it, naming the field.
    const unsafe = await api.call('POST', '/api/v1/orders', {
      key: shop.keys.operator,
      raw: '{"items":[{"order_id":"P7","customer_id":"API1","ordered_at":"2024-05-01 10:00:00","amount":12345678901234567890}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(unsafe.status).toBe(400);
    expect(JSON.stringify(unsafe.body)).toMatch(/items\.0\.amount/);
  });
});
