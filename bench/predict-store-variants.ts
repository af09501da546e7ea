/**
 * Ways of storing a refresh's predictions, each timed (wall and CPU seconds) on the bench store
 * of `--customers N` (built by `npm run bench:predict`, predictions already stored by its refresh)
 * inside a transaction that is rolled back: what bench:predict's "store the predictions" is made of.
 * `node --import tsx bench/predict-store-variants.ts --customers 100000`
 */
import { type RawBuilder, sql } from 'kysely';
import { openDatabase, type Session } from '../src/db/database.ts';
import { fitModels, scoreCustomers } from '../src/predict/predict-model.ts';
import { LOAD_COLUMNS, predictionCopy } from '../src/predict/prediction-copy.ts';
import { readPurchaseSummaries } from '../src/predict/purchase-summary.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { predictStore } from './predict-fit-bench.ts';

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const customers = Number(option('--customers') ?? 100_000);
const only = option('--only');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const LOAD = sql`create temp table prediction_load (customer_id bigint, p_alive float8, e30 float8, e90 float8,
    e365 float8, spend bigint, clv bigint, next_order date) on commit drop`;

type Step = (s: Session, ws: number, copy: Uint8Array) => Promise<void>;

const run = (q: RawBuilder<unknown>, s: Session) => q.execute(s.db);
const load: Step = async (s, _ws, copy) => {
  await run(LOAD, s);
  await s.copyIn('prediction_load', LOAD_COLUMNS, [copy], 'binary');
};

const variants: Record<string, Step> = {
  'copy into a temp table only': load,
  'upsert (main)': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`insert into customer_predictions (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date)
    select ${ws}::int, u.customer_id, fit_id, '2026-01-01', u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, 365, u.next_order
    from prediction_load u, (select max(id) as fit_id from prediction_fits) f
    on conflict (workspace_id, customer_id) do update set previous_p_alive = customer_predictions.p_alive,
      fit_id = excluded.fit_id, as_of = excluded.as_of, p_alive = excluded.p_alive,
      expected_purchases_30d = excluded.expected_purchases_30d,
      expected_purchases_90d = excluded.expected_purchases_90d,
      expected_purchases_365d = excluded.expected_purchases_365d, expected_spend = excluded.expected_spend,
      predicted_clv = excluded.predicted_clv, horizon_days = excluded.horizon_days,
      next_order_date = excluded.next_order_date`,
      s,
    );
  },
  'update from the temp table': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`update customer_predictions p set previous_p_alive = p.p_alive, p_alive = u.p_alive,
      expected_purchases_30d = u.e30, expected_purchases_90d = u.e90, expected_purchases_365d = u.e365,
      expected_spend = u.spend, predicted_clv = u.clv, next_order_date = u.next_order, as_of = '2026-01-02'
      from prediction_load u where p.workspace_id = ${ws} and p.customer_id = u.customer_id`,
      s,
    );
  },
  'update from the temp table, work_mem 256MB': async (s, ws, copy) => {
    await run(sql`set local work_mem = '256MB'`, s);
    await variants['update from the temp table']!(s, ws, copy);
  },
  'update from the temp table by the key (nested loop)': async (s, ws, copy) => {
    await run(sql`set local enable_hashjoin = off`, s);
    await run(sql`set local enable_mergejoin = off`, s);
    await variants['update from the temp table']!(s, ws, copy);
  },
  'update, insert the new (anti-join), delete the stale': async (s, ws, copy) => {
    await load(s, ws, copy);
    const fit = sql`(select max(id) from prediction_fits)`;
    await run(
      sql`update customer_predictions p set previous_p_alive = p.p_alive, p_alive = u.p_alive,
      expected_purchases_30d = u.e30, expected_purchases_90d = u.e90, expected_purchases_365d = u.e365,
      expected_spend = u.spend, predicted_clv = u.clv, next_order_date = u.next_order, as_of = '2026-01-02',
      fit_id = ${fit}, horizon_days = 365
      from prediction_load u where p.workspace_id = ${ws} and p.customer_id = u.customer_id`,
      s,
    );
    await run(
      sql`insert into customer_predictions (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date)
    select ${ws}::int, u.customer_id, ${fit}, '2026-01-01', u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, 365, u.next_order
    from prediction_load u where not exists (select from customer_predictions p where p.workspace_id = ${ws} and p.customer_id = u.customer_id)`,
      s,
    );
    await run(sql`delete from customer_predictions where workspace_id = ${ws} and fit_id <> ${fit}`, s);
  },
  merge: async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`merge into customer_predictions p using prediction_load u on p.workspace_id = ${ws} and p.customer_id = u.customer_id
      when matched then update set previous_p_alive = p.p_alive, p_alive = u.p_alive,
      expected_purchases_30d = u.e30, expected_purchases_90d = u.e90, expected_purchases_365d = u.e365,
      expected_spend = u.spend, predicted_clv = u.clv, next_order_date = u.next_order, as_of = '2026-01-02'
      when not matched then insert (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date)
      values (${ws}, u.customer_id, 1, '2026-01-01', u.p_alive, u.e30, u.e90, u.e365, u.spend, u.clv, 365, u.next_order)`,
      s,
    );
  },
  'update two columns only': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`update customer_predictions p set previous_p_alive = p.p_alive, p_alive = u.p_alive
      from prediction_load u where p.workspace_id = ${ws} and p.customer_id = u.customer_id`,
      s,
    );
  },
  'delete, then insert with the keys': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(sql`delete from customer_predictions where workspace_id = ${ws}`, s);
    await run(
      sql`insert into customer_predictions (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date)
    select ${ws}::int, u.customer_id, fit_id, '2026-01-01', u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, 365, u.next_order
    from prediction_load u, (select max(id) as fit_id from prediction_fits) f`,
      s,
    );
  },
  'new table: insert joined with the old, key and foreign key added, swapped in': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`create table prediction_swap (like customer_predictions including defaults) with (fillfactor = 100)`,
      s,
    );
    await run(
      sql`insert into prediction_swap (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date, previous_p_alive)
    select ${ws}::int, u.customer_id, 1, '2026-01-01', u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, 365, u.next_order, o.p_alive
    from prediction_load u left join customer_predictions o on o.workspace_id = ${ws} and o.customer_id = u.customer_id`,
      s,
    );
    await run(sql`alter table prediction_swap add primary key (workspace_id, customer_id)`, s);
    await run(
      sql`alter table prediction_swap add foreign key (workspace_id, customer_id) references customers (workspace_id, id) on delete cascade`,
      s,
    );
    await run(sql`drop table customer_predictions`, s);
    await run(sql`alter table prediction_swap rename to customer_predictions`, s);
  },
  'new table without the foreign key': async (s, ws, copy) => {
    await load(s, ws, copy);
    await run(
      sql`create table prediction_swap (like customer_predictions including defaults) with (fillfactor = 100)`,
      s,
    );
    await run(
      sql`insert into prediction_swap (workspace_id, customer_id, fit_id, as_of, p_alive,
      expected_purchases_30d, expected_purchases_90d, expected_purchases_365d,
      expected_spend, predicted_clv, horizon_days, next_order_date, previous_p_alive)
    select ${ws}::int, u.customer_id, 1, '2026-01-01', u.p_alive, u.e30, u.e90,
      u.e365, u.spend, u.clv, 365, u.next_order, o.p_alive
    from prediction_load u left join customer_predictions o on o.workspace_id = ${ws} and o.customer_id = u.customer_id`,
      s,
    );
    await run(sql`alter table prediction_swap add primary key (workspace_id, customer_id)`, s);
  },
};

