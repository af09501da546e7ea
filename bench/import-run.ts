/**
 * One measured run of the import benchmark, in its own process so that peak memory is its own:
 * `node --import tsx bench/import-run.ts retain|copy pglite|postgres KIND FILE` prints one JSON line.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase, type Session } from '../src/db/database.ts';
import type { ImportKind } from '../src/importing/import-kinds.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';

const [mode, storeKind, kind, file] = process.argv.slice(2) as [
  'retain' | 'copy',
  'pglite' | 'postgres',
  ImportKind,
  string,
];
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `retain_bench_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'retain-bench-'));
const CHUNK = 8 << 20;

const open = (): Promise<Database> => openDatabase(storeKind === 'pglite' ? { dataDir } : { url, schema });

/** The baseline: the same rows COPYed as CSV, in the same chunk size, into a table of text columns. */
async function rawCopy(): Promise<{ rows: number; seconds: number }> {
  const store = await open();
  const started = performance.now();
  let rows = 0;
  await store.withSession(async (session: Session) => {
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    const bytes = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    let columns: string[] | undefined;
    let pending = '';
    let buffer: string[] = [];
    let size = 0;
    const flush = async () => {
      if (size > 0) await session.copyIn('raw_copy', columns!, buffer.join(''), 'csv');
      buffer = [];
      size = 0;
    };
    for await (const chunk of bytes) {
      const text = pending + (chunk as Buffer).toString('utf8');
      const cut = text.lastIndexOf('\n') + 1;
      pending = text.slice(cut);
      let body = text.slice(0, cut);
      if (!columns) {
        const eol = body.indexOf('\n') + 1;
        columns = body
          .slice(0, eol)
          .split(',')
          .map((_, i) => `c${i}`);
        await sql
          .raw(`create table raw_copy (${columns.map((c) => `${c} text`).join(', ')})`)
          .execute(session.db);
        body = body.slice(eol);
      }
      rows += body.split('\n').length - 1;
      buffer.push(body);
      size += body.length;
      if (size >= CHUNK) await flush();
    }
    if (pending.trim()) {
      buffer.push(`${pending}\n`);
      size += pending.length;
      rows++;
    }
    await flush();
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { rows, seconds };
}

async function retainImport(): Promise<Record<string, unknown>> {
  const store = await open();
  const london = kind === 'order-lines';
  const ws = await createWorkspace(store.db, {
    name: 'bench',
    timezone: london ? 'Europe/London' : 'Asia/Shanghai',
    currency: london ? 'GBP' : 'CNY',
  });
  const phases: Record<string, number> = {};
  const started = performance.now();
  const stats = await importFile(store, {
    kind,
    file,
    workspace: ws,
    onPhase: (phase, ms) => {
      phases[phase] = Math.round(ms) / 1000;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { rows: stats.read, seconds, rejected: stats.rejected, phases };
}

try {
  // Seconds exclude opening the store (PGlite's initdb), which both sides would pay alike.
  const result = mode === 'retain' ? await retainImport() : await rawCopy();
  const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ mode, store: storeKind, peakMiB, ...result })}\n`);
} finally {
  if (storeKind === 'postgres') {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
