import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';
import { maskEmail, maskName, maskOpaque, maskPhone } from '../access/pii-mask.ts';
import { safeCell } from '../shared/csv-safe.ts';
import { type ColumnMap, matchColumns } from './import-kinds.ts';
import type { ImportLang } from './row-normalize.ts';

/** Where rejected rows go: the full file, and a copy with personal fields masked for other roles. */
export interface RejectsTarget {
  path?: string;
  maskedPath?: string;
}

/** Writes rejected rows (line, the row's cells, reason) as CSV. */
export interface RejectsWriter {
  write(line: number, cells: readonly string[], reason: string): void;
  close(): Promise<void>;
}

const MASKS: Record<string, (value: string) => string> = {
  phone: maskPhone,
  email: maskEmail,
  wechat_unionid: maskOpaque,
  wechat_openid: maskOpaque,
  name: maskName,
};

function csvFile(path: string, header: readonly string[]) {
  const out = createWriteStream(path);
  let failed: Error | undefined;
  // Without a listener a full disk would be an unhandled error event and end the process.
  out.on('error', (error) => {
    failed = error;
  });
  const csv = stringify();
  csv.pipe(out);
  csv.write(header.map(safeCell));
  return {
    write: (row: readonly string[]) => {
      if (!failed) csv.write(row.map(safeCell));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        out.on('finish', () => resolve());
        out.on('error', reject);
        csv.end();
      }),
  };
}

/**
 * Opens the rejects file(s) of an import. In the masked copy the cells of personal fields (phone,
 * email, WeChat ids, name) are masked as the API masks them, in the reason too. In zh-CN the
 * file's own columns (line, reason) have Chinese headers, as its reasons are Chinese.
 */
export function openRejects(
  target: RejectsTarget,
  headers: readonly string[],
  columns: ColumnMap,
  lang?: ImportLang,
): RejectsWriter {
  const header = lang === 'zh-CN' ? ['行号', ...headers, '原因'] : ['line', ...headers, 'reason'];
  const files = [target.path, target.maskedPath].map((p) => (p ? csvFile(p, header) : undefined));
  // Personal columns the kind reads, and those it ignores but a customers file would read (the
  // 姓名 of an orders export): both are someone's data.
  const found = new Map([...matchColumns('customers', headers), ...columns]);
  const personal = [...found]
    .filter(([field]) => MASKS[field])
    .map(([field, i]) => [i, MASKS[field]!] as const);
  return {
    write(line, cells, reason) {
      files[0]?.write([String(line), ...cells, reason]);
      if (!files[1]) return;
      const masked = [...cells];
      let maskedReason = reason;
      for (const [i, mask] of personal) {
        const value = (cells[i] ?? '').trim();
        if (!value) continue;
        masked[i] = mask(value);
        maskedReason = maskedReason.replaceAll(value, masked[i]!);
      }
      files[1].write([String(line), ...masked, maskedReason]);
    },
    close: async () => {
      await Promise.all(files.map((f) => f?.close()));
    },
  };
}
