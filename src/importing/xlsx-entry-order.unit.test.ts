import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { openRecords } from './file-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-xlsx-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A workbook saved by exceljs, its archive entries rewritten in the order given (others after). */
async function workbookWithEntryOrder(rows: string[][], first: string[]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('订单');
  for (const row of rows) sheet.addRow(row);
  const source = await JSZip.loadAsync(Buffer.from(await book.xlsx.writeBuffer()));
  const names = Object.keys(source.files).filter((name) => !source.files[name]!.dir);
  const ordered = [...first, ...names.filter((name) => !first.includes(name))];
  const out = new JSZip();
  for (const name of ordered) out.file(name, await source.files[name]!.async('uint8array'));
  const path = join(dir, `${ordered.length}-${Math.random().toString(36).slice(2)}.xlsx`);
  writeFileSync(path, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return path;
}

async function readAll(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of (await openRecords(path, undefined, '订单.xlsx')).records)
    rows.push(record.cells);
  return rows;
}

describe('an .xlsx whose archive lists the sheet before the workbook part', () => {
  const rows = [
    ['订单号', '手机号', '金额'],
    ['A1', '13800000001', '12.50'],
    ['A2', '13800000002', '8'],
  ];

  it('is read in full, whatever order the archive holds its parts in (WPS and other tools differ)', async () => {
    // The rels and shared strings first, then the sheet, the workbook part last: exceljs's streaming
    // reader then meets the sheet before it knows the workbook's sheet list.
    const path = await workbookWithEntryOrder(rows, [
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/sharedStrings.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    expect(await readAll(path)).toEqual(rows);
  });

  it('reads the usual order the same', async () => {
    const path = await workbookWithEntryOrder(rows, ['[Content_Types].xml', 'xl/workbook.xml']);
    expect(await readAll(path)).toEqual(rows);
  });

  it('still refuses a file that is no workbook, naming the file and not the server path', async () => {
    const path = join(dir, 'broken.xlsx');
    writeFileSync(path, 'PK\u0003\u0004 not really a zip');
    await expect(readAll(path)).rejects.toThrow(/^订单\.xlsx: not a readable \.xlsx file/);
    await expect(readAll(path)).rejects.not.toThrow(dir);
  });
});
