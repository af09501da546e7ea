import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const LINES = 40_000;
const LINES_PER_ORDER = 4;

/** An order-lines file: order k has 4 lines; customer of order k is L(k mod 500). */
function linesFile(): string {
  const rows = ['order_id,customer_id,ordered_at,sku,quantity,unit_price'];
  for (let i = 0; i < LINES; i++) {
    const order = Math.floor(i / LINES_PER_ORDER);
    const day = 1 + (order % 28);
    rows.push(`R${order},L${order % 500},2024-02-${String(day).padStart(2, '0')} 10:00,SKU${i % 97},2,3.50`);
  }
  return `${rows.join('\n')}\n`;
}

describe.each(storesUnderTest())('an upload on a running server ($name)', (store) => {
  let database: Database;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    key = (await workspaceWithKeys(database, 'responsive')).keys.admin;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const get = (path: string) => api.call('GET', `/api/v1${path}`, { key });

  it('answers other requests and shows progress more than once while a large file loads', async () => {
    const seed = new FormData();
    seed.append(
      'file',
      new Blob(['order_id,customer_id,ordered_at,amount\nP1,KNOWN,2024-01-05 10:00,12.50\n']),
      'o.csv',
    );
    let job = (await api.call('POST', '/api/v1/imports?kind=orders', { key, raw: seed })).body;
    while (job.status === 'running') job = (await get(`/imports/${job.id}`)).body;
    expect(job.status).toBe('completed');
    const known = (await get('/customers?q=KNOWN')).body.items[0];

    const form = new FormData();
    form.append('file', new Blob([linesFile()], { type: 'text/csv' }), 'lines.csv');
    const started = await api.call('POST', '/api/v1/imports?kind=order-lines', { key, raw: form });
    expect(started.status).toBe(202);
    const id = started.body.id;

    // Another request sent at once is answered before the import is done, and correctly.
    const other = get(`/customers/${known.id}`).then((reply) => ({ reply, at: performance.now() }));
    // Progress polled one request after another: the distinct values seen while it runs, and when
    // the last answer saying "running" came (an answer to the other request after it would mean
    // that request waited for the import to end).
    const seen = new Set<string>();
    let lastRunning = 0;
    for (job = started.body; job.status === 'running'; job = (await get(`/imports/${id}`)).body) {
      seen.add(JSON.stringify(job.progress));
      lastRunning = performance.now();
    }
    const { reply, at } = await other;
    expect(reply.status).toBe(200);
    expect(reply.body.customer).toMatchObject({
      id: known.id,
      external_id: 'KNOWN',
      order_count: 1,
      net_total: 1250,
    });
    expect(at).toBeLessThan(lastRunning);
    expect(seen.size).toBeGreaterThan(2);

    expect(job.status).toBe('completed');
    expect(job.progress.rows).toBe(LINES);
    expect(job.stats).toMatchObject({ read: LINES, rejected: 0, inserted: LINES / LINES_PER_ORDER });
    // Order R0: 4 lines of 2 × 3.50 = 28.00.
    expect((await get('/orders/R0')).body.amount).toBe(2800);
  }, 300_000);
});
