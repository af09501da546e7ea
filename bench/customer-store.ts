/**
 * The benchmarks' store of N customers (C1…CN with phones, 3 orders each on average, aggregates
 * refreshed by Retain's own code), generated once with SQL into bench/out and reused.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { refreshCustomerAggregates } from '../src/customers/customer-aggregates.ts';
import { openDatabase } from '../src/db/database.ts';
import type { Schema } from '../src/db/schema.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';

const out = join(new URL('.', import.meta.url).pathname, 'out');

/** Customers C1…Cn with phones, as if imported (the bench's fixture, made fast with SQL). */
export async function seedCustomers(db: Kysely<Schema>, workspaceId: number, n: number) {
  await sql`insert into customers (workspace_id, id, external_id, name, city)
      select ${workspaceId}, i, 'C' || i, '顾客' || i, (array['杭州','上海','北京','广州'])[1 + i % 4] from generate_series(1, ${n}) i`.execute(
    db,
  );
  await sql`insert into identities (workspace_id, type, value, customer_id)
      select ${workspaceId}::int, 'external_id', 'C' || i, i from generate_series(1, ${n}) i
      union all select ${workspaceId}::int, 'phone', (13800000000 + i)::text, i from generate_series(1, ${n}) i`.execute(
    db,
  );
}

/** The directory of the N-customer PGlite store (workspace `bench`), built on first use. */
export async function millionCustomerStore(customers: number): Promise<string> {
  mkdirSync(out, { recursive: true });
  const storeDir = join(out, `api-store-${customers}`);
  if (existsSync(storeDir)) return storeDir;
  const tmp = `${storeDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const store = await openDatabase({ dataDir: tmp });
  const ws = await ensureWorkspace(store.db, 'bench');
  await store.withSession(async (session) => {
    const db = session.db;
    await seedCustomers(db, ws.id, customers);
    await sql`insert into orders (workspace_id, order_id, customer_id, ordered_at, local_date, amount, currency, status, channel)
      select ${ws.id}, 'SO' || i, 1 + (i * 7919) % ${customers}, t, (t at time zone 'Asia/Shanghai')::date,
        990 + (i * 104729) % 98910, 'CNY', case when i % 33 = 0 then 'cancelled' else 'completed' end, '天猫'
      from generate_series(1::bigint, ${customers * 3}::bigint) i, lateral (select timestamptz '2024-01-01 00:00:00+08' + ((i * 2654435761::bigint) % 63072000) * interval '1 second' as t) x`.execute(
      db,
    );
    await sql`create temp table all_customers as select id as customer_id from customers where workspace_id = ${ws.id}`.execute(
      db,
    );
    await refreshCustomerAggregates(session, ws.id, 'all_customers');
    await sql`analyze`.execute(db);
  });
  await store.close();
  renameSync(tmp, storeDir);
  return storeDir;
}
