/**
 * A broadcast to a segment of a million members on the embedded store (PGlite): the reach
 * estimate, and the scheduling of every message (materialised into the outbox), beside a plain
 * `insert … select` of the same rows into the same table in the same run.
 *
 *   npm run bench:broadcast            (BENCH_CUSTOMERS=200000 for a smaller run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import { estimateReach } from '../src/broadcasts/broadcast-reach.ts';
import { runBroadcasts } from '../src/broadcasts/broadcast-send.ts';
import { createBroadcast, parseBroadcast, scheduleBroadcast } from '../src/broadcasts/broadcast-service.ts';
import { setChannel } from '../src/channels/channel-config.ts';
import { openDatabase } from '../src/db/database.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { createSegment } from '../src/segments/segment-service.ts';
import { clockNow } from '../src/shared/clock.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { seedCustomers } from './customer-store.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
/** CPU seconds (user + system) of this process since `since`: PGlite runs in it, so the database's work counts. */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return ((u.user + u.system) / 1e6).toFixed(2);
};

const dir = mkdtempSync(join(tmpdir(), 'retain-broadcast-bench-'));
try {
  const store = await openDatabase({ dataDir: join(dir, 'data') });
  const db = store.db;
  let ws = await ensureWorkspace(db, 'bench');
  let t = performance.now();
  await seedCustomers(db, ws.id, customers);
  await sql`analyze`.execute(db);
  console.log(`seeded ${customers} customers with phones in ${seconds(t)} s`);
  t = performance.now();
  await createSegment(db, ws, 'everyone', { attribute: 'city', op: 'is_set' }, { actor: cliActor(), store });
  const members = await sql<{
    n: number;
  }>`select count(*)::int as n from segment_members where workspace_id = ${ws.id}`.execute(db);
  console.log(`segment of ${members.rows[0]!.n} members refreshed in ${seconds(t)} s`);
  // A webhook template: a fixed endpoint, so every member is reachable (nothing is delivered here).
  await setChannel(db, ws.id, 'webhook', { url: 'http://127.0.0.1:9/hook' }, { secret: 'bench' });
  await saveTemplates(db, ws.id, [
    {
      name: 'bench-offer',
      channel: 'webhook',
      purpose: 'marketing',
      body: { 'zh-CN': '{{ name }}，会员日' },
    },
  ]);
  ws = await ensureWorkspace(db, 'bench');
  const def = parseBroadcast({
    name: '百万群发',
    audience: { segment: 'everyone' },
    variants: [
      { name: 'A', weight: 1, templates: ['bench-offer'] },
      { name: 'B', weight: 1, templates: ['bench-offer'] },
    ],
    holdout_percent: 10,
  });
  const b = await createBroadcast(db, ws, cliActor(), def);

  t = performance.now();
  let cpu = process.cpuUsage();
  const reach = await estimateReach(db, ws, b);
  const reachSeconds = seconds(t);
  const reachCpu = cpuSeconds(cpu);
  console.log(
    `reach estimate: ${reach.members} members, ${reach.held_out} held out, ${reach.reachable} reachable in ${reachSeconds} s (${reachCpu} s CPU)`,
  );

  await scheduleBroadcast(db, ws, cliActor(), b.id);
  t = performance.now();
  cpu = process.cpuUsage();
  const run = await runBroadcasts(db, ws, clockNow());
  const scheduleSeconds = seconds(t);
  const scheduleCpu = cpuSeconds(cpu);
  console.log(
    `scheduled ${run.queued} messages (${run.held_out} held out) in ${scheduleSeconds} s (${scheduleCpu} s CPU)`,
  );

  // The same rows by a plain insert … select into the same table (no draw, no coupon, one statement).
  t = performance.now();
  cpu = process.cpuUsage();
  const plain =
    await sql`insert into messages (workspace_id, customer_id, channel, template, purpose, idempotency_key, status, due_at, candidates)
    select ${ws.id}, c.id, 'webhook', 'bench-offer', 'marketing', 'plain:' || c.id, 'queued', now(), array['bench-offer']
    from customers c where c.workspace_id = ${ws.id} and c.erased_at is null
      and c.id in (select m.customer_id from segment_members m where m.workspace_id = ${ws.id})`.execute(db);
  const plainSeconds = seconds(t);
  const plainCpu = cpuSeconds(cpu);
  console.log(
    `plain insert … select of ${plain.numAffectedRows} rows in ${plainSeconds} s (${plainCpu} s CPU)`,
  );
  console.log(
    JSON.stringify({
      customers,
      reach_s: Number(reachSeconds),
      schedule_s: Number(scheduleSeconds),
      plain_insert_s: Number(plainSeconds),
      reach_cpu_s: Number(reachCpu),
      schedule_cpu_s: Number(scheduleCpu),
      plain_insert_cpu_s: Number(plainCpu),
    }),
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
