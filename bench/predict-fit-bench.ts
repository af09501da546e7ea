/**
 * The fit-and-score part of `npm run bench:predict`: on an embedded (PGlite) store of N customers
 * and 10 × N orders, times "fit and score everyone" (read the purchase summaries, fit BG/NBD and
 * Gamma-Gamma on the unique (x, t_x, T) triples, score every customer, store the predictions:
 * `refreshPredictions`, as the worker runs it) beside the named baseline measured in the same run:
 * the same likelihood optimised over the uncompressed per-customer rows (one row per customer).
 * The store is generated once with SQL into bench/out and reused.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import { refreshCustomerAggregates } from '../src/customers/customer-aggregates.ts';
import { openDatabase } from '../src/db/database.ts';
import type { Schema } from '../src/db/schema.ts';
import { fitCountModel, UNIT_DAYS } from '../src/predict/count-model.ts';
import { fitModels, scoreCustomers } from '../src/predict/predict-model.ts';
import { refreshPredictions, storePredictions } from '../src/predict/predict-service.ts';
import { readPurchaseSummaries } from '../src/predict/purchase-summary.ts';
import type { Triples } from '../src/predict/rfm-triples.ts';
import { summaryTriples } from '../src/predict/summary-compress.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { seedCustomers } from './customer-store.ts';

const out = join(new URL('.', import.meta.url).pathname, 'out');
const AS_OF = '2026-01-01';
const SPAN_SECONDS = 730 * 86_400;

/**
 * A PGlite store (workspace `bench`) of `customers` customers and `orders` orders over 2024–2025:
 * buyers drawn with a skew (low ids buy more), each buying only within a window of their own (so
 * some stop early, as real customers drop out), 3% cancelled. Built once, reused.
 */
export async function predictStore(customers: number, orders: number): Promise<string> {
  mkdirSync(out, { recursive: true });
  const dir = join(out, `predict-store-${customers}-${orders}`);
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const store = await openDatabase({ dataDir: tmp });
  const ws = await ensureWorkspace(store.db, 'bench');
  await store.withSession(async (session) => {
    const db = session.db;
    await seedCustomers(db, ws.id, customers);
    // Ten million rows enter far faster into a table without indexes: they are built afterwards.
    const rebuild = await withoutIndexes(db, 'orders');
    // u uniform in [0, 1) from a multiplicative hash of i; the buyer is ⌊N·u²⌋ (a skew), the time
    // falls in the buyer's own window [start, start + length) inside the two years.
    await sql`insert into orders (workspace_id, order_id, customer_id, ordered_at, local_date, amount, currency, status, channel)
      select ${ws.id}, 'PO' || i, c, t, (t at time zone 'Asia/Shanghai')::date,
        990 + (i * 104729) % 98910, 'CNY', case when i % 33 = 0 then 'cancelled' else 'completed' end, '天猫'
      from generate_series(1::bigint, ${orders}::bigint) i,
        lateral (select 1 + least(${customers - 1}, floor(${customers} * power(((i * 2654435761) % 4294967296)::float8 / 4294967296, 2))::bigint) as c) b,
        lateral (select (c * 7919 * 40503) % ${SPAN_SECONDS / 2} as start, ${SPAN_SECONDS / 4} + (c * 104729 * 31) % ${(SPAN_SECONDS * 3) / 4} as length) w,
        lateral (select timestamptz '2024-01-01 00:00:00+08' + least(${SPAN_SECONDS - 1}, w.start + ((i * 1103515245 + 12345) % 2147483648) % w.length) * interval '1 second' as t) x`.execute(
      db,
    );
    await sql`set maintenance_work_mem = '256MB'`.execute(db);
    for (const ddl of rebuild) await sql.raw(ddl).execute(db);
    // The purchase days kept on each customer, as an import leaves them.
    await sql`create temp table all_customers as select id as customer_id from customers where workspace_id = ${ws.id}`.execute(
      db,
    );
    await refreshCustomerAggregates(session, ws.id, 'all_customers');
    await sql`analyze`.execute(db);
  });
  await store.close();
  renameSync(tmp, dir);
  return dir;
}

/**
 * Drops a table's primary key, unique constraints and indexes; returns the statements that
 * recreate them as they were.
 */
