/**
 * `npm run bench:segments`: `retain rfm --format csv --out FILE` as a whole process over a store
 * holding the generated orders (BENCH_ORDERS, default 10M, for a tenth as many customers), beside
 * DuckDB computing the same CSV from the raw orders as a whole process over a persisted database.
 * Then, on a copy of each store with saved segments, 10k new orders are imported and the refresh
 * of segments and the RFM snapshot (inside the import) is timed on its own, beside the same
 * import into an empty store of the same kind (the whole import's baseline).
 * BENCH_STORES=pglite,postgres picks stores; stores are built once and kept in bench/out.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { generateOrdersFile } from './generate-orders.ts';

const here = new URL('.', import.meta.url).pathname;
const bin = join(here, '../bin/retain.js');
const orders = Number(process.env.BENCH_ORDERS ?? 10_000_000);
const stores = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',');
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const asOf = '2026-01-01';
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const csv = join(out, `orders-${orders}.csv`);
if (!existsSync(csv)) {
  await generateOrdersFile(`${csv}.tmp`, orders);
  renameSync(`${csv}.tmp`, csv);
}

interface Measured {
  seconds: number;
  peakMiB: number;
  /** The process's own CPU seconds (PGlite runs inside it; a PostgreSQL server's work is not here). */
  cpuSeconds: number;
}

/** Runs a command as a whole process; wall time, its peak RSS and its stderr. */
function measure(args: string[], env: Record<string, string> = {}): Measured & { stderr: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', join(here, 'report-rss.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  const kib = Number(/bench-peak-rss-kib=(\d+)/.exec(result.stderr)?.[1] ?? 0);
  const cpuSeconds = Number(/bench-cpu-seconds=([\d.]+)/.exec(result.stderr)?.[1] ?? Number.NaN);
  return { seconds, peakMiB: Math.round(kib / 1024), cpuSeconds, stderr: result.stderr };
}

// DuckDB: a persisted database of the raw orders, built once.
const duckFile = join(out, `orders-${orders}.duckdb`);
if (!existsSync(duckFile)) {
  const db = await DuckDBInstance.create(`${duckFile}.tmp`);
  const conn = await db.connect();
  await conn.run(`create table orders as select customer_id, ordered_at::date as local_date, status,
    round(amount * 100)::bigint as net from read_csv('${csv}', header = true, columns = {
      'order_id': 'varchar', 'customer_id': 'varchar', 'ordered_at': 'timestamp', 'amount': 'decimal(12,2)',
      'status': 'varchar', 'channel': 'varchar'})`);
  conn.closeSync();
  db.closeSync();
  renameSync(`${duckFile}.tmp`, duckFile);
}

/** Builds (once) a Retain store holding the generated orders; returns the env that selects it. */
async function retainStore(kind: string): Promise<Record<string, string>> {
  if (kind === 'pglite') {
    const dir = join(out, `pglite-${orders}`);
    const env = { RETAIN_DATA_DIR: dir, DATABASE_URL: '' };
    if (!existsSync(join(dir, '.complete'))) {
      rmSync(dir, { recursive: true, force: true });
      const load = measure([bin, 'import', 'orders', csv], env);
      console.log(`loaded ${orders} orders into PGlite in ${load.seconds.toFixed(0)} s`);
      writeFileSync(join(dir, '.complete'), '');
    }
    return env;
  }
  const name = `retain_bench_segments_${orders}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString() };
  let complete = false;
  if (exists.rowCount) {
    const probe = new pg.Client({ connectionString: env.DATABASE_URL });
    await probe.connect();
    complete =
      (await probe.query(`select 1 from pg_tables where tablename = 'bench_complete'`)).rowCount === 1;
    await probe.end();
  }
  if (!complete) {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const load = measure([bin, 'import', 'orders', csv], env);
    console.log(`loaded ${orders} orders into PostgreSQL in ${load.seconds.toFixed(0)} s`);
    const done = new pg.Client({ connectionString: env.DATABASE_URL });
    await done.connect();
    await done.query('create table bench_complete ()');
    await done.end();
  }
  await admin.end();
  return env;
}

/** 10k new orders for existing customers, after the generated file's period. */
function newOrdersFile(): string {
  const file = join(out, 'new-orders-10k.csv');
  let text = 'order_id,customer_id,ordered_at,amount,status,channel\n';
  for (let i = 1; i <= 10_000; i++) {
    text += `INC${i},C${1 + ((i * 7919) % Math.floor(orders / 10))},2025-12-31 12:00:00,${10 + (i % 90)}.00,completed,天猫\n`;
  }
  writeFileSync(file, text);
  return file;
}

/** Saved segments on the increment copies: RFM groups, RFM scores, lifecycle and an aggregate. */
const SEGMENTS: Record<string, unknown> = {
  'bench-rfm-top': { rfm_group: ['important_value', 'important_keep'] },
  'bench-recent-r': { score: 'r', op: 'gte', value: 4 },
  'bench-lapsing': { lifecycle: ['silent', 'lost'] },
  'bench-three-orders': { field: 'order_count', op: 'gte', value: 3 },
};

/** A copy of the store for the increment (the cached one stays as built); the env selecting it. */
async function copyStore(kind: string, env: Record<string, string>): Promise<Record<string, string>> {
  if (kind === 'pglite') {
    const copy = join(out, 'pglite-increment');
    rmSync(copy, { recursive: true, force: true });
    cpSync(env.RETAIN_DATA_DIR!, copy, { recursive: true });
    return { RETAIN_DATA_DIR: copy, DATABASE_URL: '' };
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const source = new URL(env.DATABASE_URL!).pathname.slice(1);
  await admin.query(`drop database if exists retain_bench_increment`);
  await admin.query(`create database retain_bench_increment template ${source}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = '/retain_bench_increment';
  return { DATABASE_URL: url.toString() };
}

