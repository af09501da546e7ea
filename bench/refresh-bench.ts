/**
 * `node --import tsx bench/refresh-bench.ts [customers]`: the refresh of saved segments and the
 * facts snapshot after 10k customers change, in-process, over customers generated with SQL (no
 * orders: minutes instead of the quarter hour an import of 10M orders takes), on PGlite and, with
 * BENCH_DATABASE_URL, PostgreSQL. Checks afterwards that a full refresh from SQL (not from the
 * snapshot) finds nothing to change. For iterating; `bench:segments` is the end-to-end figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { cliActor } from '../src/access/caller.ts';
import { claimCustomersVersion } from '../src/customers/customer-changes.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { computeSegmentation } from '../src/segments/rfm-service.ts';
import { refreshAfterChanges } from '../src/segments/segment-refresh.ts';
import { createSegment, parseCondition, refreshSegment } from '../src/segments/segment-service.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';

const customers = Number(process.argv[2] ?? 1_000_000);
const changed = 10_000;
const SEGMENTS: Record<string, unknown> = {
  'bench-rfm-top': { rfm_group: ['important_value', 'important_keep'] },
  'bench-recent-r': { score: 'r', op: 'gte', value: 4 },
  'bench-lapsing': { lifecycle: ['silent', 'lost'] },
  'bench-three-orders': { field: 'order_count', op: 'gte', value: 3 },
};

async function run(kind: string, database: Database): Promise<void> {
  const ws = await createWorkspace(database.db, { name: 'refresh', timezone: 'Asia/Shanghai' });
  // Aggregates as an import leaves them: dates over 2024–2025, 1–20 orders, recent dates newest first.
  await sql`insert into customers (workspace_id, external_id, first_order_date, last_order_date, order_count,
      net_total, recent_order_dates)
    select ${ws.id}, 'C' || i, d, d + span, (1 + i * 31 % 20)::int, 990 + i * 2654435761 % 5000000,
      array[d + span, d + span / 2, d]
    from generate_series(1, ${customers}::bigint) i,
      lateral (select date '2024-01-01' + (i * 7919 % 400)::int as d, (i * 104729 % 330)::int as span) x`.execute(
    database.db,
  );
  await sql`analyze customers`.execute(database.db);
  await computeSegmentation(database, ws, { asOf: new Date().toISOString().slice(0, 10) });
  for (const [name, condition] of Object.entries(SEGMENTS))
    await createSegment(database.db, ws, name, parseCondition(condition), {
      actor: cliActor(),
      store: database,
    });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let refreshMs = 0;
  await database.withSession(async (session) => {
    const db = session.db;
    await sql`begin`.execute(db);
    const before = await claimCustomersVersion(db, ws.id);
    const ids = await sql<{ id: string }>`
      update customers c set last_order_date = date '2025-12-31', order_count = order_count + 1,
        net_total = net_total + 5000, recent_order_dates = array_prepend(date '2025-12-31', recent_order_dates[1:2])
      where c.workspace_id = ${ws.id} and c.id % ${Math.floor(customers / changed)} = 0
      returning c.id`.execute(db);
    const touched = ids.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const t = performance.now();
    const moved = await refreshAfterChanges(session, ws, touched, before);
    refreshMs = performance.now() - t;
    await sql`commit`.execute(db);
    console.log(`${kind}: ${touched.length} customers changed`, moved);
  });
  const used = process.cpuUsage(cpu);
  console.log(
    `${kind}: refresh ${(refreshMs / 1000).toFixed(2)} s; with the update and commit ${((performance.now() - started) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU (this process)`,
  );
  // Exactness: a full refresh scored from SQL (no snapshot) finds nothing to change.
  for (const name of Object.keys(SEGMENTS)) {
    const full = await refreshSegment(database.db, ws, name, { actor: cliActor() });
    if (full.entered + full.exited > 0)
      throw new Error(`${kind}: ${name} was not exact: ${JSON.stringify(full)}`);
  }
  console.log(`${kind}: a full refresh from SQL agrees on all ${Object.keys(SEGMENTS).length} segments`);
}

const dir = mkdtempSync(join(tmpdir(), 'retain-refresh-bench-'));
const lite = await openDatabase({ dataDir: dir });
try {
  await run('pglite', lite);
} finally {
  await lite.close();
  rmSync(dir, { recursive: true, force: true });
}
const url = process.env.BENCH_DATABASE_URL;
if (url) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('drop database if exists retain_refresh_bench_' + process.pid);
  await admin.query('create database retain_refresh_bench_' + process.pid);
  const target = new URL(url);
  target.pathname = '/retain_refresh_bench_' + process.pid;
  const server = await openDatabase({ url: target.toString() });
  try {
    await run('postgres', server);
  } finally {
    await server.close();
    await admin.query('drop database retain_refresh_bench_' + process.pid);
    await admin.end();
  }
}
