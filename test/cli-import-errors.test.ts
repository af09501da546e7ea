import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { copyTemplate } from './stores.ts';

// Regression tests for issue #13 through the real bin: a broken file is one readable line and a
// non-zero exit, never a stack trace.
const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-import-'));
copyTemplate(join(dir, 'data'));

function retain(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

const HEAD = 'order_id,customer_id,ordered_at,amount,store\n';

describe('retain import of broken files', () => {
  it('one CSV upload kills the server: the CLI prints one line naming the line and column of an unclosed quote', () => {
    const file = join(dir, 'quote.csv');
    writeFileSync(file, `${HEAD}A1,C1,2024-05-01 10:00,10,x\nA2,C2,2024-05-01 10:00,"12,x\n`);
    const { code, stderr } = retain(['import', 'orders', file]);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      `retain: ${file}: line 3, column 4 opens a quote (") that is never closed before the file ends; close it or remove it`,
    ]);
  });

  it('a Latin-1 file is stored garbled: the CLI refuses it in one line, asking for --encoding', () => {
    const file = join(dir, 'latin.csv');
    writeFileSync(file, iconv.encode(`${HEAD}L1,C1,2024-05-01 10:00,10,Café\n`, 'latin1'));
    const refused = retain(['import', 'orders', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^retain: .*latin\.csv is neither UTF-8 nor Chinese.*--encoding/);
    expect(refused.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
