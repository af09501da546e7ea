import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  csvRows,
  decodeText,
  kindOfHeader,
  pickColumn,
  readListFile,
  xlsxRows,
} from '../web/src/pages/broadcasts/list-file.ts';

// The broadcast form's list file: one column of a CSV or XLSX, the header skipped, every refused
// line named. Expected entries are written out here by hand from the files built here.
const CSV = [
  'customer_id,手机号,email',
  'C001,138 0013 8000,a@example.com',
  'C002,not-a-phone,b@example.com',
  '"C003, the third",139-0013-9000,',
  '',
  'C004,13800138000,c@example.com',
  'C005,,d@example.com',
].join('\r\n');

describe('a list file read for a broadcast', () => {
  it('takes the chosen column only, skips the header, and names each refused line', () => {
    const rows = csvRows(CSV);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[3]!.cells[0]).toBe('C003, the third');
    expect(pickColumn(rows, 1, 'phone', true)).toEqual({
      entries: ['13800138000', '13900139000'],
      rejected: [
        { line: 3, value: 'not-a-phone', reason: 'invalid' },
        { line: 6, value: '13800138000', reason: 'duplicate' },
        { line: 7, value: '', reason: 'empty' },
      ],
    });
    expect(pickColumn(rows, 2, 'email', true)).toEqual({
      entries: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'],
      rejected: [{ line: 4, value: '', reason: 'empty' }],
    });
    expect(pickColumn(rows, 0, 'customer_id', true).entries).toEqual([
      'C001',
      'C002',
      'C003, the third',
      'C004',
      'C005',
    ]);
    // Without the header, the header cell is itself refused as no phone.
    expect(pickColumn(rows, 1, 'phone', false).rejected[0]).toEqual({
      line: 1,
      value: '手机号',
      reason: 'invalid',
    });
    expect(['customer_id', '手机号', 'email', '备注'].map(kindOfHeader)).toEqual([
      'customer_id',
      'phone',
      'email',
      null,
    ]);
  });

  it('reads a GB18030 CSV as Excel saves it in China, and a UTF-8 one with its mark', () => {
    const text = '会员编号,手机\n张三-01,13800138000\n';
    expect(csvRows(decodeText(new Uint8Array(iconv.encode(text, 'gb18030'))))[1]!.cells).toEqual([
      '张三-01',
      '13800138000',
    ]);
    expect(decodeText(new TextEncoder().encode(`\uFEFF${text}`))).toBe(text);
    // Tab-separated text is split on its tabs, not its commas.
    expect(csvRows('phone\tnote\n13800138000\ta, b\n')[1]!.cells).toEqual(['13800138000', 'a, b']);
  });

  it('reads the first worksheet of an XLSX file, line numbers as Excel shows them', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(['客户编号', '邮箱']);
    sheet.addRow(['C001', 'x@example.com']);
    sheet.addRow([]);
    sheet.addRow(['C002', 'not an email']);
    sheet.addRow([12345, 'y@example.com']);
    const bytes = await book.xlsx.writeBuffer();
    const file = new File([bytes], '名单.xlsx');
    const rows = await readListFile(file);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 5]);
    expect(pickColumn(rows, 1, 'email', true)).toEqual({
      entries: ['x@example.com', 'y@example.com'],
      rejected: [{ line: 4, value: 'not an email', reason: 'invalid' }],
    });
    expect(pickColumn(rows, 0, 'customer_id', true).entries).toEqual(['C001', 'C002', '12345']);
    await expect(xlsxRows(new TextEncoder().encode('not a workbook').buffer)).rejects.toThrow();
  });

  it('refuses NUL and control characters, over-long cells, and keeps __proto__ as plain text', () => {
    const long = 'x'.repeat(201);
    const rows = csvRows(`__proto__,constructor\nC\u000001,a\n${long},b\n__proto__,c\n`);
    const picked = pickColumn(rows, 0, 'customer_id', true);
    expect(picked.entries).toEqual(['__proto__']);
    expect(picked.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'invalid'],
      [3, 'invalid'],
    ]);
    expect(picked.rejected[1]!.value).toHaveLength(40);
    expect(Object.getPrototypeOf(picked)).toBe(Object.prototype);
    // A column past a short row's end is empty for that row; a huge file stops at the API's 100,000.
    expect(pickColumn(csvRows('a,b\n1\n'), 1, 'email', true).rejected).toEqual([
      { line: 2, value: '', reason: 'empty' },
    ]);
    const huge = csvRows(`${Array.from({ length: 100_010 }, (_, i) => `C${i}`).join('\n')}\n`);
    expect(huge.length).toBe(100_001);
  });
});