async function withoutIndexes(db: Kysely<Schema>, table: string): Promise<string[]> {
  const constraints = await sql<{ name: string; ddl: string }>`
    select conname as name, pg_get_constraintdef(oid) as ddl from pg_constraint
    where conrelid = ${table}::regclass and contype in ('p', 'u')`.execute(db);
  const indexes = await sql<{ name: string; ddl: string }>`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as ddl from pg_index i
    where i.indrelid = ${table}::regclass
      and i.indexrelid not in (select conindid from pg_constraint where conrelid = ${table}::regclass)`.execute(
    db,
  );
  for (const c of constraints.rows)
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(c.name)}`.execute(db);
  for (const i of indexes.rows) await sql`drop index ${sql.ref(i.name)}`.execute(db);
  return [
    ...constraints.rows.map((c) => `alter table ${table} add constraint ${c.name} ${c.ddl}`),
    ...indexes.rows.map((i) => i.ddl),
  ];
}

const seconds = (from: number) => (performance.now() - from) / 1000;

/** CPU seconds this process spent (PGlite runs in it, so the database's work counts too). */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** One measured run: the figures a README row needs. */
export interface FitBenchResult {
  customers: number;
  orders: number;
  buyers: number;
  triples: number;
  /** refreshPredictions end to end: read, fit on triples, score, store. */
  fitAndScore: number;
  read: number;
  /** BG/NBD alone: compress + fit on triples; the baseline on one row per customer. */
  fitTriples: number;
  fitRows: number;
  /** fitModels: BG/NBD on triples and Gamma-Gamma on spend. */
  fitBoth: number;
  /** CPU seconds of the same, telling the work apart from a busy machine's waiting. */
  fitAndScoreCpu: number;
  fitTriplesCpu: number;
  fitRowsCpu: number;
  score: number;
  readCpu: number;
  fitBothCpu: number;
  scoreCpu: number;
  /** Storing the scores alone (over the rows the first refresh stored). */
  write: number;
  writeCpu: number;
  logLikelihoodTriples: number;
  logLikelihoodRows: number;
}

/** Runs the fit-and-score measurement on a store of `customers` customers and `orders` orders. */
export async function runFitBench(customers: number, orders: number): Promise<FitBenchResult> {
  const started = performance.now();
  const dir = await predictStore(customers, orders);
  if (seconds(started) > 1) console.log(`built the store in ${seconds(started).toFixed(0)} s (${dir})`);
  const store = await openDatabase({ dataDir: dir });
  try {
    const ws = await ensureWorkspace(store.db, 'bench');
    // Warm-up: the first query over the orders pays for reading the store into memory.
    await readPurchaseSummaries(store, ws.id, AS_OF);

    let t = performance.now();
    const cpu = cpuSeconds();
    const done = await refreshPredictions(store, ws, { asOf: AS_OF, actor: cliActor() });
    const fitAndScore = seconds(t);
    const fitAndScoreCpu = cpuSeconds() - cpu;
    console.log(
      `fit and score everyone, stored: ${fitAndScore.toFixed(2)} s (${fitAndScoreCpu.toFixed(2)} s CPU)`,
    );

    // The parts, measured on their own.
    t = performance.now();
    let c = cpuSeconds();
    const summaries = await readPurchaseSummaries(store, ws.id, AS_OF);
    const read = seconds(t);
    const readCpu = cpuSeconds() - c;
    t = performance.now();
    c = cpuSeconds();
    const fit = fitModels(summaries, { model: 'bgnbd', unit: 'week', minorPerMajor: 100 });
    const fitBoth = seconds(t);
    const fitBothCpu = cpuSeconds() - c;
    t = performance.now();
    c = cpuSeconds();
    const scores = scoreCustomers(summaries, fit, {
      horizonDays: 365,
      monthlyDiscountRate: 0.01,
      margin: 1,
      minorPerMajor: 100,
    });
    const score = seconds(t);
    const scoreCpu = cpuSeconds() - c;
    // Storing alone: the same write refreshPredictions makes, on the rows the first refresh left.
    t = performance.now();
    c = cpuSeconds();
    await storePredictions(store, ws, fit, scores, { asOf: AS_OF, horizonDays: 365, actor: null });
    const write = seconds(t);
    const writeCpu = cpuSeconds() - c;

    // BG/NBD alone: on the unique triples (compression included) vs the baseline, the same
    // likelihood over one row per customer (count 1 each), no compression.
    const rows = uncompressedRows(summaries, UNIT_DAYS.week);
    t = performance.now();
    c = cpuSeconds();
    // Compressed as the refresh compresses (by one number per customer: summary-compress.ts).
    // A copy of the summaries object: their grouping is kept per object, and this line counts it.
    const compressed = fitCountModel('bgnbd', summaryTriples({ ...summaries }, UNIT_DAYS.week));
    const fitTriples = seconds(t);
    const fitTriplesCpu = cpuSeconds() - c;
    t = performance.now();
    c = cpuSeconds();
    const baseline = fitCountModel('bgnbd', rows);
    const fitRows = seconds(t);
    const fitRowsCpu = cpuSeconds() - c;
    return {
      customers,
      orders,
      buyers: done.customers,
      triples: done.fit.triples,
      fitAndScore,
      read,
      fitTriples,
      fitRows,
      fitBoth,
      fitAndScoreCpu,
      fitTriplesCpu,
      fitRowsCpu,
      score,
      readCpu,
      fitBothCpu,
      scoreCpu,
      write,
      writeCpu,
      logLikelihoodTriples: compressed.logLikelihood,
      logLikelihoodRows: baseline.logLikelihood,
    };
  } finally {
    await store.close();
  }
}

/** Every customer's own (x, t_x, T) as a row of weight 1: what the likelihood sums without compression. */
function uncompressedRows(s: Awaited<ReturnType<typeof readPurchaseSummaries>>, unit: number): Triples {
  const n = s.customerId.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = s.days[i]! - 1;
    tx[i] = (s.lastDay[i]! - s.firstDay[i]!) / unit;
    T[i] = (s.endDay - s.firstDay[i]!) / unit;
  }
  return { x, tx, T, count: new Float64Array(n).fill(1), length: n };
}

/** Prints the result as README table rows. */
export function printFitBench(r: FitBenchResult): void {
  console.log(
    `\nFit and score everyone (BG/NBD + Gamma-Gamma, weeks, as of ${AS_OF}) on PGlite: ${r.customers.toLocaleString('en')} customers, ${r.orders.toLocaleString('en')} orders, ${r.buyers.toLocaleString('en')} buyers, ${r.triples.toLocaleString('en')} unique triples`,
  );
  console.log('| step | Retain (unique triples) | baseline (uncompressed per-customer rows) |');
  console.log('|---|---:|---:|');
  console.log(
    `| read purchase summaries (SQL) | ${r.read.toFixed(2)} s, ${r.readCpu.toFixed(2)} s CPU | same |`,
  );
  console.log(
    `| fit BG/NBD by maximum likelihood | ${r.fitTriples.toFixed(2)} s, ${r.fitTriplesCpu.toFixed(2)} s CPU (compression included) | ${r.fitRows.toFixed(2)} s, ${r.fitRowsCpu.toFixed(2)} s CPU |`,
  );
  console.log(
    `| fit BG/NBD + Gamma-Gamma (fitModels) | ${r.fitBoth.toFixed(2)} s, ${r.fitBothCpu.toFixed(2)} s CPU | — |`,
  );
  console.log(`| score everyone | ${r.score.toFixed(2)} s, ${r.scoreCpu.toFixed(2)} s CPU | same |`);
  console.log(`| store the predictions | ${r.write.toFixed(2)} s, ${r.writeCpu.toFixed(2)} s CPU | same |`);
  console.log(
    `| **fit and score everyone, stored** (refreshPredictions: read, fit, score, write) | **${r.fitAndScore.toFixed(2)} s**, ${r.fitAndScoreCpu.toFixed(2)} s CPU | ≈ ${(r.fitAndScore - r.fitTriples + r.fitRows).toFixed(2)} s |`,
  );
  console.log(
    `log-likelihood: ${r.logLikelihoodTriples.toFixed(2)} (triples) vs ${r.logLikelihoodRows.toFixed(2)} (rows)`,
  );
}
