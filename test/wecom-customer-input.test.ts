import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { WecomCustomerConfig } from '../src/channels/wecom-api.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { addKeysAt, BODY_MUTANTS, objectPaths, POLLUTING, pathsOf, replaceAt } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';
import { startWecomServer } from './wecom-server.ts';

const SECRET = 'wecom-Input-Secret-93b2d1';
let wecom: Awaited<ReturnType<typeof startWecomServer>>;

beforeAll(async () => {
  wecom = await startWecomServer({ wwinput: SECRET }, { zhangsan: [] });
});
afterAll(async () => {
  await wecom?.close();
  await dropTestSchemas();
});

/**
 * What an error about the value at `path` may name: its key, or for an object replaced by another
 * value, one of the keys it held.
 */
function fieldNames(value: unknown, path: (string | number)[]): string[] {
  let v = value;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  const inner = v && typeof v === 'object' ? Object.keys(v) : [];
  return [String(path.at(-1)), ...inner];
}

describe.each(storesUnderTest())('WeCom customer contact input ($name)', (store) => {
  let database: Database;
  let api: Api;
  let admin: string;
  let customerId: number;
  let userId: number;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    const made = await workspaceWithKeys(database, `wecom-input-${store.name}`);
    admin = made.keys.admin;
    const created = await api.call('POST', '/api/v1/customers', {
      key: admin,
      body: { external_id: 'F1', name: '测试' },
    });
    customerId = created.body.id;
    userId = (
      await createUser(database.db, made.workspace.id, cliActor(), {
        email: 'staff@shop.cn',
        password: 'long-enough-password',
        role: 'service',
      })
    ).user.id;
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('refuses every hostile value of the settings body with 400 naming the field, never a 500 nor the secret', async () => {
    const valid = {
      channel: 'wecom_customer',
      config: { api_base: `http://127.0.0.1:${wecom.port}`, corp_id: 'wwinput', pending_hours: 24 },
      secrets: { secret: SECRET },
    };
    const answers: string[] = [];
    {
      expect((await api.call('PUT', '/api/v1/channels', { key: admin, body: valid })).status).toBe(204);
      const cases: { label: string; body: unknown; fields: string[] }[] = [];
      for (const path of pathsOf(valid))
        for (const m of BODY_MUTANTS)
          cases.push({
            label: `${path.join('.')} ← ${m.label}`,
            body: replaceAt(valid, path, m.value),
            fields: fieldNames(valid, path),
          });
      for (const path of objectPaths(valid))
        for (const m of POLLUTING)
          cases.push({
            label: `${path.join('.') || 'body'} + ${m.label}`,
            body: addKeysAt(valid, path, m.value as object),
            fields: [],
          });
      for (const c of cases) {
        const r = await api.call('PUT', '/api/v1/channels', { key: admin, body: c.body });
        answers.push(r.text);
        if (r.status === 204) {
          // Accepted: then what is stored is a valid setting.
          const listed = await api.call('GET', '/api/v1/channels', { key: admin });
          const row = listed.body.find((x: { channel: string }) => x.channel === 'wecom_customer');
          expect([c.label, WecomCustomerConfig.safeParse(row.config).success]).toEqual([c.label, true]);
          continue;
        }
        expect([c.label, r.status]).toEqual([c.label, 400]);
        // The input guard refuses a too-deep body as a whole, before any field is read.
        const named = c.label.includes('deep nesting') ? ['body: nested deeper'] : c.fields;
        if (named.length)
          expect([c.label, named.some((f) => r.body.message.includes(f))]).toEqual([c.label, true]);
      }
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
      // A refused token is shown in WeCom's words, without the secret.
      await api.call('PUT', '/api/v1/channels', {
        key: admin,
        body: { ...valid, config: { ...valid.config, corp_id: 'wwunknown' } },
      });
      const test = await api.call('POST', '/api/v1/channels/wecom_customer/test', { key: admin, body: {} });
      expect(test.body).toEqual({ sent: false, error: 'WeCom token: 40013 invalid corpid' });
      answers.push(test.text, (await api.call('GET', '/api/v1/channels', { key: admin })).text);
    }
    expect(answers.join('\n')).not.toContain(SECRET);
  });

  it('checks the WeCom userid and external userid bodies, naming the field', async () => {
    const bad: unknown[] = [
      ...BODY_MUTANTS.map((m) => m.value),
      'has space',
      '张三',
      'a'.repeat(65),
      'x;drop',
    ];
    for (const value of bad) {
      const staff = await api.call('PUT', `/api/v1/users/${userId}/wecom`, {
        key: admin,
        body: { wecom_userid: value },
      });
      const customer = await api.call('PUT', `/api/v1/customers/${customerId}/wecom`, {
        key: admin,
        body: { external_userid: value },
      });
      // null clears; a text WeCom allows as an id is taken (WeCom's rule, written out here).
      const allowed = value === null || (typeof value === 'string' && /^[\w@.-]{1,64}$/.test(value));
      const ok = allowed ? 200 : 400;
      expect([value, staff.status, customer.status]).toEqual([value, ok, ok]);
      if (ok === 400) {
        const deep = Array.isArray(value) && value.length === 1;
        expect(staff.body.message).toContain(deep ? 'nested deeper' : 'wecom_userid');
        expect(customer.body.message).toContain(deep ? 'nested deeper' : 'external_userid');
      }
    }
    expect(
      (await api.call('PUT', '/api/v1/users/999999/wecom', { key: admin, body: { wecom_userid: 'a' } }))
        .status,
    ).toBe(404);
    const set = await api.call('PUT', `/api/v1/customers/${customerId}/wecom`, {
      key: admin,
      body: { external_userid: 'wmAbC-1' },
    });
    expect(set.body).toEqual({ customer_id: customerId, external_userid: 'wmAbC-1' });
    // Another customer may not take the same external userid.
    const other = await api.call('POST', '/api/v1/customers', { key: admin, body: { external_id: 'F2' } });
    const taken = await api.call('PUT', `/api/v1/customers/${other.body.id}/wecom`, {
      key: admin,
      body: { external_userid: 'wmAbC-1' },
    });
    expect([taken.status, taken.body.fields]).toEqual([
      400,
      [{ field: 'body.external_userid', message: 'belongs to another customer' }],
    ]);
  });
});
