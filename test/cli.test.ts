import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { copyTemplate } from './stores.ts';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-test-'));
const dataDir = join(dir, 'data');
copyTemplate(dataDir);

function retain(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

const ORDERS = join(dir, 'orders.csv');
writeFileSync(
  ORDERS,
  [
    '订单号,手机号,姓名,下单时间,实付金额,订单状态',
    'O1,138 0013 8000,张三,2024-03-05 10:00,¥100.00,交易成功',
    'O2,13800138000,,2024-03-06 10:00,bad,交易成功',
  ].join('\n'),
);

const oneLineError = (stderr: string) => {
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^retain: /);
  expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
};

describe('retain CLI', () => {
  it('imports with --json printing exactly the documented object', () => {
    const { code, stdout } = retain(['import', 'orders', ORDERS, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual([
      'read',
      'inserted',
      'updated',
      'unchanged',
      'merged',
      'rejected',
      'guest',
      'identical_lines',
      'superseded_rows',
      'item_rows',
      'masked_identities',
      'errors',
    ]);
    expect(result).toMatchObject({
      read: 2,
      inserted: 1,
      rejected: 1,
      errors: [{ line: 3, column: '实付金额' }],
    });
  });

  it('shows a customer found by a phone written any way', () => {
    const { code, stdout } = retain(['customers', 'show', '+86 13800138000']);
    expect(code).toBe(0);
    expect(stdout).toContain('phone=13800138000');
    expect(stdout).toContain('O1');
    expect(stdout).toContain('¥100.00');
  });

  it('exits non-zero with --strict when a row is bad, and loads nothing', () => {
    const strictFile = join(dir, 'strict.csv');
    writeFileSync(
      strictFile,
      '订单号,手机号,下单时间,实付金额\nS1,13900139000,2024-03-05,1\nS2,13900139000,yesterday,1\n',
    );
    const { code, stdout } = retain(['import', 'orders', strictFile, '--strict']);
    expect(code).toBe(1);
    expect(stdout).toContain('line 3');
    expect(retain(['customers', 'show', '13900139000']).stderr).toContain('no customer matches');
  });

  it('prints the import summary in Chinese with --lang zh-CN or a Chinese LANG, in English otherwise', () => {
    const zh = retain(['import', 'orders', ORDERS, '--dry-run', '--lang', 'zh-CN']);
    expect(zh.code).toBe(0);
    const lines = zh.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^试运行（未做任何更改）：读取 2 行，新增 0，更新 0，未变 1，合并 0，拒绝 1，游客订单 0$/,
    );
    expect(lines[1]).toBe('  第 3 行：实付金额「bad」不是金额');
    const byLocale = retain(['import', 'orders', ORDERS, '--dry-run'], {
      LANG: 'zh_CN.UTF-8',
      LC_ALL: '',
      LC_MESSAGES: '',
    });
    expect(byLocale.stdout).toBe(zh.stdout);
    const en = retain(['import', 'orders', ORDERS, '--dry-run'], {
      LANG: 'en_US.UTF-8',
      LC_ALL: '',
      LC_MESSAGES: '',
    });
    expect(en.stdout.split('\n')[0]).toBe(
      'dry run (nothing changed): read 2, inserted 0, updated 0, unchanged 1, merged 0, rejected 1, guest 0',
    );
  });

  it('gives one readable line for a missing file, a bad --map, an unknown kind and an unreachable database', () => {
    const missing = retain(['import', 'orders', join(dir, 'nope.csv')]);
    expect(missing.code).not.toBe(0);
    oneLineError(missing.stderr);
    expect(missing.stderr).toContain('no such file');

    const badMap = retain(['import', 'orders', ORDERS, '--map', 'amount=应付']);
    expect(badMap.code).not.toBe(0);
    oneLineError(badMap.stderr);
    expect(badMap.stderr).toContain('no column "应付"');

    const badField = retain(['import', 'orders', ORDERS, '--map', 'colour=订单号']);
    oneLineError(badField.stderr);
    expect(badField.stderr).toContain('no field "colour"');

    const kind = retain(['import', 'invoices', ORDERS]);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('invoices');

    const down = retain(['workspace', 'list'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/retain' });
    expect(down.code).not.toBe(0);
    oneLineError(down.stderr);
    expect(down.stderr).toContain('cannot connect to the database at postgres://postgres@127.0.0.1:1/retain');
  });

  it('prints RFM, lifecycle, metrics and cohorts in the documented shapes', () => {
    const rfm = retain(['rfm', '--as-of', '2024-03-10', '--format', 'csv']);
    expect(rfm.code).toBe(0);
    expect(rfm.stdout.trim().split('\n')).toEqual([
      'customer_id,recency,frequency,monetary,r_score,f_score,m_score,rfm_group,lifecycle',
      // One scored customer: O1 on 2024-03-05, ¥100.00; everyone equals the mean, so nothing is above it.
      expect.stringMatching(/^\d+,5,1,10000,5,5,5,general_retain,new$/),
    ]);
    const lifecycle = retain(['lifecycle', '--as-of', '2024-03-01', '--format', 'csv']);
    expect(lifecycle.stdout.trim().split('\n')).toEqual([
      'customer_id,lifecycle',
      expect.stringMatching(/^\d+,prospect$/),
    ]);
    const metrics = JSON.parse(
      retain(['metrics', '--from', '2024-03-01', '--to', '2024-04-01', '--format', 'json']).stdout,
    );
    expect(metrics).toEqual([
      {
        period_start: '2024-03-01',
        buyers: 1,
        orders: 1,
        revenue: 10000,
        aov: 10000,
        repurchase_rate: 0,
        avg_repurchase_frequency: null,
        returning_rate: 0,
        retention_rate: null,
      },
    ]);
    const cohorts = JSON.parse(
      retain(['cohorts', '--from', '2024-03-01', '--to', '2024-05-01', '--format', 'json']).stdout,
    );
    expect(cohorts).toEqual([{ cohort: '2024-03', customers: 1, retention: [1, 0] }]);
    const bad = retain(['metrics', '--from', '2024-02-30', '--to', '2024-04-01']);
    oneLineError(bad.stderr);
    expect(bad.stderr).toContain('--from 2024-02-30');
  });

  it('saves a segment and exports its members to CSV and XLSX', async () => {
    const created = retain(['segments', 'create', '杭州老客', '--where', '{"identity":"phone"}']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('1 members');
    const csvFile = join(dir, 'members.csv');
    const xlsxFile = join(dir, 'members.xlsx');
    expect(retain(['segments', 'export', '杭州老客', '--out', csvFile]).code).toBe(0);
    expect(retain(['segments', 'export', '杭州老客', '--out', xlsxFile]).code).toBe(0);
    const raw = readFileSync(csvFile, 'utf8');
    // A byte-order mark makes Excel on a Chinese Windows read the file as UTF-8.
    expect(raw.startsWith('\uFEFF')).toBe(true);
    const csv = raw.slice(1).trim().split('\n');
    expect(csv[0]).toBe('customer_id,name,phone,email,city,tags,order_count,net_total,last_order_date');
    // The orders file's 姓名 column names a customer who had no name (as a platform's 收货人 does).
    expect(csv[1]).toMatch(/^\d+,张三,13800138000,,,,1,10000,2024-03-05$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxFile);
    const rows = book.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0]!.slice(1, 4)).toEqual(['customer_id', 'name', 'phone']);
    expect(rows[1]![3]).toBe('13800138000');
    expect(rows[1]![7]).toBe(1);
    const bad = retain(['segments', 'create', 'x', '--where', '{"tagg":1}']);
    oneLineError(bad.stderr);
    expect(bad.stderr).toContain('unknown condition');
  });

  it('creates and lists workspaces, refusing an unknown zone', () => {
    expect(
      retain(['workspace', 'create', 'london', '--timezone', 'Europe/London', '--currency', 'gbp']).code,
    ).toBe(0);
    const list = JSON.parse(retain(['workspace', 'list', '--json']).stdout);
    expect(list.find((w: { name: string }) => w.name === 'london')).toMatchObject({
      timezone: 'Europe/London',
      currency: 'GBP',
    });
    const bad = retain(['workspace', 'create', 'mars', '--timezone', 'Mars/Olympus']);
    oneLineError(bad.stderr);
    expect(bad.stderr).toContain('unknown time zone');
    // An empty workspace may still move; one with orders (the first test's) may not.
    const moved = retain([
      'workspace',
      'change',
      '-w',
      'london',
      '--timezone',
      'Europe/Paris',
      '--currency',
      'eur',
    ]);
    expect([moved.code, moved.stdout.trim()]).toEqual([0, 'workspace "london": Europe/Paris, EUR']);
    const refused = retain(['workspace', 'change', '--timezone', 'Europe/Paris']);
    expect(refused.code).not.toBe(0);
    oneLineError(refused.stderr);
    expect(refused.stderr).toContain('already holds orders or events read in Asia/Shanghai');
  });
});
