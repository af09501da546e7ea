/**
 * `npm run bench:daily`: the worker's daily lifecycle / RFM group recording on a copy of the
 * benchmarks' 1M-customer PGlite store (bench/out/api-store-N), three days in a row:
 * - the first day (every customer recorded: a stage event each, a group event per scored one);
 * - the next day, on which nobody's stage or group changes (everyone lost since the orders end in
 *   2025, and RFM ranks shift together);
 * - a day with ~1% changed: before it, the recorded state of every 200th customer is set to another
 *   stage and of every 200th (offset 100) to another group, as if yesterday had differed, so
 *   exactly those must be recorded back (checked).
 * Each beside a plain `insert … select` of the same rows (the day's events and recorded states)
 * into tables made `like … including all` (same columns, defaults, keys and indexes), in the same
 * store and run. Wall and process CPU seconds (PGlite runs in this process) and the load average.
 * BENCH_VIA=kysely passes only the store's Kysely to the segmentation and the recording (the
 * path without COPY; also how the worker called them before issue 17).
 */
import { cpSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import type { Schema } from '../src/db/schema.ts';
import { computeSegmentation } from '../src/segments/rfm-service.ts';
import { recordStageChanges } from '../src/segments/stage-changes.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { millionCustomerStore } from './customer-store.ts';

const here = new URL('.', import.meta.url).pathname;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const via = process.env.BENCH_VIA === 'kysely' ? 'kysely' : 'store';
const DAYS = ['2026-06-01', '2026-06-02', '2026-06-03'] as const;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Wall and CPU milliseconds of `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
}

const source = await millionCustomerStore(customers);
const dir = join(here, 'out', `daily-run-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
cpSync(source, dir, { recursive: true });
console.log(`bench:daily — ${customers.toLocaleString('en')} customers, via ${via}; load at start ${load()}`);
const store = await openDatabase({ dataDir: dir });
try {
  const ws = await ensureWorkspace(store.db, 'bench');
  const target = via === 'store' ? store : store.db;
  // The facts snapshot the import keeps current: built here once, outside the measured days.
  const warm = await timed(() => computeSegmentation(store, ws, { asOf: DAYS[0] }));
  console.log(`facts snapshot built once beforehand: ${s(warm.wall)}`);
  await sql`create table bench_events (like events including all)`.execute(store.db);
  await sql`create table bench_states (like customer_states including all)`.execute(store.db);

  const lines: string[] = [];
  const problems: string[] = [];
  for (const [k, asOf] of DAYS.entries()) {
    let altered = { lifecycle: 0, rfm_group: 0 };
    if (k === 2) altered = await alterOnePercent(ws.id);
    const before = await sql<{
      id: number;
    }>`select coalesce(max(id), 0)::bigint as id from events where workspace_id = ${ws.id}`.execute(store.db);
    const fromId = before.rows[0]!.id;
    const seg = await timed(() => computeSegmentation(target, ws, { asOf }));
    const rec = await timed(() => recordStageChanges(target, ws, seg.value));
    const events = Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from events where workspace_id = ${ws.id} and id > ${fromId}`.execute(
          store.db,
        )
      ).rows[0]!.n,
    );
    const states = Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from customer_states where workspace_id = ${ws.id} and as_of = ${asOf}::date`.execute(
          store.db,
        )
      ).rows[0]!.n,
    );
    await sql`truncate bench_events`.execute(store.db);
    await sql`truncate bench_states`.execute(store.db);
    const base = await timed(async () => {
      await sql`insert into bench_events select * from events where workspace_id = ${ws.id} and id > ${fromId}`.execute(
        store.db,
      );
      await sql`insert into bench_states select * from customer_states where workspace_id = ${ws.id} and as_of = ${asOf}::date`.execute(
        store.db,
      );
    });
    const got = rec.value;
    if (events !== got.lifecycle + got.rfm_group)
      problems.push(`${asOf}: ${events} events written, reported ${JSON.stringify(got)}`);
    if (k === 0 && got.lifecycle !== (await customerCount(ws.id)))
      problems.push(`${asOf}: not every customer recorded`);
    if (k === 1 && events !== 0) problems.push(`${asOf}: ${events} events on the day without changes`);
    if (k === 2 && (got.lifecycle !== altered.lifecycle || got.rfm_group !== altered.rfm_group))
      problems.push(`${asOf}: recorded ${JSON.stringify(got)}, altered ${JSON.stringify(altered)}`);
    problems.push(...(await countsAgree(ws.id, asOf)));
    const label = ['first day', 'a day with no changes', 'a day with ~1% changed'][k]!;
    const total = seg.wall + rec.wall;
    lines.push(
      `| ${label} (${asOf}) | ${events.toLocaleString('en')} events, ${states.toLocaleString('en')} states | ${s(seg.wall)} (${s(seg.cpu)} CPU) | ${s(rec.wall)} (${s(rec.cpu)} CPU) | ${s(total)} | ${s(base.wall)} (${s(base.cpu)} CPU) | ${base.wall > 0 ? (rec.wall / base.wall).toFixed(2) : '–'}× |`,
    );
    console.log(`${label}: recorded ${JSON.stringify(got)}; load ${load()}`);
  }
  console.log('');
  console.log(
    '| day | rows written | segmentation (wall, CPU) | recording (wall, CPU) | whole daily task | baseline: plain `insert … select` of the same rows | recording ÷ baseline |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const line of lines) console.log(line);
  console.log(`\nload average at the end: ${load()}`);
  console.log(problems.length === 0 ? 'checks: all passed' : `CHECKS FAILED:\n${problems.join('\n')}`);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** The workspace's customers: on the first day, each gets a stage event. */
async function customerCount(workspaceId: number): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from customers where workspace_id = ${workspaceId}`.execute(store.db);
  return r.rows[0]!.n;
}

/**
 * Every 200th recorded stage and every 200th (offset 100) recorded group set to another value, in
 * one transaction, as a foreign writer would: the table's trigger (migration 0049) moves the
 * states' version on.
 */
async function alterOnePercent(workspaceId: number) {
  return store.db.transaction().execute((trx) => alterStates(trx, workspaceId));
}

async function alterStates(db: Kysely<Schema>, workspaceId: number) {
  const stages = await sql<{ n: number }>`with u as (
      update customer_states set lifecycle = case when lifecycle = 'lost' then 'silent' else 'lost' end
      where workspace_id = ${workspaceId} and customer_id % 200 = 0 returning 1
    ) select count(*)::int as n from u`.execute(db);
  const groups = await sql<{ n: number }>`with u as (
      update customer_states
      set rfm_group = case when rfm_group = 'important_value' then 'general_retain' else 'important_value' end
      where workspace_id = ${workspaceId} and customer_id % 200 = 100 and rfm_group is not null returning 1
    ) select count(*)::int as n from u`.execute(db);
  return { lifecycle: stages.rows[0]!.n, rfm_group: groups.rows[0]!.n };
}

/** The day's stage counts against a count over the recorded states (every customer is recorded). */
async function countsAgree(workspaceId: number, asOf: string): Promise<string[]> {
  const r = await sql<{ kind: string; code: string; a: number | null; b: number | null }>`
    with recorded as (
      select 'lifecycle' as kind, lifecycle as code, count(*)::int as n from customer_states where workspace_id = ${workspaceId} group by lifecycle
      union all
      select 'rfm_group', rfm_group, count(*)::int from customer_states where workspace_id = ${workspaceId} and rfm_group is not null group by rfm_group
    )
    select coalesce(c.kind, r.kind) as kind, coalesce(c.code, r.code) as code, c.customers as a, r.n as b
    from (select * from stage_counts where workspace_id = ${workspaceId} and as_of = ${asOf}::date) c
    full join recorded r on r.kind = c.kind and r.code = c.code
    where c.customers is distinct from r.n`.execute(store.db);
  return r.rows.map((x) => `${asOf}: ${x.kind} ${x.code} counted ${x.a}, recorded ${x.b}`);
}
