import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeRows } from './tabular-output.ts';

describe('writeRows', () => {
  it('writes CSV that a CSV reader reads back exactly, quotes and line breaks included', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'retain-csv-')), 'rows.csv');
    const rows = [
      { customer_id: 'C1', name: '张三, "老客"', note: 'line1\nline2', amount: 12990, missing: null },
      { customer_id: '00042', name: '', note: 'plain', amount: -5, missing: null },
    ];
    await writeRows(rows, ['customer_id', 'name', 'note', 'amount', 'missing'], 'csv', out);
    const back: string[][] = parse(readFileSync(out));
    expect(back).toEqual([
      ['customer_id', 'name', 'note', 'amount', 'missing'],
      ['C1', '张三, "老客"', 'line1\nline2', '12990', ''],
      ['00042', '', 'plain', '-5', ''],
    ]);
  });

  it('writes a JSON array of the chosen columns only', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'retain-json-')), 'rows.json');
    await writeRows([{ a: 1, b: 'x', c: true }], ['a', 'b'], 'json', out);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([{ a: 1, b: 'x' }]);
  });
});
