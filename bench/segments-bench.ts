/**
 * `npm run bench:segments`: `retain rfm --format csv --out FILE` as a whole process over a store
 * holding the generated orders (BENCH_ORDERS, default 10M, for a tenth as many customers), beside
 * DuckDB computing the same CSV from the raw orders as a whole process over a persisted database.
 * BENCH_STORES=pglite,postgres picks stores; stores are built once and kept in bench/out.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
}

/** Runs a command as a whole process; wall time and its peak RSS. */
function measure(args: string[], env: Record<string, string> = {}): Measured {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', join(here, 'report-rss.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  const kib = Number(/bench-peak-rss-kib=(\d+)/.exec(result.stderr)?.[1] ?? 0);
  return { seconds, peakMiB: Math.round(kib / 1024) };
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

const increments: string[] = [];
console.log(
  `| store | customers | orders | retain rfm --format csv | peak MiB | DuckDB (same CSV) | peak MiB | ratio |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const kind of stores) {
  const env = await retainStore(kind);
  const retainOut = join(out, `rfm-retain-${kind}.csv`);
  const duckOut = join(out, 'rfm-duckdb.csv');
  const retain = measure([bin, 'rfm', '--as-of', asOf, '--format', 'csv', '--out', retainOut], env);
  const duck = measure(['--import', 'tsx', join(here, 'duckdb-rfm.ts'), duckFile, asOf, duckOut]);
  const ours = readFileSync(retainOut, 'utf8').trim().split('\n');
  const theirs = readFileSync(duckOut, 'utf8').trim().split('\n');
  // Row order differs (ids vs names); the rows themselves must be the same.
  const sameRows = ours.length === theirs.length && new Set(ours).size === new Set([...ours, ...theirs]).size;
  console.log(
    `| ${kind} | ${(ours.length - 1).toLocaleString('en')} | ${orders.toLocaleString('en')} | ${retain.seconds.toFixed(1)} s | ${retain.peakMiB} | ${duck.seconds.toFixed(1)} s | ${duck.peakMiB} | ${(retain.seconds / duck.seconds).toFixed(2)}× |${sameRows ? '' : ' (outputs differ!)'}`,
  );
  if (kind === 'pglite') {
    // Importing 10k new orders, then RFM again, on a copy of the store (the cached one stays as built).
    const copy = join(out, 'pglite-increment');
    rmSync(copy, { recursive: true, force: true });
    cpSync(env.RETAIN_DATA_DIR!, copy, { recursive: true });
    const copyEnv = { RETAIN_DATA_DIR: copy, DATABASE_URL: '' };
    const imported = measure([bin, 'import', 'orders', newOrdersFile()], copyEnv);
    const again = measure(
      [bin, 'rfm', '--as-of', asOf, '--format', 'csv', '--out', join(out, 'rfm-after-increment.csv')],
      copyEnv,
    );
    rmSync(copy, { recursive: true, force: true });
    increments.push(
      `| ${kind} | ${imported.seconds.toFixed(1)} s | ${again.seconds.toFixed(1)} s | ${retain.seconds.toFixed(1)} s | ${Math.max(imported.peakMiB, again.peakMiB)} |`,
    );
  }
}

if (increments.length) {
  console.log(
    '\n| store | import 10k new orders | RFM CSV after it | RFM CSV before (baseline) | peak MiB |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const line of increments) console.log(line);
}
