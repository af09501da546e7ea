import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// What the dashboard needs of the API: list filters by RFM cell and tier, and the built app at /.
describe.each(storesUnderTest())('dashboard routes ($name)', (store) => {
  let database: Database;
  let api: Api;
  let key: string;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    key = (await workspaceWithKeys(database, 'shop')).keys.operator;
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('filters the customer list by an R×F cell and by tier', async () => {
    const items = Array.from({ length: 24 }, (_, i) => ({
      order_id: `O${i}`,
      customer_id: `C${i % 9}`,
      ordered_at: `2024-0${1 + (i % 6)}-${String(1 + ((i * 5) % 27)).padStart(2, '0')} 12:00:00`,
      amount: 1000 + i * 350,
    }));
    expect((await api.call('POST', '/api/v1/orders', { key, body: { items } })).status).toBe(200);
    for (const [id, tier] of [
      ['C1', 'gold'],
      ['C2', 'gold'],
      ['C3', 'silver'],
    ])
      await api.call('POST', '/api/v1/customers', { key, body: { external_id: id, member_tier: tier } });
    const all = (await api.call('GET', '/api/v1/customers?limit=500', { key })).body.items as {
      id: number;
    }[];
    const cells = new Map<string, number[]>();
    for (const c of all) {
      const rfm = (await api.call('GET', `/api/v1/rfm/customers/${c.id}`, { key })).body;
      const cell = `${rfm.r_score},${rfm.f_score}`;
      cells.set(cell, [...(cells.get(cell) ?? []), c.id]);
    }
    expect(cells.size).toBeGreaterThan(1);
    for (const [cell, ids] of cells) {
      const [r, f] = cell.split(',');
      const listed = await api.call('GET', `/api/v1/customers?r_score=${r}&f_score=${f}&limit=500`, {
        key,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((c: { id: number }) => c.id).sort()).toEqual([...ids].sort());
    }
    const gold = await api.call('GET', '/api/v1/customers?tier=gold', { key });
    expect(gold.body.items.map((c: { external_id: string }) => c.external_id).sort()).toEqual(['C1', 'C2']);
    expect((await api.call('GET', '/api/v1/customers?r_score=6', { key })).status).toBe(400);
  });

  it("lists a customer's coupons and referrals for the profile", async () => {
    const ids = (await api.call('GET', '/api/v1/customers?q=C1', { key })).body.items as { id: number }[];
    const c1 = ids[0]!.id;
    const template = await api.call('POST', '/api/v1/coupon-templates', {
      key,
      body: { name: '满100减10', kind: 'amount_off', amount_off: 1000, threshold: 10000 },
    });
    const issued = await api.call('POST', `/api/v1/coupon-templates/${template.body.id}/issue`, {
      key,
      body: { customer_ids: [c1] },
    });
    const coupons = await api.call('GET', `/api/v1/customers/${c1}/coupons`, { key });
    expect(coupons.status).toBe(200);
    expect(coupons.body).toHaveLength(1);
    expect(coupons.body[0]).toMatchObject({
      code: issued.body.codes[0].code,
      template: '满100减10',
      redeemed_at: null,
    });

    expect((await api.call('GET', `/api/v1/customers/${c1}/referrals`, { key })).body).toEqual({
      code: null,
      referred_by: null,
      referred: [],
    });
    // A GET reads without creating; the code is made by a POST.
    expect((await api.call('GET', `/api/v1/customers/${c1}/referral-code`, { key })).body).toEqual({
      code: null,
    });
    const code = (await api.call('POST', `/api/v1/customers/${c1}/referral-code`, { key })).body.code;
    expect((await api.call('GET', `/api/v1/customers/${c1}/referral-code`, { key })).body).toEqual({ code });
    const fresh = (await api.call('POST', '/api/v1/customers', { key, body: { external_id: 'NEW-1' } })).body
      .id;
    expect(
      (await api.call('POST', `/api/v1/customers/${fresh}/referral`, { key, body: { code } })).status,
    ).toBe(200);
    const mine = (await api.call('GET', `/api/v1/customers/${c1}/referrals`, { key })).body;
    expect(mine.code).toBe(code);
    expect(mine.referred.map((r: { referred_id: number }) => r.referred_id)).toEqual([fresh]);
    const theirs = (await api.call('GET', `/api/v1/customers/${fresh}/referrals`, { key })).body;
    expect(theirs.referred_by).toMatchObject({ referrer_id: c1, referred_id: fresh, converted_at: null });
    expect((await api.call('GET', '/api/v1/customers/999999/coupons', { key })).status).toBe(404);
  });

  it('serves the built dashboard at page addresses, its assets cached, and keeps API 404s as JSON', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'retain-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Retain</title>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    const app = await startServer(database, { port: 0, host: '127.0.0.1', dashboardDir: dist });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      for (const path of ['/', '/customers/12', '/rfm?x=1']) {
        const page = await fetch(`${base}${path}`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(page.headers.get('cache-control')).toBe('no-cache');
        expect(await page.text()).toContain('<title>Retain</title>');
      }
      const asset = await fetch(`${base}/assets/app-1.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      for (const [method, path] of [
        ['GET', '/api/v1/nope'],
        ['GET', '/api/nope'],
        ['GET', '/t/nope'],
        ['GET', '/assets/missing.js'],
        ['POST', '/customers'],
      ]) {
        const reply = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
        expect(reply.status, `${method} ${path}`).toBe(404);
        expect((await reply.json()).error).toBe('not_found');
      }
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
    // Without a build, / still answers with the JSON pointer to the API.
    expect((await api.call('GET', '/')).body.api).toBe('/api/v1');
  });
});