const dir = option('--dir') ?? (await predictStore(customers, customers * 10));
const store = await openDatabase({ dataDir: dir });
const ws = await ensureWorkspace(store.db, 'bench');
const summaries = await readPurchaseSummaries(store, ws.id, '2026-01-01');
const fit = fitModels(summaries, { model: 'bgnbd', unit: 'week', minorPerMajor: 100 });
const scores = scoreCustomers(summaries, fit, {
  horizonDays: 365,
  monthlyDiscountRate: 0.01,
  margin: 1,
  minorPerMajor: 100,
});
let t = performance.now();
let c = cpu();
const copy = predictionCopy(scores);
console.log(
  `${scores.length} rows; COPY bytes built in ${((performance.now() - t) / 1000).toFixed(3)} s (${(cpu() - c).toFixed(3)} CPU)`,
);
await store.withSession(async (s) => {
  if (process.env.FPW) {
    await sql.raw(`alter system set full_page_writes = ${process.env.FPW}`).execute(s.db);
    await sql`select pg_reload_conf()`.execute(s.db);
  }
  const settings = await sql<{ name: string; setting: string }>`select name, setting from pg_settings
    where name in ('wal_level', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem')`.execute(
    s.db,
  );
  console.log(settings.rows.map((r) => `${r.name}=${r.setting}`).join(' '));
  for (const [name, step] of Object.entries(variants)) {
    if (only && !only.split(',').some((o) => name.includes(o))) continue;
    for (let round = 0; round < Number(option('--rounds') ?? 2); round++) {
      if (process.env.CHECKPOINT) await sql`checkpoint`.execute(s.db);
      await sql`begin`.execute(s.db);
      t = performance.now();
      c = cpu();
      await step(s, ws.id, copy);
      const wall = (performance.now() - t) / 1000;
      const used = cpu() - c;
      await sql`rollback`.execute(s.db);
      console.log(
        `${name}: ${wall.toFixed(2)} s, ${used.toFixed(2)} s CPU (${((used / scores.length) * 1e6).toFixed(1)} µs CPU a row) load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
});
await store.close();
