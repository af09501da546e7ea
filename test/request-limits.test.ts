import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import type { Database } from '../src/db/database.ts';
import { newRequestScope, outsideRequestScope, runInRequestScope } from '../src/db/request-scope.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const url = process.env.TEST_DATABASE_URL;
const postgres = storesUnderTest().find((s) => s.name === 'postgres');

/** Server backends running a statement that contains `marker`, as PostgreSQL itself reports them. */
async function running(marker: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      `select count(*)::int as n from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()`,
      [`%${marker}%`],
    );
    return r.rows[0].n;
  } finally {
    await client.end();
  }
}

/** Backends running a statement whose text is like `pattern`. */
async function activePids(pattern: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(
      `select pid from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()`,
      [pattern],
    );
    return r.rows.map((row) => row.pid as number);
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe.skipIf(!postgres)('database work of a request on PostgreSQL', () => {
  let database: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let key: string;

  beforeAll(async () => {
    database = await postgres!.open();
    key = (await workspaceWithKeys(database, 'limits')).keys.admin;
    app = await buildApp(database, { logger: false, statementTimeoutMs: 1_000 });
    // A route that is slow by construction, on the real app: its hooks are the real wiring.
    app.get('/api/v1/test-sleep', { config: { permission: 'public' } }, async (request) => {
      const seconds = Number((request.query as { s?: string }).s ?? 1);
      await sql`select pg_sleep(${seconds}) /* retain-sleep-marker */`.execute(database.db);
      return { slept: seconds };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('stops a request’s statement at the statement timeout with a 503, not a 500', async () => {
    const started = Date.now();
    const reply = await fetch(`${base}/api/v1/test-sleep?s=20`);
    expect(reply.status).toBe(503);
    expect((await reply.json()).message).toMatch(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await waitFor(async () => (await running('retain-sleep-marker')) === 0, 2_000)).toBe(true);
  });

  it('cancels the running statement on the server when the client goes away', async () => {
    const slow = await buildApp(database, { logger: false, statementTimeoutMs: 0 });
    slow.get('/api/v1/test-sleep', { config: { permission: 'public' } }, async () => {
      await sql`select pg_sleep(60) /* retain-abort-marker */`.execute(database.db);
      return {};
    });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = `http://127.0.0.1:${(slow.server.address() as AddressInfo).port}`;
      const abort = new AbortController();
      const pending = fetch(`${address}/api/v1/test-sleep`, { signal: abort.signal }).catch(() => 'aborted');
      expect(await waitFor(async () => (await running('retain-abort-marker')) === 1, 5_000)).toBe(true);
      abort.abort();
      expect(await pending).toBe('aborted');
      // Without the cancel the backend would sleep on for a minute after the client left.
      expect(await waitFor(async () => (await running('retain-abort-marker')) === 0, 3_000)).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('cancels a segment preview that is heavy by construction when its client goes away (it ran on for minutes)', async () => {
    const api = await startApi(database);
    try {
      const heavy = await workspaceWithKeys(database, 'heavy');
      const viewer = heavy.keys.viewer;
      const ws = heavy.workspace.id;
      const c = await sql<{
        id: number;
      }>`insert into customers (workspace_id) values (${ws}) returning id`.execute(database.db);
      // 200,000 events of one customer, none matching: every term of the condition scans them all.
      await sql`insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
        select ${ws}, ${c.rows[0]!.id}, 'view', now() - (g % 300) * interval '1 day', jsonb_build_object('k', 'v' || g), 'e' || g
        from generate_series(1, 200000) g`.execute(database.db);
      const terms = Array.from({ length: 199 }, (_v, i) => ({
        event: 'view',
        within_days: 36_500,
        properties: { k: `none-${i}` },
      }));
      const abort = new AbortController();
      const pending = fetch(`${api.base}/api/v1/segments/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ condition: { any: terms } }),
        signal: abort.signal,
      }).catch(() => 'aborted');
      let pids: number[] = [];
      expect(
        await waitFor(async () => {
          pids = await activePids('%e.properties ->>%');
          return pids.length > 0;
        }, 10_000),
      ).toBe(true);
      abort.abort();
      expect(await pending).toBe('aborted');
      const gone = async () =>
        (await activePids('%e.properties ->>%')).filter((p) => pids.includes(p)).length === 0;
      expect(await waitFor(gone, 10_000)).toBe(true);
      // The same request with a body is held to the statement timeout too (503, not minutes).
      const limited = await startApi(database, { statementTimeoutMs: 500 });
      try {
        const started = Date.now();
        const reply = await limited.call('POST', '/api/v1/segments/preview', {
          key: viewer,
          body: { condition: { any: terms } },
        });
        expect(reply.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await limited.close();
      }
    } finally {
      await api.close();
    }
  });

  it('gives a job a request starts (an upload’s import) no statement timeout, unlike the request itself', async () => {
    const scope = newRequestScope(300);
    const sleep = () => sql`select pg_sleep(0.6)`.execute(database.db);
    await expect(runInRequestScope(scope, sleep)).rejects.toMatchObject({ code: '57014' });
    const job = await runInRequestScope(scope, () => outsideRequestScope(sleep));
    expect(job.rows).toHaveLength(1);
  });

  it('leaves work outside requests (worker, CLI, import jobs) without a statement timeout', async () => {
    // After the 1 s requests above, the pool's connections must not keep their timeout.
    for (let i = 0; i < 3; i++)
      await fetch(`${base}/api/v1/customers`, { headers: { authorization: `Bearer ${key}` } });
    const result = await sql<{ ok: number }>`select 1 as ok from pg_sleep(1.5)`.execute(database.db);
    expect(result.rows[0]!.ok).toBe(1);
  });
});

describe.each(storesUnderTest())('request size limits ($name)', (store) => {
  let database: Database;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    database = await store.open();
    key = (await workspaceWithKeys(database, 'caps')).keys.viewer;
    api = await startApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('refuses a segment preview of 20,000 terms (it kept a backend busy for minutes) with a clear 400', async () => {
    const terms = Array.from({ length: 20_000 }, (_v, i) => ({ tag: `t${i}` }));
    const reply = await api.call('POST', '/api/v1/segments/preview', {
      key,
      body: { condition: { any: terms } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/more than 200 terms/);
    const fine = Array.from({ length: 200 }, (_v, i) => ({ tag: `t${i}` }));
    const ok = await api.call('POST', '/api/v1/segments/preview', {
      key,
      body: { condition: { any: [...fine.slice(1)] } },
    });
    expect(ok.status).toBe(200);
  });

  it('refuses conditions nested deeper than 10 and bodies nested deeper than 64 with 400 naming the field', async () => {
    let condition: unknown = { tag: 'x' };
    for (let i = 0; i < 11; i++) condition = { not: condition };
    const deep = await api.call('POST', '/api/v1/segments/preview', { key, body: { condition } });
    expect(deep.status).toBe(400);
    expect(deep.body.message).toMatch(/deeper than 10/);
    const nested = `{"condition":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const body = await api.call('POST', '/api/v1/segments/preview', {
      key,
      raw: nested,
      headers: { 'content-type': 'application/json' },
    });
    expect(body.status).toBe(400);
    expect(body.body.message).toBe('body: nested deeper than 64 levels');
  });
});
