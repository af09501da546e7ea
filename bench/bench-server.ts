/** What the API benchmarks share: `retain serve` in its own process, and autocannon runs against it. */
import { type ChildProcess, spawn } from 'node:child_process';
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

/** `retain serve` on an embedded store directory, without logs or API rate limits. */
export function serve(dataDir: string, port: number, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
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
