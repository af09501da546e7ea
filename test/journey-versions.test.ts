import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Drafts and versions through the API: a draft does not change the running journey, a publish
// shows its backtest first and needs its digest, entries keep the version they entered on, and a
// test run renders a customer's messages without writing anything.
const T0 = Date.parse('2026-03-02T09:30:00+08:00');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const NAME = '到店回访';

/** Version 1: a day's wait, then 提醒A. */
const V1 = {
  name: NAME,
  trigger: { event: 'visit' },
  start: 'wait',
  steps: {
    wait: { type: 'wait', duration: '1d', next: 'send_a' },
    send_a: { type: 'send', templates: ['提醒A'], next: 'done' },
    done: { type: 'exit' },
  },
};
/** Version 2: other step names (v1's do not exist in it), two days' wait, then 提醒B. */
const V2 = {
  name: NAME,
  trigger: { event: 'visit' },
  start: 'pause',
  steps: {
    pause: { type: 'wait', duration: '2d', next: 'send_b' },
    send_b: { type: 'send', templates: ['提醒B'], next: 'end' },
    end: { type: 'exit' },
  },
};

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('journey drafts and versions ($name)', (store) => {
  let database: Database;
  let api: Api;
  let key: string;
  let ws: Awaited<ReturnType<typeof workspaceWithKeys>>['workspace'];
  const ids: Record<string, number> = {};
  const path = `/api/v1/journeys/${encodeURIComponent(NAME)}`;
  const call = (method: string, suffix: string, body?: unknown) =>
    api.call(method, `${path}${suffix}`, { key, body });
  const visit = async (who: string[], minutes: number) => {
    setClock(at(minutes));
    const items = who.map((c) => ({ customer_id: c, type: 'visit', occurred_at: at(minutes).toISOString() }));
    expect((await api.call('POST', '/api/v1/events', { key, body: { items } })).status).toBe(200);
  };
  const pass = async (minutes: number) => {
    setClock(at(minutes));
    await runOnce(database.db, [ws.name]);
  };
  /** Entries by customer: the version each runs on and the step it is at. */
  const entries = async () => {
    const rows = await database.db
      .selectFrom('journey_entries')
      .select(['customer_id', 'version', 'step', 'state'])
      .where('workspace_id', '=', ws.id)
      .execute();
    const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return Object.fromEntries(rows.map((r) => [byId[r.customer_id]!, `v${r.version} ${r.step} ${r.state}`]));
  };
  /** The template each customer was messaged with. */
  const sent = async () => {
    const rows = await database.db
      .selectFrom('messages')
      .select(['customer_id', 'template'])
      .where('workspace_id', '=', ws.id)
      .execute();
    const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return rows.map((r) => `${byId[r.customer_id]} ${r.template}`).sort();
  };

  beforeAll(async () => {
    database = await store.open();
    setClock(at(-60));
    const w = await workspaceWithKeys(database, `versions-${store.name}`);
    ws = w.workspace;
    key = w.keys.admin;
    api = await startApi(database);
    await importText(
      database,
      ws,
      'customers',
      `customer_id,name,email\n${['N1', 'N2', 'N3']
        .map((p) => `${p},客户${p},${p.toLowerCase()}-${store.name}@example.com`)
        .join('\n')}\n`,
    );
    Object.assign(ids, await customerIds(database.db, ws.id));
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    await saveTemplates(database.db, ws.id, [
      {
        name: '提醒A',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': 'A {{ name }}' },
        body: { 'zh-CN': '{{ name }}您好，这是第一版' },
      },
      {
        name: '提醒B',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': 'B {{ name }}' },
        body: { 'zh-CN': '{{ name }}您好，这是第二版' },
      },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('keeps running the published version while a draft is edited, and entries keep their version after a publish', async () => {
    setClock(at(0));
    const applied = await api.call('PUT', '/api/v1/journeys', { key, body: V1 });
    expect(applied.body).toMatchObject({ name: NAME, created: true, version: 1 });
    await visit(['N1'], 1);
    await pass(2);
    expect(await entries()).toEqual({ N1: 'v1 wait waiting' });

    // A draft: the published definition and version stay; new entries still enter on version 1.
    const saved = await api.call('PUT', '/api/v1/journeys/draft', { key, body: V2 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: NAME, version: 1, created: false });
    const detail = (await call('GET', '')).body;
    expect(detail.version).toBe(1);
    expect(detail.definition).toMatchObject(V1);
    expect(detail.draft).toMatchObject(V2);
    expect((await api.call('GET', '/api/v1/journeys', { key })).body[0]).toMatchObject({
      version: 1,
      has_draft: true,
      status: 'active',
    });
    await visit(['N2'], 10);
    await pass(11);
    expect(await entries()).toEqual({ N1: 'v1 wait waiting', N2: 'v1 wait waiting' });

    // Publishing shows the draft's backtest first: two visits in the last 30 days, two entries.
    const preview = await call('POST', '/publish/preview');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ published_version: 1, next_version: 2 });
    expect(preview.body.backtest).toMatchObject({ triggered: 2, entered: 2, capped: 0 });
    expect(preview.body.backtest.steps.map((s: { step: string }) => s.step).sort()).toEqual([
      'end',
      'pause',
      'send_b',
    ]);
    // Without the confirmation, or for another draft, nothing is published.
    const unconfirmed = await call('POST', '/publish', {
      draft_digest: preview.body.draft_digest,
      confirm: false,
    });
    expect([unconfirmed.status, unconfirmed.body.message]).toEqual([400, expect.stringMatching(/confirm/)]);
    const stale = await call('POST', '/publish', { draft_digest: '0'.repeat(32), confirm: true });
    expect([stale.status, stale.body.message]).toEqual([409, expect.stringMatching(/preview it again/)]);
    expect((await call('GET', '')).body.version).toBe(1);

    const published = await call('POST', '/publish', {
      draft_digest: preview.body.draft_digest,
      confirm: true,
    });
    expect(published.body).toEqual({ name: NAME, version: 2 });
    const after = (await call('GET', '')).body;
    expect(after).toMatchObject({ version: 2, draft: null, definition: V2 });
    await visit(['N3'], 20);
    await pass(21);
    expect(await entries()).toEqual({
      N1: 'v1 wait waiting',
      N2: 'v1 wait waiting',
      N3: 'v2 pause waiting',
    });
    // The step N3 waits at counts N3 as having reached it, before any entry has left it.
    const steps = (await call('GET', '')).body.report.steps as { step: string }[];
    expect(steps.find((s) => s.step === 'pause')).toMatchObject({ reached: 1, now_at: 1, outcomes: {} });
    expect((await call('GET', '/versions')).body).toEqual([
      expect.objectContaining({ version: 2, current: true, in_progress: 1, steps: 3 }),
      expect.objectContaining({ version: 1, current: false, in_progress: 2, steps: 3 }),
    ]);

    // A day on, the version-1 entries take version 1's steps (its step names are gone from v2).
    await pass(24 * 60 + 15);
    expect(await sent()).toEqual(['N1 提醒A', 'N2 提醒A']);
    expect(await entries()).toEqual({
      N1: 'v1 done completed',
      N2: 'v1 done completed',
      N3: 'v2 pause waiting',
    });
    await pass(2 * 24 * 60 + 30);
    expect(await sent()).toEqual(['N1 提醒A', 'N2 提醒A', 'N3 提醒B']);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .where('action', 'like', 'journey.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['journey.apply', 'journey.draft_save', 'journey.publish']);
  });

  it('test-runs a customer through the draft or the published version, rendering each message and writing nothing', async () => {
    const draft = {
      ...V2,
      start: 'check',
      steps: {
        // biome-ignore lint/suspicious/noThenProperty: a journey branch reads if/then/else; plain data
        check: { type: 'branch', if: { tag: '常客' }, then: 'send_a', else: 'send_b' },
        send_a: { type: 'send', templates: ['提醒A'], next: 'end' },
        send_b: { type: 'send', templates: ['提醒B'], next: 'end' },
        end: { type: 'exit' },
      },
    };
    expect((await api.call('PUT', '/api/v1/journeys/draft', { key, body: draft })).status).toBe(200);
    const count = async (table: string) =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from ${sql.table(table)} where workspace_id = ${ws.id}`.execute(
            database.db,
          )
        ).rows[0]!.n,
      );
    const tables = [
      'messages',
      'journey_entries',
      'journey_steps',
      'tags',
      'tag_history',
      'coupons',
      'audit_log',
    ];
    const before = await Promise.all(tables.map(count));
    setClock(at(3 * 24 * 60));
    const run = await call('POST', '/test-run', { customer_id: ids.N2, source: 'draft' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ source: 'draft', version: null, ended: 'completed' });
    expect(run.body.path.map((p: { step: string; outcome: string }) => `${p.step} ${p.outcome}`)).toEqual([
      'check not_matched',
      'send_b would_send',
      'end exit',
    ]);
    expect(run.body.path[1].message).toMatchObject({
      template: '提醒B',
      channel: 'email',
      decision: 'send',
      subject: 'B 客户N2',
      body: '客户N2您好，这是第二版',
    });
    const live = await call('POST', '/test-run', { customer_id: ids.N1 });
    expect(live.body.version).toBe(2);
    expect(live.body.path.map((p: { step: string }) => p.step)).toEqual(['pause', 'send_b', 'end']);
    // The second step is reached after the two days' wait.
    expect(Date.parse(live.body.path[1].at) - Date.parse(live.body.path[0].at)).toBe(2 * 86_400_000);
    expect(await Promise.all(tables.map(count))).toEqual(before);

    // Discarding the draft leaves the published version as it was.
    expect((await call('DELETE', '/draft')).status).toBe(204);
    const detail = (await call('GET', '')).body;
    expect(detail).toMatchObject({ version: 2, draft: null, definition: V2 });
    const none = await call('POST', '/test-run', { customer_id: ids.N1, source: 'draft' });
    expect([none.status, none.body.message]).toEqual([409, expect.stringMatching(/no draft/)]);
  });

  it('saves a new journey as a draft only: it runs nothing until published, and discarding removes it', async () => {
    const fresh = { ...V1, name: '草稿旅程', trigger: { event: 'visit' } };
    const draftPath = `/api/v1/journeys/${encodeURIComponent('草稿旅程')}`;
    const saved = await api.call('PUT', '/api/v1/journeys/draft', { key, body: fresh });
    expect(saved.body).toMatchObject({ created: true, version: 0 });
    const row = (await api.call('GET', '/api/v1/journeys', { key })).body.find(
      (j: { name: string }) => j.name === '草稿旅程',
    );
    expect(row).toMatchObject({ status: 'draft', version: 0, has_draft: true });
    const pause = await api.call('POST', `${draftPath}/pause`, { key });
    expect(pause.status).toBe(409);
    await visit(['N1'], 4 * 24 * 60);
    await pass(4 * 24 * 60 + 1);
    const inDraft = await database.db
      .selectFrom('journey_entries as je')
      // Joined on the workspace too: Citus joins distributed tables only on their distribution column.
      .innerJoin('journeys as j', (join) =>
        join.onRef('j.workspace_id', '=', 'je.workspace_id').onRef('j.id', '=', 'je.journey_id'),
      )
      .select('je.id')
      .where('j.name', '=', '草稿旅程')
      .execute();
    expect(inDraft).toEqual([]);
    expect((await api.call('DELETE', `${draftPath}/draft`, { key })).status).toBe(204);
    expect((await api.call('GET', draftPath, { key })).status).toBe(404);
  });

  it('names the field of a bad draft, publish or test-run body', async () => {
    const noNext = { ...V2, steps: { ...V2.steps, pause: { type: 'wait', duration: '2d' } } };
    const bad = await api.call('PUT', '/api/v1/journeys/draft', { key, body: noNext });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(/steps\.pause\.next/)]);
    const reentry = await api.call('PUT', '/api/v1/journeys/draft', {
      key,
      body: { ...V2, reentry: 'sometimes' },
    });
    expect([reentry.status, reentry.body.message]).toEqual([400, expect.stringMatching(/reentry/)]);
    const unknown = await api.call('PUT', '/api/v1/journeys/draft', {
      key,
      body: {
        ...V2,
        steps: { ...V2.steps, send_b: { type: 'send', templates: ['没有这个'], next: 'end' } },
      },
    });
    expect([unknown.status, unknown.body.message]).toEqual([
      400,
      expect.stringMatching(/steps\.send_b\.templates\.0/),
    ]);
    const digest = await call('POST', '/publish', { draft_digest: 'x', confirm: true });
    expect([digest.status, digest.text]).toEqual([400, expect.stringMatching(/draft_digest/)]);
    const who = await call('POST', '/test-run', { customer_id: 'N1' });
    expect([who.status, who.text]).toEqual([400, expect.stringMatching(/customer_id/)]);
    const nobody = await call('POST', '/test-run', { customer_id: 999_999 });
    expect([nobody.status, nobody.text]).toEqual([404, expect.stringMatching(/customer_id/)]);
    const noDraft = await call('POST', '/publish/preview');
    expect(noDraft.status).toBe(409);
    // Nothing of that changed the journey.
    expect((await call('GET', '')).body).toMatchObject({ version: 2, draft: null, definition: V2 });
  });
});
