/**
 * `npm run bench:recommend`: "recommendations for everyone" at BENCH_CUSTOMERS customers (default
 * 1M) with ten orders each and 1–3 order lines an order, on the embedded store (PGlite). Times
 * what `retain recommend --refresh` does for everyone — recompute the associations and every
 * customer's top 10 from one read of the order lines (`refreshAndRecommendAll`), part by part —
 * beside the named baseline measured in the same run: a popularity top 10 per customer (the most
 * ordered products minus what the customer bought), computed and stored by one plain SQL statement.
 * `--customers N` (or BENCH_CUSTOMERS=N) for a quicker run. The store is generated once with SQL
 * into bench/out and reused.
 */
import { execSync } from 'node:child_process';
import { sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import { openDatabase } from '../src/db/database.ts';
import { VALID_ORDER } from '../src/orders/order-status.ts';
import { type EveryonePart, refreshAndRecommendAll } from '../src/predict/recommendation.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { recommendStore } from './recommend-store.ts';

const AS_OF = '2025-12-31';

const seconds = (from: number) => (performance.now() - from) / 1000;
/** CPU seconds this process spent (PGlite runs in it, so the database's work counts too). */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const load = () => execSync('uptime').toString().trim();

/** Wall and CPU seconds of one step. */
async function timed<T>(step: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const [w, c] = [performance.now(), cpu()];
  const value = await step();
  return { value, wall: seconds(w), cpu: cpu() - c };
}

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const customers = Number(option('--customers') ?? process.env.BENCH_CUSTOMERS ?? 1_000_000);
if (!Number.isInteger(customers) || customers < 100) {
  console.error('--customers (or BENCH_CUSTOMERS) must be a whole number of at least 100');
  process.exit(2);
}

console.log(`load: ${load()}`);
const built = await timed(() => recommendStore(customers));
if (built.wall > 1) console.log(`built the store in ${built.wall.toFixed(0)} s (${built.value})`);
const store = await openDatabase({ dataDir: built.value });
const ws = await ensureWorkspace(store.db, 'bench');
const sizes = await sql<{ orders: number; lines: number }>`
  select (select count(*) from orders where workspace_id = ${ws.id})::int as orders,
    (select count(*) from order_lines where workspace_id = ${ws.id})::int as lines`.execute(store.db);
console.log(`${customers} customers, ${sizes.rows[0]!.orders} orders, ${sizes.rows[0]!.lines} order lines`);

// Each part's wall and CPU seconds, from the moment it starts to the next part's start.
const parts: { part: EveryonePart | 'total'; wall: number; cpu: number }[] = [];
let partStart = { wall: performance.now(), cpu: cpu() };
const endPart = () => {
  const last = parts.at(-1);
  if (last) {
    last.wall = seconds(partStart.wall);
    last.cpu = cpu() - partStart.cpu;
  }
  partStart = { wall: performance.now(), cpu: cpu() };
};
const everyone = await timed(() =>
  refreshAndRecommendAll(store, ws, { asOf: AS_OF, actor: cliActor() }, (part) => {
    endPart();
    parts.push({ part, wall: 0, cpu: 0 });
  }),
);
endPart();
const r = everyone.value.refresh;
console.log(
  `associations: ${r.products} products, ${r.associations} associations from ${r.orders} orders of ${r.customers} customers`,
);
const lists = everyone.value.recommendations;
const served = new Set(lists.map((x) => x.customer_id)).size;
console.log(`top 10: ${lists.length} recommendations for ${served} customers`);
const row = (name: string, t: { wall: number; cpu: number }) =>
  `| ${name} | ${t.wall.toFixed(1)} | ${t.cpu.toFixed(1)} |`;
// Printed before the baseline runs, so a long run's parts are known early.
console.log(`\n| step | wall s | CPU s |\n|---|---:|---:|`);
for (const p of parts) console.log(row(`  ${p.part}`, p));
console.log(row('**recommendations for everyone (refreshAndRecommendAll)**', everyone));
console.log(`load: ${load()}\n`);

// The baseline: the ten most ordered products (valid orders up to the as-of date, 20 kept so
// ten remain after the customer's own), minus what the customer bought, one statement into a table.
const baseline = await timed(() =>
  store.withSession(async (session) => {
    await sql`drop table if exists popular_top`.execute(session.db);
    await sql`set work_mem = '256MB'`.execute(session.db);
    await sql`create temp table popular_top as
      with valid as (
        select o.order_id, o.customer_id from orders o
        where o.workspace_id = ${ws.id} and ${VALID_ORDER} and o.local_date <= ${AS_OF}::date
      ),
      popular as (
        select l.sku as item, count(*) as n from valid v
        join order_lines l on l.workspace_id = ${ws.id} and l.order_id = v.order_id
        group by 1 order by 2 desc, 1 limit 20
      ),
      bought as (
        select distinct v.customer_id, l.sku as item from valid v
        join order_lines l on l.workspace_id = ${ws.id} and l.order_id = v.order_id
        where l.sku in (select item from popular)
      ),
      ranked as (
        select c.customer_id, p.item, row_number() over (partition by c.customer_id order by p.n desc, p.item) as rank
        from (select distinct customer_id from valid where customer_id is not null) c cross join popular p
        where not exists (select 1 from bought b where b.customer_id = c.customer_id and b.item = p.item)
      )
      select customer_id, rank, item from ranked where rank <= 10`.execute(session.db);
    return (await sql<{ n: number }>`select count(*)::int as n from popular_top`.execute(session.db)).rows[0]!
      .n;
  }),
);
console.log(`baseline: ${baseline.value} popularity recommendations`);

console.log(row('baseline: popularity top 10 minus bought, one SQL statement', baseline));
await store.close();
console.log(`\nload: ${load()}`);