/**
 * The baseline for the whole import: an empty store of the same kind, created and migrated by a
 * first command (not timed), so the timed import does only the import. The env selecting it.
 */
async function emptyStore(kind: string): Promise<Record<string, string>> {
  let env: Record<string, string>;
  if (kind === 'pglite') {
    const dir = join(out, 'pglite-empty');
    rmSync(dir, { recursive: true, force: true });
    env = { RETAIN_DATA_DIR: dir, DATABASE_URL: '' };
  } else {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query('drop database if exists retain_bench_empty');
    await admin.query('create database retain_bench_empty');
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = '/retain_bench_empty';
    env = { DATABASE_URL: url.toString() };
  }
  measure([bin, 'workspace', 'list'], env);
  return env;
}

/** DuckDB's CSV over the raw orders plus the new ones, for checking Retain's after the increment. */
function duckAfter(newOrders: string, outCsv: string): void {
  const file = join(out, 'increment.duckdb');
  rmSync(file, { force: true });
  copyFileSync(duckFile, file);
  measure(['--import', 'tsx', join(here, 'duckdb-append.ts'), file, newOrders]);
  measure(['--import', 'tsx', join(here, 'duckdb-rfm.ts'), file, asOf, outCsv]);
  rmSync(file, { force: true });
}

/** Same rows in both CSVs (row order differs: ids vs names). */
function sameRows(a: string, b: string): boolean {
  const ours = readFileSync(a, 'utf8').trim().split('\n');
  const theirs = readFileSync(b, 'utf8').trim().split('\n');
  return ours.length === theirs.length && new Set(ours).size === new Set([...ours, ...theirs]).size;
}

const increments: string[] = [];
console.log(
  `| store | customers | orders | retain rfm --format csv | peak MiB | DuckDB (same CSV) | peak MiB | ratio | first run (builds snapshot if missing) |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const kind of stores) {
  const env = await retainStore(kind);
  const retainOut = join(out, `rfm-retain-${kind}.csv`);
  const duckOut = join(out, 'rfm-duckdb.csv');
  const rfmArgs = (file: string) => [bin, 'rfm', '--as-of', asOf, '--format', 'csv', '--out', file];
  const first = measure(rfmArgs(retainOut), env);
  const retain = measure(rfmArgs(retainOut), env);
  const duck = measure(['--import', 'tsx', join(here, 'duckdb-rfm.ts'), duckFile, asOf, duckOut]);
  const customers = readFileSync(retainOut, 'utf8').trim().split('\n').length - 1;
  console.log(
    `| ${kind} | ${customers.toLocaleString('en')} | ${orders.toLocaleString('en')} | ${retain.seconds.toFixed(1)} s | ${retain.peakMiB} | ${duck.seconds.toFixed(1)} s | ${duck.peakMiB} | ${(retain.seconds / duck.seconds).toFixed(2)}× | ${first.seconds.toFixed(1)} s |${sameRows(retainOut, duckOut) ? '' : ' (outputs differ!)'}`,
  );

  const copyEnv = await copyStore(kind, env);
  for (const [name, condition] of Object.entries(SEGMENTS))
    measure([bin, 'segments', 'create', name, '--where', JSON.stringify(condition)], copyEnv);
  const newOrders = newOrdersFile();
  const imported = measure([bin, 'import', 'orders', newOrders], { ...copyEnv, RETAIN_TIMINGS: '1' });
  const refreshMs = Number(/phase after (\d+) ms/.exec(imported.stderr)?.[1] ?? Number.NaN);
  const afterOut = join(out, `rfm-after-increment-${kind}.csv`);
  const again = measure(rfmArgs(afterOut), copyEnv);
  const duckAfterOut = join(out, 'rfm-duckdb-after-increment.csv');
  duckAfter(newOrders, duckAfterOut);
  if (kind === 'pglite') rmSync(copyEnv.RETAIN_DATA_DIR!, { recursive: true, force: true });
  const emptyEnv = await emptyStore(kind);
  const intoEmpty = measure([bin, 'import', 'orders', newOrders], emptyEnv);
  if (kind === 'pglite') rmSync(emptyEnv.RETAIN_DATA_DIR!, { recursive: true, force: true });
  const seconds = (m: Measured) => `${m.seconds.toFixed(1)} s (${m.cpuSeconds.toFixed(1)} s CPU)`;
  increments.push(
    `| ${kind} | ${seconds(imported)} | ${(refreshMs / 1000).toFixed(2)} s | ${seconds(intoEmpty)} | ${(imported.seconds / intoEmpty.seconds).toFixed(2)}× (CPU ${(imported.cpuSeconds / intoEmpty.cpuSeconds).toFixed(2)}×) | ${seconds(again)} | ${sameRows(afterOut, duckAfterOut) ? 'yes' : 'NO'} | ${Math.max(imported.peakMiB, again.peakMiB)} |`,
  );
}

console.log(
  `\n| store | import 10k new orders (whole process) | of which refresh of ${Object.keys(SEGMENTS).length} segments + RFM snapshot | baseline: the same import into an empty store | ratio (target ≤ 3×) | RFM CSV after it | same rows as DuckDB | peak MiB |`,
);
console.log('|---|---:|---:|---:|---:|---:|---|---:|');
for (const line of increments) console.log(line);
