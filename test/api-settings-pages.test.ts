import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, type Reply, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// The routes the dashboard's settings pages added: stores, products, editing a coupon template,
// renaming and creating workspaces, and the audit log filtered by who acted. Each refuses the
// roles it should, names the field of a bad body, and keeps to the caller's workspace.
describe.each(storesUnderTest())('settings pages over the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const fieldsOf = (reply: Reply) => (reply.body.fields ?? []).map((f: { field: string }) => f.field);

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, `pages-a-${store.name}`);
    b = await workspaceWithKeys(database, `pages-b-${store.name}`);
    api = await startApi(database, { trustProxy: true });
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('adds, lists and closes stores; only admins write; a bad body names its field; B sees none of A’s', async () => {
    const add = (key: string, body: unknown) => api.call('POST', '/api/v1/stores', { key, body });
    expect((await add(a.keys.operator, { code: 'HZ01', name: '杭州西湖店' })).status).toBe(403);
    const made = await add(a.keys.admin, { code: 'HZ01', name: '杭州西湖店', city: '杭州' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ code: 'HZ01', name: '杭州西湖店', city: '杭州', active: true });
    expect((await add(a.keys.admin, { code: 'HZ01', name: '又一家' })).status).toBe(409);
    const blank = await add(a.keys.admin, { code: '  ', name: '空白' });
    expect([blank.status, fieldsOf(blank)]).toEqual([400, ['body.code']]);
    const nul = await add(a.keys.admin, { code: 'X1', name: 'a\u0000b' });
    expect([nul.status, fieldsOf(nul)]).toEqual([400, ['body.name']]);
    await add(a.keys.admin, { code: 'SH01', name: '上海店' });

    const closed = await api.call('PATCH', '/api/v1/stores/HZ01', {
      key: a.keys.admin,
      body: { active: false },
    });
    expect(closed.body).toMatchObject({ code: 'HZ01', name: '杭州西湖店', active: false });
    expect(
      (await api.call('PATCH', '/api/v1/stores/HZ01', { key: a.keys.service, body: { active: true } }))
        .status,
    ).toBe(403);
    expect(
      (await api.call('PATCH', '/api/v1/stores/HZ01', { key: b.keys.admin, body: { active: true } })).status,
    ).toBe(404);
    const list = await api.call('GET', '/api/v1/stores', { key: a.keys.viewer });
    expect(list.body.map((s: { code: string; active: boolean }) => [s.code, s.active])).toEqual([
      ['SH01', true],
      ['HZ01', false],
    ]);
    expect((await api.call('GET', '/api/v1/stores', { key: b.keys.admin })).body).toEqual([]);
  });

  it('adds a product before its first sale, finds it by name, sets its repurchase days; only admins write', async () => {
    const add = (key: string, body: unknown) => api.call('POST', '/api/v1/products', { key, body });
    expect((await add(a.keys.operator, { sku: 'MILK-900G' })).status).toBe(403);
    expect(
      (await add(a.keys.admin, { sku: 'MILK-900G', name: '婴儿奶粉 900g', category: '奶粉' })).status,
    ).toBe(201);
    expect((await add(a.keys.admin, { sku: 'MILK-900G' })).status).toBe(409);
    expect((await add(a.keys.admin, { sku: 'TEA-1', name: '龙井 100% 明前' })).status).toBe(201);
    const bad = await api.call('PATCH', '/api/v1/products/MILK-900G', {
      key: a.keys.admin,
      body: { repurchase_days: 0 },
    });
    expect([bad.status, fieldsOf(bad)]).toEqual([400, ['body.repurchase_days']]);
    const set = await api.call('PATCH', '/api/v1/products/MILK-900G', {
      key: a.keys.admin,
      body: { repurchase_days: 25 },
    });
    expect(set.body).toEqual({
      sku: 'MILK-900G',
      name: '婴儿奶粉 900g',
      category: '奶粉',
      repurchase_days: 25,
    });
    const found = await api.call('GET', `/api/v1/products?q=${encodeURIComponent('奶粉')}`, {
      key: a.keys.viewer,
    });
    expect(found.body).toEqual({ items: [set.body], next_cursor: null });
    // A typed % is a percent sign, not a wildcard.
    const percent = await api.call('GET', '/api/v1/products?q=%25', { key: a.keys.viewer });
    expect(percent.body.items.map((p: { sku: string }) => p.sku)).toEqual(['TEA-1']);
    const first = await api.call('GET', '/api/v1/products?limit=1', { key: a.keys.viewer });
    expect(first.body).toMatchObject({ items: [{ sku: 'MILK-900G' }], next_cursor: '1' });
    expect(
      (await api.call('PATCH', '/api/v1/products/MILK-900G', { key: b.keys.admin, body: { name: 'x' } }))
        .status,
    ).toBe(404);
  });

  it('edits a coupon template’s limits and validity; kind and value stay; operators (loyalty.write) may, service may not', async () => {
    const made = await api.call('POST', '/api/v1/coupon-templates', {
      key: a.keys.admin,
      body: { name: '满200减30', kind: 'amount_off', amount_off: 3000, threshold: 20000, valid_days: 30 },
    });
    const path = `/api/v1/coupon-templates/${made.body.id}`;
    expect(
      (await api.call('PATCH', path, { key: a.keys.service, body: { per_customer_limit: 1 } })).status,
    ).toBe(403);
    const changed = await api.call('PATCH', path, {
      key: a.keys.operator,
      body: { per_customer_limit: 2, budget_count: 500, valid_from: '2026-01-01', valid_until: '2026-03-31' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      amount_off: 3000,
      threshold: 20000,
      per_customer_limit: 2,
      budget_count: 500,
      valid_days: null,
    });
    // Midnight in the workspace's zone (Asia/Shanghai, UTC+8); the last valid day ends at the next midnight.
    expect([changed.body.valid_from, changed.body.valid_until]).toEqual([
      '2025-12-31T16:00:00.000Z',
      '2026-03-31T16:00:00.000Z',
    ]);
    const both = await api.call('PATCH', path, {
      key: a.keys.admin,
      body: { valid_days: 7, valid_until: '2026-05-01' },
    });
    expect([both.status, fieldsOf(both)]).toEqual([400, ['body.valid_days']]);
    const kind = await api.call('PATCH', path, { key: a.keys.admin, body: { amount_off: 1 } });
    expect(kind.status).toBe(400);
    await api.call('POST', '/api/v1/coupon-templates', {
      key: a.keys.admin,
      body: { name: '另一张', kind: 'gift', gift_sku: 'TEA-1' },
    });
    expect((await api.call('PATCH', path, { key: a.keys.admin, body: { name: '另一张' } })).status).toBe(409);
    expect((await api.call('PATCH', path, { key: b.keys.admin, body: { name: 'x' } })).status).toBe(404);
  });

  it('renames the workspace (a taken name is a conflict), and a signed-in admin creates another and becomes its admin', async () => {
    const renamed = await api.call('PATCH', '/api/v1/workspace', {
      key: a.keys.admin,
      body: { name: `pages-a2-${store.name}` },
    });
    expect(renamed.body.name).toBe(`pages-a2-${store.name}`);
    const taken = await api.call('PATCH', '/api/v1/workspace', {
      key: a.keys.admin,
      body: { name: b.workspace.name },
    });
    expect(taken.status).toBe(409);
    expect(
      (await api.call('PATCH', '/api/v1/workspace', { key: a.keys.operator, body: { name: 'x' } })).status,
    ).toBe(403);

    // An API key is no one to make an admin of.
    const byKey = await api.call('POST', '/api/v1/workspaces', {
      key: a.keys.admin,
      body: { name: 'by-key' },
    });
    expect(byKey.status).toBe(403);
    await createUser(database.db, a.workspace.id, cliActor(), {
      email: `owner-${store.name}@shop.test`,
      password: 'a long password',
      role: 'admin',
    });
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: `owner-${store.name}@shop.test`, password: 'a long password' },
      headers: { 'x-forwarded-for': '10.9.0.1' },
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = login.body.csrf_token as string;
    const session = { cookie, headers: { 'x-csrf-token': csrf, 'x-forwarded-for': '10.9.0.1' } };
    const bad = await api.call('POST', '/api/v1/workspaces', {
      ...session,
      body: { name: 'outlet', timezone: 'Mars/Base' },
    });
    expect(bad.status).toBe(400);
    const made = await api.call('POST', '/api/v1/workspaces', {
      ...session,
      body: { name: `outlet-${store.name}`, timezone: 'Asia/Hong_Kong', currency: 'hkd' },
    });
    expect([made.status, made.body]).toEqual([
      201,
      { name: `outlet-${store.name}`, timezone: 'Asia/Hong_Kong', currency: 'HKD' },
    ]);
    const me = await api.call('GET', '/api/v1/auth/me', session);
    expect(me.body.workspaces).toContainEqual({ name: `outlet-${store.name}`, role: 'admin' });
    expect(
      (await api.call('POST', '/api/v1/workspaces', { ...session, body: { name: `outlet-${store.name}` } }))
        .status,
    ).toBe(409);
  });

  it('changes a member’s role; never one’s own, and never the last admin’s', async () => {
    const owner = `owner-${store.name}@shop.test`;
    const users = async () =>
      (await api.call('GET', '/api/v1/users', { key: a.keys.admin })).body as {
        id: number;
        email: string;
        role: string;
      }[];
    const ownerId = (await users()).find((u) => u.email === owner)!.id;
    const { user: staff } = await createUser(database.db, a.workspace.id, cliActor(), {
      email: `staff-${store.name}@shop.test`,
      password: 'a long password',
      role: 'operator',
    });
    const patch = (key: string, id: number, role: string) =>
      api.call('PATCH', `/api/v1/users/${id}`, { key, body: { role } });
    expect((await patch(a.keys.operator, staff.id, 'admin')).status).toBe(403);
    const bad = await patch(a.keys.admin, staff.id, 'owner');
    expect([bad.status, bad.body.fields?.[0]?.field]).toEqual([400, 'body.role']);
    // The owner is the only admin member: demoting them would leave the workspace without one.
    const last = await patch(a.keys.admin, ownerId, 'viewer');
    expect([last.status, last.body.message]).toEqual([409, 'role: the workspace needs at least one admin']);
    expect((await patch(a.keys.admin, staff.id, 'admin')).body.role).toBe('admin');

    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: owner, password: 'a long password' },
      headers: { 'x-forwarded-for': '10.9.0.2' },
    });
    const session = {
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      headers: { 'x-csrf-token': login.body.csrf_token as string, 'x-forwarded-for': '10.9.0.2' },
    };
    const own = await api.call('PATCH', `/api/v1/users/${ownerId}`, { ...session, body: { role: 'viewer' } });
    expect([own.status, own.body.message]).toEqual([
      409,
      'role: you cannot change your own role; another admin can',
    ]);
    expect((await patch(a.keys.admin, ownerId, 'operator')).body.role).toBe('operator');
    // The demoted owner's session now has the operator's rights: no more settings.
    const after = await api.call('PATCH', '/api/v1/workspace/settings', {
      ...session,
      body: { 'points.enabled': true },
    });
    expect(after.status).toBe(403);
    expect((await users()).map((u) => [u.email, u.role]).sort()).toEqual(
      [
        [owner, 'operator'],
        [`staff-${store.name}@shop.test`, 'admin'],
      ].sort(),
    );
  });

  it('filters the audit log by who acted and by action; entries stay in their workspace', async () => {
    const page = (query: string) =>
      api
        .call('GET', `/api/v1/audit?${query}`, { key: a.keys.admin })
        .then((r) => r.body.items as { action: string; actor_label: string }[]);
    const stores = await page('action=store.');
    expect(stores.map((e) => e.action)).toEqual(['store.change', 'store.create', 'store.create']);
    const label = (await page('action=coupon_template.change'))[0]!.actor_label;
    expect(label).toMatch(/^key:operator /);
    const byOperator = await page(`actor=${encodeURIComponent(label)}`);
    expect(byOperator.map((e) => e.action)).toEqual(['coupon_template.change']);
    // `_` is a literal underscore in the prefix, not a wildcard that would match the dot.
    expect(await page('action=store_')).toEqual([]);
    const theirs = await api.call('GET', '/api/v1/audit?action=store.', { key: b.keys.admin });
    expect(theirs.body.items).toEqual([]);
  });
});
