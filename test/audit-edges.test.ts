import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-key-service.ts';
import type { Database } from '../src/db/database.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { type Api, startApi } from './api-harness.ts';
import { CliInProcess } from './cli-in-process.ts';
import { startHttpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Issue 20: an action audits inside its service, so the API and the CLI write the same row.
const SECRET = 'hook-s3cret-value';

/** The audit rows of workspace `shop`, oldest first, with ids of created objects named instead. */
async function auditOf(db: Database['db']) {
  const ws = await db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', 'shop')
    .executeTakeFirstOrThrow();
  const keys = await db.selectFrom('api_keys').select(['id', 'name']).execute();
  const coupons = await db.selectFrom('coupon_templates').select(['id', 'name']).execute();
  const rows = await db
    .selectFrom('audit_log')
    .select(['action', 'object_type', 'object_id', 'detail', 'actor_kind'])
    .where('workspace_id', '=', ws.id)
    .orderBy('id')
    .execute();
  return rows.map(({ actor_kind, ...r }) => ({
    ...r,
    object_id:
      r.object_type === 'api_key'
        ? `key:${keys.find((k) => String(k.id) === r.object_id)?.name}`
        : r.object_type === 'coupon_template'
          ? `coupon:${coupons.find((c) => String(c.id) === r.object_id)?.name}`
          : r.object_type === 'workspace' && r.object_id === String(ws.id)
            ? 'shop'
            : r.object_id,
    actor_kind,
  }));
}

const TEMPLATE = {
  name: '发货提醒',
  channel: 'webhook',
  purpose: 'transactional',
  body: { 'zh-CN': '{{ name }}，您的包裹已发出' },
};

describe.each(storesUnderTest())('audited services, API and CLI alike ($name)', (store) => {
  let database: Database;
  let api: Api;
  let admin: string;
  let cli: CliInProcess;
  let hook: Awaited<ReturnType<typeof startHttpSink>>;
  const dir = mkdtempSync(join(tmpdir(), 'retain-audit-edges-'));
  const hookUrl = () => `http://127.0.0.1:${hook.port}/hook`;

  /** `retain -w shop …` on the CLI's own store, run in this process (test/cli-in-process.ts). */
  const retain = (args: string[], env: Record<string, string> = {}) =>
    cli.run(['-w', 'shop', ...args], { env });

  beforeAll(async () => {
    hook = await startHttpSink();
    database = await store.open();
    const ws = await createWorkspace(database.db, { name: 'shop' });
    admin = (await createApiKey(database.db, ws.id, { name: 'admin', role: 'admin' })).key;
    api = await startApi(database);
    // A second store of the same kind: the CLI's.
    cli = CliInProcess.around(await store.open());
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
    await hook?.close();
    await cli?.close();
    await dropTestSchemas();
  });

  it('writes the same audit row for each action from both edges, and none for a refused one', async () => {
    const call = (method: string, path: string, body: unknown) =>
      api.call(method, `/api/v1${path}`, { key: admin, body });
    const templateFile = join(dir, 'template.json');
    writeFileSync(templateFile, JSON.stringify(TEMPLATE));
    const badTemplate = join(dir, 'bad.json');
    writeFileSync(badTemplate, JSON.stringify({ ...TEMPLATE, name: '坏', body: { 'zh-CN': '{% if %}' } }));

    const api204 = await call('PUT', '/channels', {
      channel: 'webhook',
      config: { url: hookUrl() },
      secrets: { secret: SECRET },
    });
    expect(api204.status).toBe(204);
    expect(
      (
        await retain(['channels', 'set', 'webhook', '--url', hookUrl(), '--secret-env', 'HOOK'], {
          HOOK: SECRET,
        })
      ).code,
    ).toBe(0);
    expect((await call('POST', '/channels/webhook/test', {})).body).toMatchObject({ sent: true });
    expect((await retain(['channels', 'test', 'webhook'])).code).toBe(0);
    expect(hook.requests).toHaveLength(2);
    expect((await call('PUT', '/templates', TEMPLATE)).status).toBe(200);
    expect((await retain(['templates', 'apply', templateFile])).code).toBe(0);
    expect((await call('POST', '/api-keys', { name: 'pos', role: 'operator' })).status).toBe(201);
    expect((await retain(['apikeys', 'create', '--role', 'operator', '--name', 'pos'])).code).toBe(0);
    expect((await call('PATCH', '/workspace/settings', { 'points.enabled': true })).status).toBe(200);
    expect((await retain(['workspace', 'settings', '--set', 'points.enabled=true'])).code).toBe(0);
    expect((await call('PATCH', '/workspace', { timezone: 'Europe/Berlin' })).status).toBe(200);
    expect((await retain(['workspace', 'change', '--timezone', 'Europe/Berlin'])).code).toBe(0);
    const coupon = { name: '满100减10', kind: 'amount_off', amount_off: 1000, threshold: 10000 };
    expect((await call('POST', '/coupon-templates', coupon)).status).toBe(201);
    const cliCoupon = ['--kind', 'amount_off', '--amount-off', '10', '--threshold', '100'];
    expect((await retain(['coupons', 'create-template', '满100减10', ...cliCoupon])).code).toBe(0);
    expect((await call('POST', '/points/expire', { as_of: '2026-01-01' })).status).toBe(200);
    expect((await retain(['points', 'expire', '--as-of', '2026-01-01'])).code).toBe(0);

    // Refused: settings that are not a URL, a template whose Liquid does not parse.
    expect(
      (await call('PUT', '/channels', { channel: 'webhook', config: { url: 'not a url' } })).status,
    ).toBe(400);
    expect((await retain(['channels', 'set', 'webhook', '--url', 'not a url'])).code).not.toBe(0);
    expect(
      (await call('PUT', '/templates', { ...TEMPLATE, name: '坏', body: { 'zh-CN': '{% if %}' } })).status,
    ).toBe(400);
    expect((await retain(['templates', 'apply', badTemplate])).code).not.toBe(0);

    const expected = [
      { action: 'channel.set', object_type: 'channel', object_id: 'webhook', detail: {} },
      { action: 'channel.test', object_type: 'channel', object_id: 'webhook', detail: { sent: true } },
      {
        action: 'template.apply',
        object_type: 'template',
        object_id: '发货提醒',
        detail: { names: ['发货提醒'] },
      },
      {
        action: 'api_key.create',
        object_type: 'api_key',
        object_id: 'key:pos',
        detail: { role: 'operator', name: 'pos' },
      },
      {
        action: 'workspace.settings',
        object_type: 'workspace',
        object_id: 'shop',
        detail: { set: ['points.enabled'] },
      },
      {
        action: 'workspace.change',
        object_type: 'workspace',
        object_id: 'shop',
        detail: { timezone: 'Europe/Berlin' },
      },
      {
        action: 'coupon_template.create',
        object_type: 'coupon_template',
        object_id: 'coupon:满100减10',
        detail: { name: '满100减10', kind: 'amount_off' },
      },
      {
        action: 'points.expire',
        object_type: 'workspace',
        object_id: 'shop',
        detail: { as_of: '2026-01-01', customers: 0, points: 0 },
      },
    ];
    const fromApi = await auditOf(database.db);
    expect(fromApi).toEqual(expected.map((e) => ({ ...e, actor_kind: 'api_key' })));
    expect(await auditOf(cli.store.db)).toEqual(expected.map((e) => ({ ...e, actor_kind: 'cli' })));
    // The refused changes changed nothing on either side.
    for (const db of [database.db, cli.store.db]) {
      const channel = await db.selectFrom('channel_configs').select('config').executeTakeFirstOrThrow();
      expect(channel.config).toEqual({ url: hookUrl() });
      const names = await db.selectFrom('message_templates').select('name').execute();
      expect(names.map((n) => n.name)).toEqual(['发货提醒']);
      const audit = await db.selectFrom('audit_log').selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain(SECRET);
    }
  });
});
