import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { readSpendFile } from '../src/acquisition/spend-file.ts';
import { listSpend, saveSpend } from '../src/acquisition/spend-service.ts';
import { buildProgram } from '../src/cli/program.ts';
import { InvalidInputError } from '../src/shared/errors.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { CliInProcess } from './cli-in-process.ts';
import { deepArray, deepObject } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// Spend files as operators export them from spreadsheets: errors name the line and the column,
// Chinese headers work, and hostile cells are refused or kept exactly, never a crash; then the
// CLI: one readable line and nothing saved.
const dir = mkdtempSync(join(tmpdir(), 'retain-spend-file-'));
let n = 0;
const file = (text: string, ext = 'csv') => {
  const path = join(dir, `spend-${++n}.${ext}`);
  writeFileSync(path, text);
  return path;
};
const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;

describe('spend files', () => {
  it('names the line, column and header of every bad cell, Chinese headers included', async () => {
    const path = file(
      [
        '渠道,月份,金额',
        '抖音,2026-01,"¥1,200.50"',
        '小红书,2026-13,100',
        ',2026-02,100',
        '抖音,2026年2月,abc',
        '抖音,2026/02,-3',
        '抖音,2026-01,5',
        '线下门店,2026-02,0.001',
        '线下门店,2026-03,',
      ].join('\n'),
    );
    const { items, errors } = await readSpendFile(path, 'CNY');
    expect(errors.map((e) => [e.line, e.column, e.header])).toEqual([
      [3, 2, '月份'],
      [4, 1, '渠道'],
      [5, 3, '金额'],
      [6, 3, '金额'],
      [7, 1, '渠道'],
      [8, 3, '金额'],
      [9, 3, '金额'],
    ]);
    expect(errors[4]!.reason).toMatch(/already on line 2/);
    expect(items).toEqual([{ month: '2026-01', channel: '抖音', amount: 120050 }]);
  });

  it('refuses a file without the columns in one sentence naming them', async () => {
    await expect(readSpendFile(file('month,amount\n2026-01,5'), 'CNY')).rejects.toThrow(
      /line 1 has no channel \(渠道\) column/,
    );
    await expect(readSpendFile(file(''), 'CNY')).rejects.toThrow(/empty/);
  });

  const HOSTILE: [label: string, cell: string][] = [
    ['NUL byte', 'a\u0000b'],
    ['lone surrogate', 'a\ud800b'],
    ['long text', 'x'.repeat(4000)],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['deep arrays', deepArray(3000)],
    ['deep objects', deepObject(3000)],
    ['1e308', '1e308'],
    ['2^63', '9223372036854775808'],
    ['-1', '-1'],
    ['empty', ''],
    ['formula', '=HYPERLINK("http://x")'],
  ];

  it.each(HOSTILE)(
    'keeps or refuses %s in every column by line and column, never crashing',
    async (_label, cell) => {
      for (const [column, header] of [
        [1, 'month'],
        [2, 'channel'],
        [3, 'amount'],
      ] as const) {
        const cells = ['2026-01', '抖音', '10'];
        cells[column - 1] = cell;
        const path = file(`month,channel,amount\n2026-02,好渠道,1\n${cells.map(quote).join(',')}\n`);
        let result: Awaited<ReturnType<typeof readSpendFile>>;
        try {
          result = await readSpendFile(path, 'CNY');
        } catch (error) {
          // Only a whole-file refusal in words (the cell too long for a row) may stop the read.
          expect(error).toBeInstanceOf(InvalidInputError);
          continue;
        }
        expect(result.items[0]).toEqual({ month: '2026-02', channel: '好渠道', amount: 100 });
        if (result.errors.length) {
          expect(result.errors.map((e) => [e.line, e.column, e.header])).toEqual([[3, column, header]]);
          expect(result.items).toHaveLength(1);
        } else {
          expect(result.items[1]).toEqual({
            month: '2026-01',
            // As the file holds it: a lone surrogate was written as U+FFFD.
            channel: column === 2 ? Buffer.from(cell).toString().trim() : '抖音',
            amount: 1000,
          });
        }
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      }
    },
  );
});

