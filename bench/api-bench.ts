/**
 * `npm run bench:api`: the API under load from autocannon over 127.0.0.1, with `retain serve` in
 * its own process on the embedded store.
 *
 * 1. Event ingest: POST /api/v1/events in batches of 100 (new events every request) over four
 *    connections for BENCH_SECONDS; events/s and p99, beside a bare Fastify server in the same setup that parses
 *    the same batches and inserts them into one plain PGlite table (the floor of HTTP + JSON +
 *    an insert).
 * 2. The 360° profile at 1M customers (BENCH_CUSTOMERS) at a steady 200 requests/s (`paced`) on random
 *    customers: p99, beside GET /healthz of the same server at the same rate.
 * The 1M-customer store is generated once (SQL, then Retain's own aggregate refresh) into bench/out.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../src/access/api-key-service.ts';
import { openDatabase } from '../src/db/database.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';

import { type Load, load, paced, seconds, serve, stop, waitForPort } from './bench-server.ts';
import { millionCustomerStore, seedCustomers } from './customer-store.ts';

const here = new URL('.', import.meta.url).pathname;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const out = join(here, 'out');
const pushers = Number(process.env.BENCH_PUSHERS ?? 4);
/** `ingest` or `profile` to run one part only. */
const only = process.env.BENCH_ONLY;
mkdirSync(out, { recursive: true });

/** A key for a workspace of a store directory (opened and closed before the server starts). */
async function keyFor(dataDir: string): Promise<string> {
  const store = await openDatabase({ dataDir });
  const ws = await ensureWorkspace(store.db, 'bench');
  const { key } = await createApiKey(store.db, ws.id, { name: 'bench', role: 'operator' });
  await store.close();
  return key;
}

let sequence = 0;
function eventBatch(): string {
  const items = [];
  for (let i = 0; i < 100; i++) {
    const n = sequence++;
    const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
    items.push({
      customer_id: `C${1 + (n % 20_000)}`,
      type: n % 3 === 0 ? 'page_view' : n % 3 === 1 ? 'cart_add' : 'coupon_view',
      occurred_at: at,
      properties: { sku: `SKU${n % 500}`, source: 'mini-program' },
    });
  }
  return JSON.stringify({ items });
}

/** Event ingest: Retain and the bare baseline. */
async function benchIngest(): Promise<[Load, Load]> {
  const ingestDir = mkdtempSync(join(tmpdir(), 'retain-bench-api-'));
  {
    // Tracking events name customers the shop already has: 20k of them.
    const store = await openDatabase({ dataDir: ingestDir });
    const ws = await ensureWorkspace(store.db, 'bench');
    await seedCustomers(store.db, ws.id, 20_000);
    await store.close();
  }
  const ingestKey = await keyFor(ingestDir);
  const server = serve(ingestDir, 3901);
  await waitForPort(3901);
  const post = (path: string, key?: string) => ({
    method: 'POST' as const,
    path,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    setupRequest: (request: object) => ({ ...request, body: eventBatch() }),
  });
  // Four concurrent pushers (a shop's backend, POS sync, mini-program relay, tracking relay).
  const retainIngest = await load('http://127.0.0.1:3901', {
    requests: [post('/api/v1/events', ingestKey)],
    connections: pushers,
  });
  await stop(server);
  rmSync(ingestDir, { recursive: true, force: true });

  const baseline = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'api-baseline-server.ts'), '3902'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForPort(3902);
  const floorIngest = await load('http://127.0.0.1:3902', {
    requests: [post('/events')],
    connections: pushers,
  });
  await stop(baseline);
  return [retainIngest, floorIngest];
}

/** Profiles at 1M customers, and /healthz at the same rate. */
async function benchProfiles(): Promise<[Load, Load]> {
  const storeDir = await millionCustomerStore(customers);
  const profileKey = await keyFor(storeDir);
  const profiles = serve(storeDir, 3903);
  await waitForPort(3903);
  const get = (path: () => string) => ({
    method: 'GET' as const,
    headers: { authorization: `Bearer ${profileKey}` },
    setupRequest: (request: object) => ({ ...request, path: path() }),
  });
  const randomCustomer = () => `/api/v1/customers/${1 + Math.floor(Math.random() * customers)}`;
  await load('http://127.0.0.1:3903', { requests: [get(randomCustomer)], duration: 3 }); // warm up
  const headers = { authorization: `Bearer ${profileKey}` };
  const retainProfile = await paced(
    'http://127.0.0.1:3903',
    () => ({ path: randomCustomer(), headers }),
    200,
  );
  const floorProfile = await paced('http://127.0.0.1:3903', () => ({ path: '/healthz' }), 200);
  await stop(profiles);
  return [retainProfile, floorProfile];
}

const ingest = only === 'profile' ? undefined : await benchIngest();
const profiles = only === 'ingest' ? undefined : await benchProfiles();
const row = (name: string, l: Load, perRequest = 1) =>
  `| ${name} | ${Math.round(l.rps * perRequest).toLocaleString('en')} | ${l.p50} ms | ${l.p99} ms | ${l.errors} |`;
console.log(`\nAPI benchmark, ${seconds} s per run over 127.0.0.1 (embedded PGlite store)\n`);
console.log('| run | per second | p50 | p99 | errors |\n|---|---|---|---|---|');
if (ingest) {
  console.log(
    row(`Retain POST /api/v1/events, 100 per batch, ${pushers} connections (events/s)`, ingest[0], 100),
  );
  console.log(row('baseline: bare Fastify + one INSERT per batch (events/s)', ingest[1], 100));
  const met = ingest[0].rps * 100 >= 5000 && ingest[0].p99 < 200;
  console.log(`\ningest target (≥ 5,000 events/s with p99 < 200 ms): ${met ? 'met' : 'NOT met'}`);
}
if (profiles) {
  console.log(
    row(
      `Retain GET /api/v1/customers/{id} at 200 req/s, ${customers.toLocaleString('en')} customers`,
      profiles[0],
    ),
  );
  console.log(row('baseline: GET /healthz at 200 req/s', profiles[1]));
  console.log(`profile target (p99 < 50 ms at 200 req/s): ${profiles[0].p99 < 50 ? 'met' : 'NOT met'}`);
}
