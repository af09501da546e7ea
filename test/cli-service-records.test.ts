import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInProcess } from './cli-in-process.ts';

// `retain import service-records` as the CLI runs it, on the embedded store (test/cli-in-process.ts).
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-service-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

async function retain(args: string[]) {
  const result = await cli.run(args);
  return { ...result, stdout: result.stdout.trim() };
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('retain import service-records', () => {
  it('prints the counts and one line per bad row, dry runs change nothing, a second import neither', async () => {
    expect(
      (await retain(['import', 'customers', file('c.csv', 'customer_id,phone\nC1,13812345678\n')])).code,
    ).toBe(0);
    const records = file(
      'records.csv',
      '工单号,客户手机号,类型,状态,内容,处理人,时间\nT1,13812345678,工单,待处理,退货,小王,2026-03-01 10:00\nT2,13900000000,电话,,打错,小王,2026-03-01 11:00\nT3,13812345678,电话,已完成,回访,小王,2026-03-01 12:00\n',
    );
    const dry = await retain(['import', 'service-records', records, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([
      'dry run (nothing changed): read 3, inserted 2, updated 0, unchanged 0, merged 0, rejected 1, guest 0',
      '  line 3: 客户手机号 names no known customer (import or create the customer first)',
    ]);
    const first = await retain(['import', 'service-records', records]);
    expect(first.stdout.split('\n')[0]).toBe(
      'read 3, inserted 2, updated 0, unchanged 0, merged 0, rejected 1, guest 0',
    );
    const again = await retain(['import', 'service-records', records]);
    expect(again.stdout.split('\n')[0]).toBe(
      'read 3, inserted 0, updated 0, unchanged 2, merged 0, rejected 1, guest 0',
    );
  });

  it('refuses a file without a required column in one readable line', async () => {
    const { code, stderr } = await retain([
      'import',
      'service-records',
      file('bad.csv', '客户手机号,内容\n13812345678,x\n'),
    ]);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^retain: the service-records file has no column for record_type .*occurred_at/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
