import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRows } from '../src/cli/tabular-output.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { decodeSnapshot, emptySnapshot, encodeSnapshot } from '../src/segments/facts-snapshot.ts';
import { readCurrentSnapshot } from '../src/segments/facts-snapshot-store.ts';
import { rfmCsvChunks } from '../src/segments/rfm-csv.ts';
import { computeSegmentation, rfmRows } from '../src/segments/rfm-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { expectedRfm, type SimpleOrder } from './independent-rfm.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-snapshot-'));
const AS_OF = '2024-06-30';
const HEADER = 'order_id,customer_id,ordered_at,amount,status';

/** 40 customers with 1–4 orders each in 2024 (UTC zone, so local dates are the dates written). */
function ordersCsv(
  prefix: string,
  count: number,
  customers: number,
): { text: string; orders: SimpleOrder[] } {
  const orders: SimpleOrder[] = [];
  const lines = [HEADER];
  for (let i = 1; i <= count; i++) {
    const customer = `C${1 + ((i * 7) % customers)}`;
    const date = `2024-0${1 + (i % 6)}-${String(1 + ((i * 13) % 28)).padStart(2, '0')}`;
    const yuan = 5 + ((i * 31) % 200);
    lines.push(`${prefix}${i},${customer},${date} 12:00:00,${yuan}.00,completed`);
    orders.push({ customer, date, net: yuan * 100 });
  }
  return { text: lines.join('\n'), orders };
}

afterAll(dropTestSchemas);

describe('the facts snapshot encoding', () => {
  it('reads back exactly what was written, labels in any script included', () => {
    const s = emptySnapshot(3, 3);
    s.ids.set([1, 7, 2 ** 40]);
    s.labels.splice(0, 3, '王小明', 'a,"b"\nc', '🙂');
    s.firstDate.set([-2147483648, 19000, 20000]);
    s.lastDate.set([-2147483648, 19500, 20001]);
    s.orderCount.set([0, 4, 1]);
    s.netTotal.set([0, 123456789012, 1]);
    s.loyalDate.set([-2147483648, 19400, -2147483648]);
    const bytes = Buffer.concat(encodeSnapshot(s));
    expect(decodeSnapshot(bytes)).toEqual(s);
    // Anything this build did not write is refused, never misread.
    expect(decodeSnapshot(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(decodeSnapshot(Buffer.from('not a snapshot at all'))).toBeUndefined();
  });
});

describe.each(storesUnderTest())('RFM from the facts snapshot ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const orders: SimpleOrder[] = [];

  const importOrders = async (name: string, prefix: string, count: number) => {
    const made = ordersCsv(prefix, count, 40);
    const path = join(dir, `${store.name}-${name}`);
    writeFileSync(path, made.text);
    await importFile(database, { kind: 'orders', file: path, workspace: ws });
    orders.push(...made.orders);
  };
  /** RFM rows by label, via the snapshot (whole store) and via SQL (Kysely only). */
  const rows = async (source: 'snapshot' | 'sql') => {
    const seg = await computeSegmentation(source === 'snapshot' ? database : database.db, ws, {
      asOf: AS_OF,
    });
    return new Map([...rfmRows(seg)].map(({ customer_id, lifecycle: _l, ...rest }) => [customer_id, rest]));
  };
  const current = () => readCurrentSnapshot(database, ws.id, 3);

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'snap', timezone: 'UTC', currency: 'CNY' });
    await importOrders('a.csv', 'A', 90);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('is built on first use, kept while nothing changes, and never trusted once customers change', async () => {
    expect(await current()).toBeUndefined();
    expect(await rows('snapshot')).toEqual(expectedRfm(orders, AS_OF));
    expect((await current())?.ids.length).toBe(40);
    expect(await rows('snapshot')).toEqual(expectedRfm(orders, AS_OF));

    await importOrders('b.csv', 'B', 25);
    expect(await current()).toBeUndefined();
    expect(await rows('snapshot')).toEqual(expectedRfm(orders, AS_OF));
    expect(await current()).toBeDefined();

    // A write that bypasses every service (a label changed by hand) still makes it stale.
    await sql`update customers set external_id = 'C1-renamed' where workspace_id = ${ws.id} and external_id = 'C1'`.execute(
      database.db,
    );
    expect(await current()).toBeUndefined();
    const renamed = orders.map((o) => (o.customer === 'C1' ? { ...o, customer: 'C1-renamed' } : o));
    expect(await rows('snapshot')).toEqual(expectedRfm(renamed, AS_OF));

    // A change rolled back leaves it current.
    await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`update customers set order_count = 0 where workspace_id = ${ws.id}`.execute(trx);
        throw new Error('undo');
      })
      .catch(() => {});
    expect(await current()).toBeDefined();
    expect(await rows('snapshot')).toEqual(await rows('sql'));
  });

  it('writes the same CSV as the generic writer, quoting included', async () => {
    await sql`update customers set external_id = 'C2,"quoted"' where workspace_id = ${ws.id} and external_id = 'C2'`.execute(
      database.db,
    );
    const seg = await computeSegmentation(database, ws, { asOf: AS_OF });
    const generic = join(dir, `${store.name}-generic.csv`);
    await writeRows(
      rfmRows(seg),
      [
        'customer_id',
        'recency',
        'frequency',
        'monetary',
        'r_score',
        'f_score',
        'm_score',
        'rfm_group',
        'lifecycle',
      ],
      'csv',
      generic,
    );
    const fast = [...rfmCsvChunks(seg)].join('');
    expect(fast).toContain('"C2,""quoted"""');
    expect(fast).toBe(readFileSync(generic, 'utf8'));
  });
});
