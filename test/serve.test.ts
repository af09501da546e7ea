import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './local-servers.ts';

const bin = new URL('../bin/retain.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'retain-serve-'));
const env = { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '' };
let child: ChildProcess | undefined;

afterAll(() => child?.kill('SIGKILL'));

/**
 * Waits until the server answers /healthz or exits: no limit of its own (a first start creates
 * and migrates the embedded store, which took over 30 s on this machine under load); the test's
 * timeout bounds it.
 */
async function waitUntilUp(port: number, server: ChildProcess) {
  while (server.exitCode === null && server.signalCode === null) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`retain serve exited (${server.exitCode ?? server.signalCode}) before answering`);
}

describe('retain serve', () => {
  it('prints an admin key on a first start, and keeps CLI commands off the embedded store while it runs', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'retain-serve-first-'));
    const freshEnv = { ...env, RETAIN_DATA_DIR: fresh };
    const port = await freePort();
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
      env: { ...freshEnv, RETAIN_LOG: 'off' },
    });
    let stderr = '';
    server.stderr!.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => server.once('exit', r));
    try {
      await waitUntilUp(port, server);
      const key = /^rk_\S+$/m.exec(stderr)?.[0];
      expect(key).toBeDefined();
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(((await me.json()) as { role: string }).role).toBe('admin');
      // The printed dashboard user signs in with its password.
      const [, email, password] = /dashboard sign-in \(shown once\): (\S+) \/ (\S+)$/m.exec(stderr) ?? [];
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect([email, login.status]).toEqual(['admin@retain.local', 200]);
      // Other commands run inside the server; the worker stays off the store it holds.
      const users = spawnSync(process.execPath, [bin, 'users', 'list'], { env: freshEnv, encoding: 'utf8' });
      expect([users.status, users.stdout]).toEqual([0, expect.stringContaining('admin@retain.local')]);
      const cli = spawnSync(process.execPath, [bin, 'worker', '--once'], { env: freshEnv, encoding: 'utf8' });
      expect(cli.status).not.toBe(0);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(new RegExp(`in use by process ${server.pid}`));
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Stopped, the store is free again for the CLI, and holds just the one key.
    const after = spawnSync(process.execPath, [bin, 'apikeys', 'list', '--json'], {
      env: freshEnv,
      encoding: 'utf8',
    });
    expect(after.status).toBe(0);
    expect(JSON.parse(after.stdout)).toHaveLength(1);
  });

  it('answers health and readiness, logs JSON with request ids, and finishes in-flight requests on SIGTERM', async () => {
    const made = spawnSync(process.execPath, [bin, '-w', 'shop', 'apikeys', 'create', '--role', 'operator'], {
      env,
      encoding: 'utf8',
    });
    const key = /^rk_\S+$/m.exec(made.stdout)![0];
    const port = await freePort();
    child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env });
    let log = '';
    child.stdout!.on('data', (d) => {
      log += d;
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    await waitUntilUp(port, child);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'pglite' });
    const items = Array.from({ length: 1000 }, (_, i) => ({
      phone: `1390000${String(i).padStart(4, '0')}`,
      type: 'page_view',
      occurred_at: '2024-05-01 10:00:00',
    }));
    const inflight = fetch(`http://127.0.0.1:${port}/api/v1/events?q=13912345678`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': 'req-42',
      },
      body: JSON.stringify({ items }),
    });
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const response = await inflight;
    expect(response.status).toBe(200);
    expect((await response.json()).accepted).toBe(1000);
    // fetch keeps its connection open: the server must not wait out the keep-alive timeout (72 s)
    // before it exits, as it did (a service manager stops it by force after 90 s by default).
    const late = new Promise((r) => setTimeout(() => r('still running 30 s after its last answer'), 30_000));
    expect(await Promise.race([exited, late])).toBe(0);
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = lines.find((l) => l.reqId === 'req-42' && l.res);
    expect(done.res.statusCode).toBe(200);
    // Searched phones never reach the log, nor does the key.
    expect(log).not.toContain('13912345678');
    expect(log).not.toContain(key);
  });
});
