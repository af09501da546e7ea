import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setChannel } from '../src/channels/channel-config.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { enqueueMessages } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { type ReceivedMail, startSmtpSink } from './local-servers.ts';
import { copyTemplate, dropTestSchemas, openTestSchema } from './stores.ts';

// Issue #13: a delivery round marked its messages `sending` before sending, and a worker killed
// with SIGKILL left them so for ever (1,934 of 4,000 lost). Here real worker processes deliver to
// a real SMTP server and are killed at random moments, again and again; at the end every message
// has arrived, and a mail that arrived twice is one the database recorded as sent again.

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const MESSAGES = 1500;
const KILLS = 5;
// Short leases, so a killed worker's claims are recovered within the test's time.
const LEASE_SECONDS = '2';

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink({ ids: true });
});
afterAll(async () => {
  await smtp?.close();
  await dropTestSchemas();
});

/** A seeded random number generator (mulberry32), so a failing run can be repeated. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A workspace with customers, the email channel on the local SMTP server and every message queued. */
async function prepare(database: Database, name: string): Promise<string[]> {
  const ws = await createWorkspace(database.db, { name });
  const rows = Array.from({ length: MESSAGES }, (_, i) => `F${i},f${i}@${name}.example`);
  await importText(database, ws, 'customers', `external_id,email\n${rows.join('\n')}`);
  await setChannel(
    database.db,
    ws.id,
    'email',
    { host: '127.0.0.1', port: smtp.port, from: 'shop@example.com' },
    {},
  );
  await saveTemplates(database.db, ws.id, [
    { name: 'receipt', channel: 'email', purpose: 'transactional', body: { 'zh-CN': '您的订单已发货' } },
  ]);
  const ids = await database.db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', ws.id)
    .orderBy('id')
    .execute();
  const keys = ids.map((c) => `${name}:${c.id}`);
  await enqueueMessages(
    database.db,
    ws.id,
    ids.map((c, i) => ({
      customerId: c.id,
      templates: ['receipt'],
      idempotencyKey: keys[i]!,
      dueAt: new Date(),
    })),
  );
  return keys;
}

function startWorker(env: Record<string, string>, args = ['worker', '--interval', '0.2']): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, RETAIN_DELIVERY_LEASE_SECONDS: LEASE_SECONDS, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Waits until the SMTP server has more mail than `count`, or the child has exited. */
async function mailBeyond(count: number, child: ChildProcess) {
  while (smtp.mail.length <= count && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Runs `workers` worker processes side by side and kills each with SIGKILL at a random moment
 * after it has started delivering, `KILLS` times over; then one last worker drains the queue.
 */
async function killRepeatedly(env: Record<string, string>, workers: number, seed: number) {
  const next = random(seed);
  for (let round = 0; round < KILLS; round++) {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        const child = startWorker(env);
        await mailBeyond(smtp.mail.length, child);
        await new Promise((r) => setTimeout(r, Math.floor(next() * 600)));
        child.kill('SIGKILL');
        await exited(child);
      }),
    );
  }
  // The claims of the last killed workers run out after the lease; the drain waits for them.
  await new Promise((r) => setTimeout(r, Number(LEASE_SECONDS) * 1000 + 200));
  const drain = startWorker(env, ['worker', '--once']);
  let stderr = '';
  drain.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await exited(drain);
  expect(stderr).toBe('');
  expect(drain.exitCode).toBe(0);
}

/** Every key arrived; a key that arrived n times was recorded as sent again at least n − 1 times. */
async function expectNoneLost(database: Database, keys: string[], mail: ReceivedMail[]) {
  const arrived = new Map<string, number>();
  for (const m of mail) arrived.set(m.idempotencyKey!, (arrived.get(m.idempotencyKey!) ?? 0) + 1);
  expect(keys.filter((k) => !arrived.has(k))).toEqual([]);
  const rows = await database.db
    .selectFrom('messages')
    .select(['idempotency_key', 'status', 'resends'])
    .where('idempotency_key', 'in', keys)
    .execute();
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  const resends = new Map(rows.map((r) => [r.idempotency_key, r.resends]));
  const unexplained = [...arrived].filter(([key, n]) => n - 1 > (resends.get(key) ?? 0));
  expect(unexplained).toEqual([]);
  // The same Message-ID on each copy of a mail sent again.
  const idsByKey = new Map<string, Set<string>>();
  for (const m of mail)
    idsByKey.set(m.idempotencyKey!, (idsByKey.get(m.idempotencyKey!) ?? new Set()).add(m.messageId!));
  expect([...idsByKey.values()].filter((ids) => ids.size !== 1)).toEqual([]);
  return { duplicates: mail.length - arrived.size, recovered: rows.reduce((n, r) => n + r.resends, 0) };
}

describe('no message lost when a worker is killed', () => {
  it('on the embedded store (PGlite), one worker killed five times', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'retain-faults-')), 'data');
    const database = await openDatabase({ dataDir: copyTemplate(dataDir) });
    const keys = await prepare(database, 'faults-pglite');
    await database.close();
    smtp.mail.length = 0;
    await killRepeatedly({ RETAIN_DATA_DIR: dataDir, DATABASE_URL: '' }, 1, 13);
    const after = await openDatabase({ dataDir });
    try {
      const { duplicates, recovered } = await expectNoneLost(after, keys, smtp.mail);
      // The kills landed while mail was going out: some messages had to be recovered.
      expect(recovered).toBeGreaterThan(0);
      expect(duplicates).toBeLessThanOrEqual(recovered);
    } finally {
      await after.close();
    }
  });

  const url = process.env.TEST_DATABASE_URL;
  it.runIf(url)('on PostgreSQL, two workers side by side, each killed five times', async () => {
    const schema = `retain_test_faults_${process.pid}`;
    const database = await openTestSchema(url!, schema);
    try {
      const keys = await prepare(database, 'faults-postgres');
      smtp.mail.length = 0;
      const withSchema = `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      await killRepeatedly({ DATABASE_URL: withSchema }, 2, 31);
      const { duplicates, recovered } = await expectNoneLost(database, keys, smtp.mail);
      expect(recovered).toBeGreaterThan(0);
      expect(duplicates).toBeLessThanOrEqual(recovered);
    } finally {
      await database.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  });
});
