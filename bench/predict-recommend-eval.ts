/**
 * The recommendation part of `npm run bench:predict`: Online Retail imported as order lines into
 * the embedded store (built once, kept in bench/out), split in time — associations from orders up
 * to 2011-08-31, each customer's top-10 from their purchases up to then — and scored on what
 * customers with orders on both sides bought from 2011-09-01 on: hit rate@10 (share of customers
 * who bought at least one of their ten) and recall@10 (mean share of a customer's later products
 * among their ten). Beside it, in the same run and store, a popularity baseline: the ten products
 * in most orders before the split, minus what the customer bought before it. Also timed: the
 * association refresh and the recommendations for everyone, and the baseline's list for everyone.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Database, openDatabase } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { refreshAssociations } from '../src/predict/product-associations.ts';
import { recommendFor } from '../src/predict/recommendation.ts';
import { createWorkspace, ensureWorkspace } from '../src/workspaces/workspace-service.ts';

const here = new URL('.', import.meta.url).pathname;
const FILE = join(here, '../datasets/online-retail/online_retail.csv.gz');
const TRAIN_END = '2011-08-31';
const TOP = 10;

/** Wall and CPU seconds of a step (CPU: this process, where the embedded store runs). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number }> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/** Each customer's products, by side of the split. */
type Bought = Map<number, Set<string>>;

/** One method's figures over the evaluated customers. */
export interface EvalFigures {
  method: string;
  customers: number;
  hitRate: number;
  recall: number;
  /** The same two when only products new to the customer (not bought before the split) count. */
  hitRateNew: number;
  recallNew: number;
  seconds: number;
  cpu: number;
}

async function openStore(): Promise<Database> {
  const dir = join(here, 'out', 'predict-online-retail');
  const ready = join(here, 'out', 'predict-online-retail.ready');
  if (!existsSync(ready)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const store = await openDatabase({ dataDir: dir });
    const ws = await createWorkspace(store.db, {
      name: 'online-retail',
      timezone: 'Europe/London',
      currency: 'GBP',
    });
    await importFile(store, { kind: 'order-lines', file: FILE, workspace: ws });
    await store.close();
    cpSync(dir, ready, { recursive: true });
  }
  // Work on a copy, so a run never changes the kept store.
  const work = join(here, 'out', 'predict-online-retail.work');
  rmSync(work, { recursive: true, force: true });
  cpSync(ready, work, { recursive: true });
  const store = await openDatabase({ dataDir: work });
  // The embedded store has no autovacuum: fresh statistics, as a server's would have after an import.
  await sql`analyze`.execute(store.db);
  return store;
}

async function boughtBySide(db: Database['db'], ws: number, before: boolean): Promise<Bought> {
  const rows = await sql<{ customer_id: number; item: string }>`
    select distinct o.customer_id::float8 as customer_id, coalesce(l.sku, l.product_name) as item
    from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
    where o.workspace_id = ${ws} and o.customer_id is not null and o.status in ('paid', 'completed')
      and o.amount - o.refunded_amount > 0 and coalesce(l.sku, l.product_name) is not null
      and ${before ? sql`o.local_date <= ${TRAIN_END}::date` : sql`o.local_date > ${TRAIN_END}::date`}`.execute(
    db,
  );
  const out: Bought = new Map();
  for (const r of rows.rows) {
    const set = out.get(r.customer_id) ?? new Set();
    set.add(r.item);
    out.set(r.customer_id, set);
  }
  return out;
}

function score(
  method: string,
  lists: Map<number, string[]>,
  train: Bought,
  test: Bought,
  time: { seconds: number; cpu: number },
): EvalFigures {
  let customers = 0;
  let hits = 0;
  let recall = 0;
  let newCustomers = 0;
  let hitsNew = 0;
  let recallNew = 0;
  for (const [customer, later] of test) {
    const before = train.get(customer);
    if (!before) continue;
    customers++;
    const list = (lists.get(customer) ?? []).slice(0, TOP);
    const found = list.filter((i) => later.has(i)).length;
    if (found) hits++;
    recall += found / later.size;
    const fresh = [...later].filter((i) => !before.has(i));
    if (!fresh.length) continue;
    newCustomers++;
    const foundNew = list.filter((i) => fresh.includes(i)).length;
    if (foundNew) hitsNew++;
    recallNew += foundNew / fresh.length;
  }
  return {
    method,
    customers,
    hitRate: hits / customers,
    recall: recall / customers,
    hitRateNew: hitsNew / newCustomers,
    recallNew: recallNew / newCustomers,
    ...time,
  };
}

/** Runs the evaluation; returns both methods' figures and the refresh's time and size. */
export async function runRecommendEval() {
  const store = await openStore();
  try {
    const ws = await ensureWorkspace(store.db, 'online-retail');
    const refresh = await timed(() => refreshAssociations(store, ws, { asOf: TRAIN_END, actor: null }));
    const recs = await timed(() => recommendFor(store, ws.id, { top: TOP, purchasesUpTo: TRAIN_END }));
    const ours = new Map<number, string[]>();
    for (const r of recs.value) ours.set(r.customer_id, [...(ours.get(r.customer_id) ?? []), r.item]);

    const train = await boughtBySide(store.db, ws.id, true);
    const test = await boughtBySide(store.db, ws.id, false);

    // The baseline: products by orders before the split, each customer's ten first not yet bought.
    const baseline = await timed(async () => {
      const popular = (
        await sql<{ item: string }>`
          select coalesce(l.sku, l.product_name) as item
          from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
          where o.workspace_id = ${ws.id} and o.status in ('paid', 'completed') and o.amount - o.refunded_amount > 0
            and o.local_date <= ${TRAIN_END}::date and coalesce(l.sku, l.product_name) is not null
          group by 1 order by count(distinct o.order_id) desc, 1 limit 2000`.execute(store.db)
      ).rows.map((r) => r.item);
      const lists = new Map<number, string[]>();
      for (const [customer, before] of train)
        lists.set(customer, popular.filter((i) => !before.has(i)).slice(0, TOP));
      return lists;
    });

    return {
      refresh: refresh.value,
      refreshSeconds: refresh.seconds,
      refreshCpu: refresh.cpu,
      recommendedCustomers: ours.size,
      trainCustomers: train.size,
      figures: [
        score('associations (Σ confidence)', ours, train, test, recs),
        score('popularity baseline', baseline.value, train, test, baseline),
      ],
    };
  } finally {
    await store.close();
  }
}

/** Prints the evaluation as a table. */
export function printRecommendEval(result: Awaited<ReturnType<typeof runRecommendEval>>): void {
  const r = result.refresh;
  console.log(
    `Online Retail, associations from orders up to ${TRAIN_END}: ${r.orders} orders, ${r.customers} buyers, ` +
      `${r.products} products, ${r.associations} associations kept; refresh ${result.refreshSeconds.toFixed(1)} s ` +
      `(${result.refreshCpu.toFixed(1)} s CPU)`,
  );
  console.log(
    `recommendations for everyone: ${result.recommendedCustomers} of ${result.trainCustomers} buyers got a list`,
  );
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.table(
    result.figures.map((f) => ({
      method: f.method,
      customers: f.customers,
      'hit@10': pct(f.hitRate),
      'recall@10': pct(f.recall),
      'hit@10 new': pct(f.hitRateNew),
      'recall@10 new': pct(f.recallNew),
      'lists for everyone: s': f.seconds.toFixed(2),
      'CPU s': f.cpu.toFixed(2),
    })),
  );
}
