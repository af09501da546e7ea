/**
 * `npm run bench:import`: imports the shared Online Retail file (as order lines) and a generated
 * orders file (BENCH_ORDERS rows, default 10M) into PGlite and PostgreSQL, each beside a raw COPY
 * of the same rows into the same store, and prints rows/s, peak memory and the ratio.
 * BENCH_STORES=pglite,postgres picks stores; BENCH_DATABASE_URL the server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrdersFile } from './generate-orders.ts';

const here = new URL('.', import.meta.url).pathname;
const orders = Number(process.env.BENCH_ORDERS ?? 10_000_000);
const stores = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',');
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });

const generated = join(outDir, `orders-${orders}.csv`);
if (!existsSync(generated)) {
  const started = performance.now();
  await generateOrdersFile(`${generated}.tmp`, orders);
  renameSync(`${generated}.tmp`, generated);
  console.log(`generated ${generated} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const datasets = [
  {
    name: 'Online Retail (order lines)',
    kind: 'order-lines',
    file: join(here, '../datasets/online-retail/online_retail.csv.gz'),
  },
  { name: `generated orders (${orders.toLocaleString('en')})`, kind: 'orders', file: generated },
];

interface Run {
  seconds: number;
  rows: number;
  peakMiB: number;
  phases?: Record<string, number>;
}

function run(mode: string, store: string, kind: string, file: string): Run {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'import-run.ts'), mode, store, kind, file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

const rate = (r: Run) => Math.round(r.rows / r.seconds).toLocaleString('en');
console.log(
  '| data | store | rows | Retain import | rows/s | peak MiB | raw COPY | rows/s | peak MiB | ratio | Retain phases (s) |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const d of datasets) {
  for (const store of stores) {
    const copy = run('copy', store, d.kind, d.file);
    const retain = run('retain', store, d.kind, d.file);
    const phases = Object.entries(retain.phases ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    console.log(
      `| ${d.name} | ${store} | ${retain.rows.toLocaleString('en')} | ${retain.seconds.toFixed(1)} s | ${rate(retain)} | ${retain.peakMiB} | ${copy.seconds.toFixed(1)} s | ${rate(copy)} | ${copy.peakMiB} | ${(retain.seconds / copy.seconds).toFixed(1)}× | ${phases} |`,
    );
  }
}
