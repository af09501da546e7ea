/**
 * `npm run bench:recommend`: "recommendations for everyone" at BENCH_CUSTOMERS customers (default
 * 1M) with ten orders each and 1–3 order lines an order, on the embedded store (PGlite). Times
 * what `retain recommend --refresh` does for everyone — recompute the associations
 * (`refreshAssociations`) and every customer's top 10 (`recommendFor` without customer ids) —
 * beside the named baseline measured in the same run: a popularity top 10 per customer (the most
 * ordered products minus what the customer bought), computed and stored by one plain SQL statement.
 * `--customers N` (or BENCH_CUSTOMERS=N) for a quicker run. The store is generated once with SQL
 * into bench/out and reused.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import { openDatabase } from '../src/db/database.ts';
import { VALID_ORDER } from '../src/orders/order-status.ts';
import { refreshAssociations } from '../src/predict/product-associations.ts';
import { recommendFor } from '../src/predict/recommendation.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { seedCustomers } from './customer-store.ts';

const out = join(new URL('.', import.meta.url).pathname, 'out');
const AS_OF = '2025-12-31';
const SPAN_SECONDS = 730 * 86_400;
/** Products in the catalogue. */
const PRODUCTS = 4000;

/** u in [0, 1) from a multiplicative hash of an integer SQL expression and a salt. */
const unit = (expr: string, salt: number) =>
  `((((${expr}) * 2654435761::bigint + ${salt * 40503}) % 4294967296)::float8 / 4294967296)`;

/**
 * A PGlite store (workspace `bench`) of `customers` customers, ten orders each on average over
 * 2024–2025 (buyers drawn with a skew, 3% cancelled), and 1–3 lines an order over {@link PRODUCTS}
 * products: a line's product is, by turns, a Zipf-like pick (⌊P·u³⌋: the first products sell
 * most), one of the customer's own favourites (a taste that makes `after` pairs), or, for a
 * second or third line, the partner of the first line's product (pairs bought together).
 */
export async function recommendStore(customers: number): Promise<string> {
  mkdirSync(out, { recursive: true });
  const orders = customers * 10;
  const dir = join(out, `recommend-store-${customers}-${orders}`);
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const store = await openDatabase({ dataDir: tmp });
  const ws = await ensureWorkspace(store.db, 'bench');
  const step = (name: string, from: number) => console.log(`  ${name}: ${seconds(from).toFixed(0)} s`);
  await store.withSession(async (session) => {
    const db = session.db;
    let t = performance.now();
    await seedCustomers(db, ws.id, customers);
    step('customers', t);
    t = performance.now();
    await sql`insert into products (workspace_id, sku, name, category)
      select ${ws.id}, 'SKU' || p, '商品' || p, '类目' || (p % 40) from generate_series(0, ${PRODUCTS - 1}) p`.execute(
      db,
    );
    await sql`insert into orders (workspace_id, order_id, customer_id, ordered_at, local_date, amount, currency, status, channel)
      select ${ws.id}, 'RO' || i, c, t, (t at time zone 'Asia/Shanghai')::date,
        990 + (i * 104729) % 98910, 'CNY', case when i % 33 = 0 then 'cancelled' else 'completed' end, '天猫'
      from generate_series(1::bigint, ${orders}::bigint) i,
        lateral (select 1 + least(${customers - 1}, floor(${customers} * power(${sql.raw(unit('i', 1))}, 2))::bigint) as c) b,
        lateral (select timestamptz '2024-01-01 00:00:00+08' + floor(${SPAN_SECONDS} * ${sql.raw(unit('i', 2))}) * interval '1 second' as t) x`.execute(
      db,
    );
    step('orders', t);
    t = performance.now();
    // Per line: u picks the kind of pick, v the product; the first line's pick is recomputed for
    // the partner so each line is one row of one statement.
    const zipf = (salt: number) => `floor(${PRODUCTS} * power(${unit('o.n * 3 + k', salt)}, 3))::int`;
    const favourite = `((c.id * 7919 + (o.n % 3) * 131) % ${PRODUCTS})::int`;
    const first = `(case when ${unit('o.n * 3 + 1', 3)} < 0.4 then ${favourite} else floor(${PRODUCTS} * power(${unit('o.n * 3 + 1', 4)}, 3))::int end)`;
    await sql`insert into order_lines (workspace_id, order_id, line_no, sku, product_name, quantity, unit_price, amount)
      select ${ws.id}, o.order_id, k, 'SKU' || p, '商品' || p, 1, 9.9, 990
      from (select order_id, customer_id, substr(order_id, 3)::bigint as n from orders where workspace_id = ${ws.id}) o
      join lateral (select o.customer_id as id) c on true
      cross join generate_series(1, 3) k
      join lateral (select case
        when k = 1 then ${sql.raw(first)}
        when ${sql.raw(unit('o.n * 3 + k', 5))} < 0.5 then (${sql.raw(first)} # 1)
        when ${sql.raw(unit('o.n * 3 + k', 5))} < 0.7 then ${sql.raw(favourite)}
        else ${sql.raw(zipf(6))} end as p) x on true
      where k <= 1 + (o.n * 7919) % 3`.execute(db);
    step('order lines', t);
    await sql`analyze`.execute(db);
  });
  await store.close();
  renameSync(tmp, dir);
  return dir;
}

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

const refresh = await timed(() => refreshAssociations(store, ws, { asOf: AS_OF, actor: cliActor() }));
const r = refresh.value;
console.log(
  `associations: ${r.products} products, ${r.associations} associations from ${r.orders} orders of ${r.customers} customers`,
);
const lists = await timed(() => recommendFor(store, ws.id, {}));
const served = new Set(lists.value.map((x) => x.customer_id)).size;
console.log(`top 10: ${lists.value.length} recommendations for ${served} customers`);

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

const row = (name: string, t: { wall: number; cpu: number }) =>
  `| ${name} | ${t.wall.toFixed(1)} | ${t.cpu.toFixed(1)} |`;
console.log('\n| step | wall s | CPU s |\n|---|---:|---:|');
console.log(row('association refresh (refreshAssociations)', refresh));
console.log(row('top 10 for everyone (recommendFor)', lists));
console.log(
  row('**recommendations for everyone (sum)**', {
    wall: refresh.wall + lists.wall,
    cpu: refresh.cpu + lists.cpu,
  }),
);
console.log(row('baseline: popularity top 10 minus bought, one SQL statement', baseline));
await store.close();
console.log(`\nload: ${load()}`);
