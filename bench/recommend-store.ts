/**
 * The store `npm run bench:recommend` runs on, generated once with SQL into bench/out and reused.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { seedCustomers } from './customer-store.ts';

const out = join(new URL('.', import.meta.url).pathname, 'out');
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
