/** What the API benchmarks share: `retain serve` in its own process, and autocannon runs against it. */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';

const here = new URL('.', import.meta.url).pathname;
const bin = join(here, '../bin/retain.js');
/** Seconds per measured run (BENCH_SECONDS, default 20). */
export const seconds = Number(process.env.BENCH_SECONDS ?? 20);

/** Waits until a server answers /healthz on the port. */
export async function waitForPort(port: number) {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

/**
 * `retain serve` on an embedded store directory, without logs or API rate limits; `retainBin` runs
 * another checkout's `bin/retain.js` (a before/after comparison).
 */
export function serve(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  retainBin = bin,
): ChildProcess {
  return spawn(process.execPath, [retainBin, 'serve', '--port', String(port)], {
    env: {
      ...process.env,
      RETAIN_DATA_DIR: dataDir,
      RETAIN_LOG: 'off',
      RETAIN_RATE_LIMIT: '1000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Stops a server process and waits for it to exit. */
export async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Requests per second, latency percentiles (ms) and failed requests of one run. */
export interface Load {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
}

/** One autocannon run of `seconds` over 8 connections unless the options say otherwise. */
export async function load(url: string, options: Partial<autocannon.Options>): Promise<Load> {
  const result = await autocannon({
    url,
    duration: seconds,
    connections: 8,
    ...options,
  } as autocannon.Options);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** One request of a paced run: the path, and optionally a method, headers and body. */
export interface PacedRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * An open-loop run at a steady `rate` per second for `seconds`, as users who do not wait for each
 * other: request i is due at start + i / rate and sent then on a free keep-alive connection (or a
 * new one), so a slow answer never holds the next request back (no coordinated omission); its
 * latency counts from when it was sent to the end of its answer. autocannon's `overallRate` spreads the rate over
 * its connections with timers and reports tens of milliseconds against a server that answers at
 * once; this is the measure for "a page in < 100 ms at N requests per second".
 */
export async function paced(
  base: string,
  next: (i: number) => PacedRequest,
  rate: number,
  duration = seconds,
  /** Sends no more requests once aborted (a run that lasts as long as something else). */
  until?: AbortSignal,
): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rate * duration);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total && !until?.aborted; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = next(i);
    const sent = performance.now();
    inFlight.push(
      send(base, req, agent).then(
        (status) => {
          if (status >= 400) errors++;
          latencies.push(performance.now() - sent);
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

function send(base: string, req: PacedRequest, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      `${base}${req.path}`,
      { method: req.method ?? 'GET', headers: req.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}
