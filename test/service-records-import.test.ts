import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const dir = mkdtempSync(join(tmpdir(), 'retain-service-import-'));
const CUSTOMERS =
  'customer_id,name,phone,email,member_card\nC1,张三,13812345678,,\nC2,李四,,li@example.cn,\nC3,王五,,,VIP001\n';

// A 客服 system's export as a merchant would hand it over, zh-CN headers and all; lines are the
// file's (header = 1). The expected results below are written from the issue, not from the code.
const HEADER = [
  '工单号',
  '客户手机号',
  '会员卡号',
  '邮箱',
  '客户编号',
  '类型',
  '状态',
  '内容',
  '处理人',
  '时间',
];
const ROWS: string[][] = [
  ['T1', '13812345678', '', '', '', '工单', '待处理', '退货咨询', '小王', '2026-03-01 10:00'], // 2
  ['', '', 'VIP001', '', '', '电话', '', '回访：很满意', '小李', '2026-03-02 11:30'], // 3
  ['', '', '', 'LI@example.cn', '', '备注', '', '喜欢蓝色', '', '2026-03-03T09:00:00+08:00'], // 4
  ['T2', '13900000000', '', '', '', '工单', '', '未知客户', '小王', '2026-03-04 10:00'], // 5
  ['T3', '13812345678', '', '', '', '短信', '', '发过短信', '', '2026-03-05 10:00'], // 6
  ['T1', '13812345678', '', '', '', '工单', '已解决', '重复的工单号', '小王', '2026-03-06 10:00'], // 7
  ['', '', '', '', 'C1', '电话', '待处理', '电话没人接', '', '2026-03-07 10:00'], // 8
  ['', '', '', '', 'C2', '投诉', '', '物流慢', '小张', '2026-02-30 10:00'], // 9
  ['', '', '', '', '', '备注', '', '没有客户', '', '2026-03-08 10:00'], // 10
  ['', '13812345678', '', '', 'C2', '到店', '', '两个人', '', '2026-03-09 10:00'], // 11
  ['T9', '', '', '', 'C1', '工单', '已关闭', '发票已补开', '小王', '2026-03-10 15:00'], // 12
];
const EXPECTED_ERRORS = [
  { line: 5, column: '客户手机号', reason: /客户手机号 names no known customer/ },
  { line: 6, column: '类型', reason: /"短信" is not a record type/ },
  { line: 7, column: '工单号', reason: /工单号 "T1" is already on line 2/ },
  { line: 8, column: '状态', reason: /"待处理" does not fit a call/ },
  { line: 9, column: '时间', reason: /not a date/ },
  { line: 10, column: '', reason: /no customer identity/ },
  { line: 11, column: '客户编号', reason: /2 different customers/ },
];
// What must be stored: [customer, type, status, summary, author, instant, external_ref].
const EXPECTED_RECORDS = [
  ['C1', 'ticket', 'open', '退货咨询', '小王', '2026-03-01T02:00:00.000Z', 'T1'],
  ['C3', 'call', null, '回访：很满意', '小李', '2026-03-02T03:30:00.000Z', null],
  ['C2', 'note', null, '喜欢蓝色', '', '2026-03-03T01:00:00.000Z', null],
  ['C1', 'ticket', 'closed', '发票已补开', '小王', '2026-03-10T07:00:00.000Z', 'T9'],
];

