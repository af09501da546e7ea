/**
 * `npm run bench:upload`: the server while it imports an upload. `retain serve` runs in its own
 * process on a fresh embedded store; the Online Retail file (541,909 order lines) is uploaded
 * through POST /api/v1/imports as the dashboard does, and its progress polled every 250 ms (the
 * largest gap between two changes of progress is the figure). Meanwhile other requests go at a
 * steady rate (`paced`: a customer profile, the customer list, /healthz in turn): their p99 beside
 * the same requests against the same server when idle, and the import's time beside
 * `retain import` of the same file (the CLI) into another fresh store. Server and CLI CPU seconds
 * come from /proc. BENCH_RATE (default 20/s) and BENCH_IDLE_SECONDS (10) tune the requests;
 * BENCH_RETAIN_BIN runs another checkout's bin/retain.js (a before/after comparison).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../src/access/api-key-service.ts';
import { openDatabase } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { type Load, type PacedRequest, paced, serve, stop, waitForPort } from './bench-server.ts';

const here = new URL('.', import.meta.url).pathname;
const bin = process.env.BENCH_RETAIN_BIN ?? join(here, '../bin/retain.js');
const file = join(here, '../datasets/online-retail/online_retail.csv.gz');
const rate = Number(process.env.BENCH_RATE ?? 20);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const port = 3911;
const base = `http://127.0.0.1:${port}`;

/** A fresh store with a workspace, a key and a few customers to read (imported the usual way). */
async function prepare(dataDir: string): Promise<string> {
  const store = await openDatabase({ dataDir });
  const ws = await ensureWorkspace(store.db, 'bench');
  const { key } = await createApiKey(store.db, ws.id, { name: 'bench', role: 'admin' });
  const seed = join(dataDir, '..', 'seed-orders.csv');
  const rows = ['order_id,customer_id,ordered_at,amount'];
  for (let i = 1; i <= 200; i++) rows.push(`S${i},SEED${1 + (i % 50)},2024-01-${1 + (i % 28)} 10:00,${i}.00`);
  writeFileSync(seed, `${rows.join('\n')}\n`);
  await importFile(store, { kind: 'orders', file: seed, workspace: ws });
  await store.close();
  return key;
}

/** User plus system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Polled {
  seconds: number;
  maxGap: number;
  changes: number;
  serverCpu: number;
  status: string;
}

/** Uploads the file and polls its progress every 250 ms until it ends. */
async function uploadAndWatch(key: string, serverPid: number): Promise<Polled> {
  const auth = { authorization: `Bearer ${key}` };
  const cpuBefore = cpuSeconds(serverPid);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), 'online_retail.csv.gz');
  const sent = performance.now();
  const started = await fetch(`${base}/api/v1/imports?kind=order-lines`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  if (started.status !== 202) throw new Error(`upload: ${started.status} ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  let last = '';
  let lastChange = sent;
  let maxGap = 0;
  let changes = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const job = (await (await fetch(`${base}/api/v1/imports/${id}`, { headers: auth })).json()) as {
      status: string;
      progress: unknown;
    };
    const now = performance.now();
    const seen = JSON.stringify([job.status, job.progress]);
    if (seen !== last) {
      maxGap = Math.max(maxGap, now - lastChange);
      lastChange = now;
      last = seen;
      changes++;
    }
    if (job.status !== 'running')
      return {
        seconds: (now - sent) / 1000,
        maxGap: maxGap / 1000,
        changes,
        serverCpu: cpuSeconds(serverPid) - cpuBefore,
        status: job.status,
      };
  }
}

/** `retain import order-lines` of the same file into a fresh store: wall and CPU seconds. */
function cliImport(): { seconds: number; cpu: number } {
  const dataDir = mkdtempSync(join(tmpdir(), 'retain-bench-upload-cli-'));
  try {
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %e %U %S', process.execPath, bin, 'import', 'order-lines', file],
      {
        env: { ...process.env, RETAIN_DATA_DIR: dataDir },
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(run.stderr);
    if (run.status !== 0 || !m) throw new Error(`retain import failed: ${run.stderr}`);
    return { seconds: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const root = mkdtempSync(join(tmpdir(), 'retain-bench-upload-'));
const dataDir = join(root, 'store');
const key = await prepare(dataDir);
const server = serve(dataDir, port, {}, bin);
let during: Load;
let idle: Load;
let polled: Polled;
const load1 = loadavg()[0]!.toFixed(1);
try {
  await waitForPort(port);
  const auth = { authorization: `Bearer ${key}` };
  const list = (await (await fetch(`${base}/api/v1/customers?limit=50`, { headers: auth })).json()) as {
    items: { id: number }[];
  };
  const ids = list.items.map((c) => c.id);
  const mix = (i: number): PacedRequest =>
    i % 3 === 0
      ? { path: `/api/v1/customers/${ids[i % ids.length]}`, headers: auth }
      : i % 3 === 1
        ? { path: '/api/v1/customers?limit=20', headers: auth }
        : { path: '/healthz' };
  idle = await paced(base, mix, rate, idleSeconds);
  const stopRequests = new AbortController();
  const requests = paced(base, mix, rate, 3600, stopRequests.signal);
  polled = await uploadAndWatch(key, server.pid!).finally(() => stopRequests.abort());
  during = await requests;
} finally {
  await stop(server);
  rmSync(root, { recursive: true, force: true });
}
const cli = cliImport();
const load2 = loadavg()[0]!.toFixed(1);
console.log(`bench:upload — ${new Date().toISOString()}, load average ${load1} at start, ${load2} at end`);
console.log(`upload status: ${polled.status}; progress changed ${polled.changes} times`);
console.log('| what | figure | baseline (same run) |');
console.log('|---|---:|---:|');
console.log(
  `| largest gap between progress changes | ${polled.maxGap.toFixed(1)} s | poll interval 0.25 s |`,
);
console.log(
  `| other requests during the upload, p50 / p99 (${rate}/s, ${during.rps.toFixed(1)} answered/s, ${during.errors} errors) | ${during.p50} / ${during.p99} ms | idle: ${idle.p50} / ${idle.p99} ms |`,
);
console.log(
  `| import time (upload → done), CPU s of the server | ${polled.seconds.toFixed(1)} s, ${polled.serverCpu.toFixed(1)} CPU s | CLI import: ${cli.seconds.toFixed(1)} s, ${cli.cpu.toFixed(1)} CPU s |`,
);
