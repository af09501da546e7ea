import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-products-'));
const dataDir = join(dir, 'data');

function retain(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, '-w', 'shop', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

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
  const store = await openDatabase({ dataDir });
  try {
    const workspace = await ensureWorkspace(store.db, 'shop');
    expect((await importFile(store, { kind: 'order-lines', file, workspace })).rejected).toBe(0);
  } finally {
    await store.close();
  }
});

describe('retain products intervals', () => {
  it('says there is nothing yet, learns on demand, and lists learned beside hand-set', () => {
    expect(retain(['products', 'intervals']).stdout).toMatch(/^no intervals yet/);
    expect(retain(['products', 'set', 'SOAP', '--repurchase-days', '10']).code).toBe(0);
    const learned = retain(['products', 'intervals', '--learn', '--as-of', '2024-05-01']);
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
    const json = JSON.parse(retain(['products', 'intervals', '--json']).stdout);
    expect(json.map((p: { sku: string; source: string }) => [p.sku, p.source])).toEqual([
      ['MILK', 'sku'],
      ['SOAP', 'set'],
    ]);
  });

  it('refuses a bad date in one line, and --as-of without --learn', () => {
    const bad = retain(['products', 'intervals', '--learn', '--as-of', '2024-02-30']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toBe('retain: --as-of 2024-02-30: expected a date as YYYY-MM-DD');
    const alone = retain(['products', 'intervals', '--as-of', '2024-05-01']);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toBe('retain: --as-of goes with --learn');
  });
});