const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
function csvFile(name: string, rows: string[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...rows].map((r) => r.map(quote).join(',')).join('\n')}\n`);
  return path;
}
async function xlsxFile(name: string, rows: string[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('服务记录');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  const path = join(dir, name);
  await book.xlsx.writeFile(path);
  return path;
}

describe.each(storesUnderTest())('import service-records ($name)', (store) => {
  let database: Database;
  let n = 0;
  const fresh = async () => {
    const ws = await createWorkspace(database.db, { name: `svc-${++n}` });
    await importText(database, ws, 'customers', CUSTOMERS);
    return ws;
  };
  const stored = async (ws: Workspace) => {
    const names = Object.fromEntries(
      Object.entries(await customerIds(database.db, ws.id)).map(([k, v]) => [v, k]),
    );
    const rows = await database.db
      .selectFrom('customer_notes')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('occurred_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      record: [
        names[r.customer_id],
        r.type,
        r.status,
        r.summary,
        r.author,
        r.occurred_at.toISOString(),
        r.external_ref,
      ],
      source: r.source,
    }));
  };
  const customerCount = async (ws: Workspace) => Object.keys(await customerIds(database.db, ws.id)).length;

  beforeAll(async () => {
    database = await store.open();
  });
  afterAll(() => database?.close());

  const checkErrors = (errors: { line: number; column: string; reason: string }[]) => {
    expect(errors.map((e) => [e.line, e.column])).toEqual(EXPECTED_ERRORS.map((e) => [e.line, e.column]));
    for (const [i, e] of errors.entries()) expect(e.reason).toMatch(EXPECTED_ERRORS[i]!.reason);
  };

  it('loads a CSV export: each good row on its customer, each bad one an error with line and column', async () => {
    const ws = await fresh();
    const file = csvFile('export.csv', ROWS);
    const dry = await importFile(database, { kind: 'service-records', file, workspace: ws, dryRun: true });
    expect(dry).toMatchObject({ read: 11, inserted: 4, rejected: 7 });
    checkErrors(dry.errors);
    expect(await stored(ws)).toEqual([]);

    const first = await importFile(database, { kind: 'service-records', file, workspace: ws });
    expect(first).toMatchObject({ read: 11, inserted: 4, updated: 0, unchanged: 0, rejected: 7, merged: 0 });
    checkErrors(first.errors);
    const after = await stored(ws);
    expect(after.map((r) => r.record)).toEqual(EXPECTED_RECORDS);
    expect(after.every((r) => r.source === 'import')).toBe(true);
    // No customer was made for the unknown phone of line 5.
    expect(await customerCount(ws)).toBe(3);

    const again = await importFile(database, { kind: 'service-records', file, workspace: ws });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, rejected: 7 });
    expect(await stored(ws)).toEqual(after);

    // A later export of the same tickets: T1 resolved. It is updated in place, nothing added.
    const later = ROWS.map((r) =>
      r[0] === 'T1' && r[6] === '待处理' ? [...r.slice(0, 6), '已解决', ...r.slice(7)] : r,
    );
    const update = await importFile(database, {
      kind: 'service-records',
      file: csvFile('later.csv', later),
      workspace: ws,
    });
    expect(update).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    const updated = await stored(ws);
    expect(updated.map((r) => r.id)).toEqual(after.map((r) => r.id));
    expect(updated[0]!.record[2]).toBe('resolved');
  });

  it('loads the same export as XLSX to the same records', async () => {
    const ws = await fresh();
    const file = await xlsxFile('export.xlsx', ROWS);
    const stats = await importFile(database, { kind: 'service-records', file, workspace: ws });
    expect(stats).toMatchObject({ read: 11, inserted: 4, rejected: 7 });
    checkErrors(stats.errors);
    expect((await stored(ws)).map((r) => r.record)).toEqual(EXPECTED_RECORDS);
    const again = await importFile(database, { kind: 'service-records', file, workspace: ws });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('strict loads nothing when a row is bad; a file without a required column is one clear error', async () => {
    const ws = await fresh();
    const strict = await importFile(database, {
      kind: 'service-records',
      file: csvFile('strict.csv', ROWS),
      workspace: ws,
      strict: true,
    });
    expect(strict.rejected).toBe(7);
    expect(await stored(ws)).toEqual([]);
    const path = join(dir, 'no-type.csv');
    writeFileSync(path, '客户手机号,内容,时间\n13812345678,x,2026-03-01 10:00\n');
    await expect(
      importFile(database, { kind: 'service-records', file: path, workspace: ws }),
    ).rejects.toThrow(/no column for record_type \(e\.g\. record_type, type, record_kind\)/);
  });
});
