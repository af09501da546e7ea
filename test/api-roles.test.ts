import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { operations, ROUTE_PERMISSIONS } from './route-permissions.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('Roles as the README gives them ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let aCustomer: number;

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-roles');
    api = await startApi(database);
    aCustomer = (
      await api.call('POST', '/api/v1/customers', { key: a.keys.admin, body: { external_id: 'R-1' } })
    ).body.id;
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('declares for every route exactly the permission the README’s roles table gives it (service may not link referrals or merge)', async () => {
    const declared = Object.fromEntries(
      (await operations(api))
        .filter((o) => o.permission !== null)
        .map((o) => [`${o.method} ${o.path}`, o.permission]),
    );
    expect(declared).toEqual(ROUTE_PERMISSIONS);
  });

  it('refuses the service role a merge through POST /customers and a referral link, which pay out and move history', async () => {
    const key = a.keys.service;
    const one = await api.call('POST', '/api/v1/customers', {
      key,
      body: { external_id: 'SVC-1', phone: '13700000011' },
    });
    const two = await api.call('POST', '/api/v1/customers', {
      key,
      body: { external_id: 'SVC-2', phone: '13700000012' },
    });
    expect([one.status, two.status]).toEqual([200, 200]);
    // Service staff still update a profile by one of its identities.
    const update = await api.call('POST', '/api/v1/customers', {
      key,
      body: { external_id: 'SVC-1', city: '苏州' },
    });
    expect(update.body).toMatchObject({ id: one.body.id, created: false, merged: 0 });
    const merge = await api.call('POST', '/api/v1/customers', {
      key,
      body: { external_id: 'SVC-1', phone: '13700000012' },
    });
    expect(merge.status).toBe(403);
    expect(merge.body.message).toMatch(/data\.write/);
    // Nothing moved: both customers are still there.
    for (const id of [one.body.id, two.body.id])
      expect((await api.call('GET', `/api/v1/customers/${id}`, { key })).status).toBe(200);
    const link = await api.call('POST', `/api/v1/customers/${two.body.id}/referral`, {
      key,
      body: { code: 'ABCDEFGH' },
    });
    expect(link.status).toBe(403);
    // An operator may merge the same way.
    const merged = await api.call('POST', '/api/v1/customers', {
      key: a.keys.operator,
      body: { external_id: 'SVC-1', phone: '13700000012' },
    });
    expect(merged.body).toMatchObject({ id: one.body.id, merged: 1 });
  });

  it('creates no referral code on a GET (no GET writes); POST creates it', async () => {
    const path = `/api/v1/customers/${aCustomer}/referral-code`;
    expect((await api.call('GET', path, { key: a.keys.viewer })).body).toEqual({ code: null });
    const rows = () =>
      database.db.selectFrom('referral_codes').select('code').where('customer_id', '=', aCustomer).execute();
    expect(await rows()).toEqual([]);
    expect((await api.call('POST', path, { key: a.keys.service })).status).toBe(403);
    const made = await api.call('POST', path, { key: a.keys.operator });
    expect(made.body.code).toMatch(/^\w+$/);
    expect((await api.call('GET', path, { key: a.keys.viewer })).body).toEqual({ code: made.body.code });
  });
});
