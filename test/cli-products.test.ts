import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { CliInProcess } from './cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-products-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w shop ARGS`, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[]) => cli.run(['-w', 'shop', ...args]);

// Milk bought by two customers with five repeat intervals per unit of 20, 20, 30 (C1) and 30, 40
// (C2), by hand: median 30, quartiles 20 and 30.
beforeAll(async () => {
  const file = join(dir, 'lines.csv');
  writeFileSync(
    file,
    `order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status
A1,C1,2024-01-01 10:00,MILK,奶粉,1,200,paid
A2,C1,2024-01-21 10:00,MILK,奶粉,2,200,paid
A3,C1,2024-03-01 10:00,MILK,奶粉,1,200,paid
A4,C1,2024-03-31 10:00,MILK,奶粉,2,200,paid
A4,C1,2024-03-31 10:00,SOAP,香皂,1,10,paid
B1,C2,2024-01-10 10:00,MILK,奶粉,1,200,paid
B2,C2,2024-02-09 10:00,MILK,奶粉,1,200,paid
B3,C2,2024-03-20 10:00,MILK,奶粉,1,200,paid
`,
  );
  const workspace = await ensureWorkspace(cli.store.db, 'shop');
  expect((await importFile(cli.store, { kind: 'order-lines', file, workspace })).rejected).toBe(0);
});

describe('retain products intervals', () => {
  it('says there is nothing yet, learns on demand, and lists learned beside hand-set', async () => {
    expect((await retain(['products', 'intervals'])).stdout).toMatch(/^no intervals yet/);
    expect((await retain(['products', 'set', 'SOAP', '--repurchase-days', '10'])).code).toBe(0);
    const learned = await retain(['products', 'intervals', '--learn', '--as-of', '2024-05-01']);
    expect(learned.code, learned.stderr).toBe(0);
    const lines = learned.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      "learned up to 2024-05-01: 1 products from their own repeat purchases, 0 from their category's",
    );
    expect(lines[1]!.split(/\s+/)).toEqual([
      'sku',
      'name',
      'set_days',
      'learned_days',
      'p25',
      'p75',
      'from',
      'intervals',
      'in_use',
    ]);
    expect(lines[2]!.split(/\s+/)).toEqual(['MILK', '奶粉', '30.0', '20.0', '30.0', 'sku', '5', '30.0']);
    expect(lines[3]!.split(/\s+/)).toEqual(['SOAP', '香皂', '10', '10', '(set)']);
    const json = JSON.parse((await retain(['products', 'intervals', '--json'])).stdout);
    expect(json.map((p: { sku: string; source: string }) => [p.sku, p.source])).toEqual([
      ['MILK', 'sku'],
      ['SOAP', 'set'],
    ]);
  });

  it('refuses a bad date in one line, and --as-of without --learn', async () => {
    const bad = await retain(['products', 'intervals', '--learn', '--as-of', '2024-02-30']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toBe('retain: --as-of 2024-02-30: expected a date as YYYY-MM-DD');
    const alone = await retain(['products', 'intervals', '--as-of', '2024-05-01']);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toBe('retain: --as-of goes with --learn');
  });
});