describe.each(storesUnderTest())('spend saved from a file ($name)', (store) => {
  it('stores hostile-but-valid channel names exactly and replaces a month on a second import', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, { name: 'spend-file' });
      const path = file(
        'month,channel,amount\n2026-01,__proto__,1\n2026-01,constructor,2\n2026-01,"抖音, 直播",3.5\n',
      );
      const first = await readSpendFile(path, 'CNY');
      expect(first.errors).toEqual([]);
      await saveSpend(database.db, ws.id, cliActor(), first.items, 'import');
      const again = await readSpendFile(file('月份,渠道,金额\n2026-01,__proto__,9\n'), 'CNY');
      await saveSpend(database.db, ws.id, cliActor(), again.items, 'import');
      const rows = await listSpend(database.db, ws.id);
      expect(rows.map((r) => [r.month, r.channel, r.amount])).toEqual([
        ['2026-01', '__proto__', 900],
        ['2026-01', 'constructor', 200],
        ['2026-01', '抖音, 直播', 350],
      ]);
    } finally {
      await database.close();
    }
  });
});

describe('retain spend import and retain cac', () => {
  let cli: CliInProcess;
  beforeAll(async () => {
    cli = await CliInProcess.open();
  });
  afterAll(() => cli.close());
  /** `retain ARGS`, run in this process on the block's store (test/cli-in-process.ts). */
  const retain = (args: string[]) => cli.run(args);

  it('prints one line naming line and column and saves nothing when a row is bad', async () => {
    const path = file('月份,渠道,金额\n2026-01,抖音,100\n2026-02,抖音,一百\n');
    const { code, stderr } = await retain(['spend', 'import', path]);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      `retain: ${path}: nothing was saved, 1 error: line 3, column 3 (金额): "一百" is not an amount of money`,
    ]);
    expect((await retain(['spend', 'list', '--json'])).stdout.trim()).toBe('[]');
  });

  it('imports spend and prints the CAC report as CSV over the orders imported', async () => {
    const orders = file(
      [
        'order_id,customer_id,ordered_at,amount,status,channel',
        'A1,C1,2026-01-05 10:00,100.00,completed,抖音',
        'A2,C2,2026-01-09 10:00,60.00,completed,抖音',
        'A3,C1,2026-02-03 10:00,300.00,completed,',
      ].join('\n'),
    );
    expect((await retain(['import', 'orders', orders])).code).toBe(0);
    const spend = file('month,channel,amount\n2026-01,抖音,400\n');
    const saved = await retain(['spend', 'import', spend]);
    expect(saved.stdout.trim()).toBe('saved 1 spend rows for 1 channels, 2026-01 to 2026-01');
    const csv = await retain(['cac', '--format', 'csv', '--as-of', '2026-03-01']);
    expect(csv.code).toBe(0);
    const [header, row] = csv.stdout.trim().split('\n');
    expect(header).toBe(
      'channel,month,spend,new_buyers,cac,historical_clv,clv_cac,predicted_clv,predicted_clv_cac,revenue_to_date,payback_month,payback_months',
    );
    // ¥400 over two new buyers; their ¥160 in January, then ¥460 by February: paid back in month 1.
    expect(row).toBe('抖音,2026-01,40000,2,20000,,,,,46000,2026-02,1');
    const bad = await retain(['cac', '--from', '2026-13']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('retain: --from "2026-13": expected a month YYYY-MM');
  });
});

describe('retain cac and retain spend list month options', () => {
  const HOSTILE = [
    '2026-13',
    '2026-1',
    '',
    '__proto__',
    'constructor',
    'x'.repeat(4000),
    '1e308',
    '２０２６-01',
    '2026-01-01',
  ];
  it.each(HOSTILE.map((v) => [v.slice(0, 12), v]))(
    'refuses %s in one short line before opening a store',
    async (_label, value) => {
      for (const args of [
        ['cac', '--from', value],
        ['cac', '--to', value],
        ['spend', 'list', '--from', value],
      ]) {
        const program = await buildProgram(args);
        const error = await program.parseAsync(['node', 'retain', ...args]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        const message = (error as Error).message;
        expect(message).toMatch(/^--(from|to) ".{0,60}": expected a month YYYY-MM$/);
        expect(message.length).toBeLessThan(120);
      }
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    },
  );
});
