import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCESS_FILE, type LocalAccess } from '../src/api/local-access.ts';
import { openDatabase } from '../src/db/database.ts';
import { freePort } from './local-servers.ts';
import { copyTemplate } from './stores.ts';

// `retain import` from cron beside a running `retain serve` on the embedded store: the CLI finds the
// server's access file (0600) in the data directory and sends the import to it over loopback.
const bin = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-local-access-'));
const dataDir = join(dir, 'data');
copyTemplate(dataDir);
// The store of the same import run locally, with no server (one test compares the two).
copyTemplate(join(dir, 'local-data'));
const env = { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
const port = await freePort();

/** Runs the CLI as a child process, without blocking this one (the server's output keeps flowing). */
function retain(args: string[], environment: NodeJS.ProcessEnv = env, cwd?: string) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: environment, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** `retain serve` on the data directory, with its whole output kept (to look for the token in it). */
function serve() {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--no-worker'], { env });
  const output = { text: '' };
  child.stdout!.on('data', (d) => {
    output.text += d;
  });
  child.stderr!.on('data', (d) => {
    output.text += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return { child, output, exited };
}

/** Two minutes for the server to answer and write its access file: a first start on a loaded machine. */
async function waitUntilUp() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if (
        (await fetch(`http://127.0.0.1:${port}/healthz`)).ok &&
        existsSync(join(dataDir, LOCAL_ACCESS_FILE))
      )
        return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('retain serve did not start');
}

const access = () => JSON.parse(readFileSync(join(dataDir, LOCAL_ACCESS_FILE), 'utf8')) as LocalAccess;

const CSV =
  'customer_id,name,email,phone\nC1,张三,zs@example.com,13800000001\nC2,李四,not-an-email,13800000002\nC3,王五,ww@example.com,13800000003\n';

let server: ReturnType<typeof serve>;
let children: ChildProcess[] = [];
beforeAll(async () => {
  writeFileSync(join(dir, 'customers.csv'), CSV);
  server = serve();
  children.push(server.child);
  await waitUntilUp();
}, 120_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children = [];
});

describe('the CLI beside a running retain serve on the embedded store', () => {
  it('finds the server in a file of the data directory that only its owner may read', () => {
    const file = join(dataDir, LOCAL_ACCESS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const a = access();
    expect(a.pid).toBe(server.child.pid);
    expect(a.url).toBe(`http://127.0.0.1:${port}`);
    expect(a.token).toMatch(/^rl_[\w-]{40,}$/);
  });

  it('imports through the server with the same summary, rejects file and exit code as a local import', async () => {
    const file = join(dir, 'customers.csv');
    // The same import on a store of its own, with no server: what the remote one must print.
    const localEnv = { ...env, RETAIN_DATA_DIR: join(dir, 'local-data') };
    const args = (rejects: string) => ['-w', '店铺', 'import', 'customers', file, '--rejects', rejects];
    const local = await retain(args(join(dir, 'local-rejects.csv')), localEnv);
    const remote = await retain(args(join(dir, 'remote-rejects.csv')));
    expect(local.status).toBe(0);
    expect(remote.status).toBe(0);
    expect(local.stdout).toContain(
      'read 3, inserted 2, updated 0, unchanged 0, merged 0, rejected 1, guest 0',
    );
    expect(remote.stdout).toBe(local.stdout);
    expect(remote.stderr).toBe(
      `retain: the store is held by retain serve (process ${server.child.pid}); importing through it\n`,
    );
    expect(readFileSync(join(dir, 'remote-rejects.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'local-rejects.csv'), 'utf8'),
    );
    // A strict import with a bad row loads nothing and exits 1, through the server as locally.
    const strictLocal = await retain([...args(join(dir, 'l2.csv')), '--strict', '--json'], localEnv);
    const strictRemote = await retain([...args(join(dir, 'r2.csv')), '--strict', '--json']);
    expect([strictLocal.status, strictRemote.status]).toEqual([1, 1]);
    expect(JSON.parse(strictRemote.stdout)).toEqual(JSON.parse(strictLocal.stdout));
    // Four CLI processes: 60 s was tight beside another test file on two busy cores.
  }, 120_000);

  it('says in one line what it cannot send, and other commands name what to do', async () => {
    const now = await retain([
      '--now',
      '2026-01-01T00:00:00Z',
      'import',
      'customers',
      join(dir, 'customers.csv'),
    ]);
    expect(now.status).toBe(1);
    expect(now.stderr).toMatch(/^retain: --now: retain serve \(process \d+\) holds the store .*\n$/);
    const missing = await retain(['import', 'customers', join(dir, 'nope.csv')]);
    expect([missing.status, missing.stderr.trim().split('\n').at(-1)]).toEqual([
      1,
      `retain: ${join(dir, 'nope.csv')}: no such file`,
    ]);
    const worker = await retain(['worker', '--once']);
    expect(worker.status).toBe(1);
    expect(worker.stderr.trim().split('\n')).toHaveLength(1);
    expect(worker.stderr).toMatch(
      /in use by process \d+ .*other commands are sent to a running retain serve, but not this one/,
    );
  });

  it('runs the other commands inside the server: files relative to where they are typed, output and exit code as if local', async () => {
    const work = mkdtempSync(join(tmpdir(), 'retain-hosted-cwd-'));
    writeFileSync(
      join(work, 'vip.yaml'),
      'name: 会员关怀\ntrigger: { event: page_view }\nreentry: once\nattribution_days: 7\nstart: done\nsteps:\n  done: { type: exit }\n',
    );
    const inWork = (args: string[]) => retain(args, env, work);
    const applied = await inWork(['-w', '店铺', 'journeys', 'apply', 'vip.yaml']);
    expect([applied.status, applied.stdout.trim()]).toEqual([0, 'created journey "会员关怀"']);
    const listed = await inWork(['-w', '店铺', 'journeys', 'list']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/会员关怀\s+active\s+event/);
    const exported = await inWork(['-w', '店铺', 'rfm', '--format', 'csv', '--out', 'rfm.csv']);
    expect(exported.status).toBe(0);
    expect(readFileSync(join(work, 'rfm.csv'), 'utf8').split('\n')[0]).toMatch(/^customer_id,/);
    const missing = await inWork(['segments', 'show', '没有这个分群']);
    expect([missing.status, missing.stderr]).toEqual([1, 'retain: no segment named "没有这个分群"\n']);
    const now = await inWork(['--now', '2026-01-01T00:00:00Z', 'rfm']);
    expect(now.status).toBe(1);
    expect(now.stderr).toMatch(/^retain: --now: retain serve \(process \d+\) holds the store/);
    // Only the local token may send commands: an admin's API key is refused.
    const key = await inWork(['-w', '店铺', 'apikeys', 'create', '--name', 'ops', '--role', 'admin']);
    expect(key.status).toBe(0);
    const token = /\b(rk_\S+)/.exec(key.stdout + key.stderr)?.[1];
    expect(token).toBeDefined();
    const refused = await fetch(`http://127.0.0.1:${port}/api/v1/local/cli`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args: ['users', 'list'], cwd: '/' }),
    });
    expect(refused.status).toBe(403);
  });

  it('the token is never logged, and stops working when the server stops', async () => {
    const { token } = access();
    // A request the server logs, with the token.
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}`, 'x-retain-workspace': encodeURIComponent('店铺') },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe('admin');
    const wrong = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, {
      headers: { authorization: `Bearer rl_${'x'.repeat(43)}`, 'x-retain-workspace': 'default' },
    });
    expect(wrong.status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output.text).toMatch(/"url":"\/api\/v1\/auth\/me"/);
    expect(server.output.text).not.toContain(token);
    expect(existsSync(join(dataDir, LOCAL_ACCESS_FILE))).toBe(false);

    // The imported rows are in the store, in the workspace named on the command line.
    const store = await openDatabase({ dataDir });
    const rows = await store.db
      .selectFrom('customers')
      .innerJoin('workspaces', 'workspaces.id', 'customers.workspace_id')
      .select(['customers.external_id', 'workspaces.name'])
      .orderBy('customers.external_id')
      .execute();
    await store.close();
    expect(rows).toEqual([
      { external_id: 'C1', name: '店铺' },
      { external_id: 'C3', name: '店铺' },
    ]);

    // A new server on the same store makes a new token; the old one is refused.
    server = serve();
    children.push(server.child);
    await waitUntilUp();
    expect(access().token).not.toBe(token);
    const stale = await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}`, 'x-retain-workspace': 'default' },
    });
    expect(stale.status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);
});
