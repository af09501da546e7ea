import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/access/roles.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { operations } from './route-permissions.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// Written from the role descriptions, not from the code: admin everything; operator data,
// segments, journeys, coupons and exports; service profiles; viewer read. Staff tasks (issue 14):
// the service role works them, and so do operators and admins.
const ALLOWED: Record<Role, readonly string[]> = {
  admin: [
    'read',
    'pii',
    'customers.write',
    'data.write',
    'segments.write',
    'loyalty.write',
    'messaging.write',
    'tasks.write',
    'export',
    'erase',
    'admin',
  ],
  operator: [
    'read',
    'customers.write',
    'data.write',
    'segments.write',
    'loyalty.write',
    'messaging.write',
    'tasks.write',
    'export',
  ],
  service: ['read', 'pii', 'customers.write', 'tasks.write'],
  viewer: ['read'],
};

const fill = (path: string, values: Record<string, string | number>) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`no test value for path parameter {${name}} in ${path}`);
    return encodeURIComponent(String(values[name]));
  });

const CSV =
  'order_id,customer_id,ordered_at,amount,status\nB-F1,B-1,2024-05-02 10:00:00,99.00,paid\nbad,B-1,not a date,1,paid\n';

async function upload(api: Api, key: string, csv: string, kind = 'orders') {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'orders.csv');
  return api.call('POST', `/api/v1/imports?kind=${kind}`, { key, raw: form });
}

async function waitForImport(api: Api, key: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = await api.call('GET', `/api/v1/imports/${id}`, { key });
    if (job.body.status !== 'running') return job.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

describe.each(storesUnderTest())('API security ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const bObjects: Record<string, string | number> = {};
  let aCustomer: number;

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    b = await workspaceWithKeys(database, 'shop-b');
    api = await startApi(database);
    const admin = b.keys.admin;
    const customer = await api.call('POST', '/api/v1/customers', {
      key: admin,
      body: {
        external_id: 'B-1',
        phone: '13912345678',
        email: 'b.buyer@example.com',
        name: '王小二',
        tags: ['vip'],
      },
    });
    expect(customer.status).toBe(200);
    bObjects.customerId = customer.body.id;
    bObjects.tag = 'vip';
    const orders = await api.call('POST', '/api/v1/orders', {
      key: admin,
      body: {
        items: [
          {
            order_id: 'B-O1',
            customer_id: 'B-1',
            ordered_at: '2024-05-01T10:00:00+08:00',
            amount: 12900,
            status: 'paid',
          },
        ],
      },
    });
    expect(orders.body.accepted).toBe(1);
    bObjects.orderId = 'B-O1';
    // A repeat purchase and a second buyer, so B's predictions can be fitted and stored.
    const more = await api.call('POST', '/api/v1/orders', {
      key: admin,
      body: {
        items: [
          {
            order_id: 'B-O2',
            customer_id: 'B-1',
            ordered_at: '2024-06-01T10:00:00+08:00',
            amount: 9900,
            status: 'paid',
          },
          {
            order_id: 'B-O3',
            customer_id: 'B-3',
            ordered_at: '2024-05-20T10:00:00+08:00',
            amount: 5000,
            status: 'paid',
          },
        ],
      },
    });
    expect(more.body.accepted).toBe(2);
    const refreshed = await api.call('POST', '/api/v1/predict/refresh', {
      key: admin,
      body: { as_of: '2024-07-01' },
    });
    expect(refreshed.status).toBe(200);
    expect(
      (
        await api.call('POST', '/api/v1/segments', {
          key: admin,
          body: { name: 'b-seg', condition: { tag: 'vip' } },
        })
      ).status,
    ).toBe(201);
    bObjects.name = 'b-seg';
    const task = await api.call('POST', '/api/v1/tasks', {
      key: admin,
      body: { customer_id: customer.body.id, kind: 'callback', title: 'B 回访' },
    });
    expect(task.status).toBe(200);
    bObjects.taskId = task.body.id;
    const survey = await api.call('POST', '/api/v1/surveys', {
      key: admin,
      body: { name: 'B 调查', kind: 'csat', title: { 'zh-CN': '满意吗' } },
    });
    expect(survey.status).toBe(201);
    bObjects.surveyId = survey.body.id;
    const bTemplate = { name: 'b-tpl', channel: 'webhook', purpose: 'marketing', body: { 'zh-CN': '你好' } };
    expect((await api.call('PUT', '/api/v1/templates', { key: admin, body: bTemplate })).status).toBe(200);
    const broadcast = await api.call('POST', '/api/v1/broadcasts', {
      key: admin,
      body: { name: 'B 群发', audience: { segment: 'b-seg' }, templates: ['b-tpl'] },
    });
    expect(broadcast.status).toBe(201);
    bObjects.broadcastId = broadcast.body.id;
    const note = await api.call('POST', `/api/v1/customers/${customer.body.id}/notes`, {
      key: admin,
      body: { type: 'ticket', summary: 'B 工单' },
    });
    expect(note.status).toBe(200);
    bObjects.noteId = note.body.id;
    const invited = await api.call('POST', '/api/v1/invitations', {
      key: admin,
      body: { email: 'b-admin@example.com', role: 'admin' },
    });
    expect(invited.status).toBe(201);
    const user = await api.call('POST', '/api/v1/invitations/accept', {
      body: { token: invited.body.token, password: 'a long password' },
    });
    expect(user.status).toBe(200);
    bObjects.userId = Number(user.body.user.id);
    const pending = await api.call('POST', '/api/v1/invitations', {
      key: admin,
      body: { email: 'b-pending@example.com', role: 'viewer' },
    });
    bObjects.invitationId = pending.body.id;
    const key = await api.call('POST', '/api/v1/api-keys', {
      key: admin,
      body: { name: 'b-pos', role: 'viewer' },
    });
    bObjects.keyId = key.body.id;
    bObjects.bViewerKey = key.body.key;
    const template = await api.call('POST', '/api/v1/coupon-templates', {
      key: admin,
      body: { name: '满150减30', kind: 'amount_off', amount_off: 3000, threshold: 15000 },
    });
    bObjects.templateId = template.body.id;
    const issued = await api.call('POST', `/api/v1/coupon-templates/${template.body.id}/issue`, {
      key: admin,
      body: { customer_ids: [customer.body.id] },
    });
    bObjects.code = issued.body.codes[0].code;
    for (const [path, body] of [
      ['/api/v1/stores', { code: 'B-STORE', name: 'B 店' }],
      ['/api/v1/products', { sku: 'B-SKU', name: 'B 商品' }],
    ] as const)
      expect((await api.call('POST', path, { key: admin, body })).status).toBe(201);
    bObjects.storeCode = 'B-STORE';
    bObjects.sku = 'B-SKU';
    const journey = await api.call('PUT', '/api/v1/journeys', {
      key: admin,
      body: {
        name: 'b-journey',
        trigger: { event: 'quiz_done' },
        start: 'tag',
        steps: { tag: { type: 'tag', add: ['quiz'], next: 'done' }, done: { type: 'exit' } },
      },
    });
    expect(journey.status).toBe(200);
    bObjects.journey = 'b-journey';
    // A channel only B has: A's test send on it finds nothing to send with.
    const channel = await api.call('PUT', '/api/v1/channels', {
      key: admin,
      body: { channel: 'webhook', config: { url: 'http://127.0.0.1:9/b-hook' }, secrets: { secret: 'b' } },
    });
    expect(channel.status).toBe(204);
    bObjects.channel = 'webhook';
    const job = await upload(api, admin, CSV);
    expect(job.status).toBe(202);
    await waitForImport(api, admin, job.body.id);
    bObjects.importId = job.body.id;
    const mine = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'A-1', phone: '13700000001' },
    });
    aCustomer = mine.body.id;
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('documents every API route in the OpenAPI document with the permission it needs', async () => {
    const ops = await operations(api);
    expect(ops.length).toBeGreaterThan(30);
    const open = ['/api/v1/auth/login', '/api/v1/invitations/accept'];
    const undocumented = ops.filter((o) => o.permission === null && !open.includes(o.path));
    expect(undocumented).toEqual([]);
    expect((await api.call('GET', '/api/docs')).status).toBeLessThan(400);
  });

  it('gives each role 403 on exactly the routes its role may not use', async () => {
    const nowhere = {
      customerId: 999999999,
      orderId: 'none',
      name: 'none',
      userId: 999999,
      keyId: 999999,
      invitationId: 999999,
      importId: randomUUID(),
      tag: 'none',
      templateId: 999999,
      code: 'none',
      storeCode: 'none',
      sku: 'none',
      journey: 'none',
      channel: 'email',
      taskId: 999999,
      surveyId: 999999,
      noteId: 999999,
      broadcastId: 999999,
    };
    const wrong: string[] = [];
    for (const op of await operations(api)) {
      if (op.permission === null) continue;
      for (const role of ['admin', 'operator', 'service', 'viewer'] as const) {
        const reply = await api.call(op.method, fill(op.path, nowhere), { key: a.keys[role] });
        const allowed = ALLOWED[role].includes(op.permission);
        if ((reply.status === 403) === allowed)
          wrong.push(`${role} ${op.method} ${op.path} → ${reply.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 404 to workspace A for every object of workspace B, and B itself still finds them', async () => {
    const samples: Record<string, unknown> = {
      'PATCH /api/v1/customers/{customerId}': { city: '杭州' },
      'POST /api/v1/customers/{customerId}/tags': { tag: 'stolen' },
      'POST /api/v1/customers/{customerId}/merge': { other_id: aCustomer },
      'POST /api/v1/coupon-templates/{templateId}/issue': { customer_ids: [aCustomer] },
      'POST /api/v1/customers/{customerId}/points': {
        kind: 'adjust',
        points: 5,
        reason: 'x',
        idempotency_key: 'k',
      },
      'POST /api/v1/customers/{customerId}/referral': { code: 'ABCDEFGH' },
      'POST /api/v1/customers/{customerId}/referral-code': {},
      'POST /api/v1/templates/{name}/preview': { customer_id: aCustomer },
      'POST /api/v1/channels/{channel}/test': {},
      'PATCH /api/v1/tasks/{taskId}': { status: 'cancelled' },
      'PATCH /api/v1/users/{userId}': { stores: ['stolen'] },
      'PATCH /api/v1/coupon-templates/{templateId}': { name: 'stolen' },
      'PATCH /api/v1/stores/{storeCode}': { name: 'stolen' },
      'PATCH /api/v1/products/{sku}': { name: 'stolen' },
      'POST /api/v1/customers/{customerId}/notes': { summary: 'stolen' },
      'PATCH /api/v1/surveys/{surveyId}': { status: 'archived' },
      'POST /api/v1/broadcasts/{broadcastId}/test': { to: ['a@example.com'] },
      'PUT /api/v1/users/{userId}/wecom': { wecom_userid: 'stolen' },
      'PUT /api/v1/customers/{customerId}/wecom': { external_userid: 'wmSTOLEN' },
      'PATCH /api/v1/customers/{customerId}/notes/{noteId}': { status: 'closed' },
      'POST /api/v1/journeys/{journey}/publish': { draft_digest: '0'.repeat(32), confirm: true },
      'POST /api/v1/journeys/{journey}/test-run': { customer_id: aCustomer },
    };
    const wrong: string[] = [];
    for (const op of await operations(api)) {
      if (!op.path.includes('{')) continue;
      const key = `${op.method} ${op.path}`;
      if (op.hasBody && !(key in samples)) wrong.push(`${key}: add a sample body to this test`);
      const reply = await api.call(op.method, fill(op.path, bObjects), {
        key: a.keys.admin,
        body: samples[key],
      });
      if (reply.status !== 404) wrong.push(`${key} → ${reply.status} ${reply.body?.message ?? ''}`);
      if (op.method === 'GET') {
        const own = await api.call('GET', fill(op.path, bObjects), { key: b.keys.admin });
        if (own.status !== 200) wrong.push(`${key} for B itself → ${own.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // Nothing of B changed: its viewer key still works and the customer kept its tag and city.
    expect((await api.call('GET', '/api/v1/auth/me', { key: String(bObjects.bViewerKey) })).status).toBe(200);
    const profile = await api.call('GET', `/api/v1/customers/${bObjects.customerId}`, { key: b.keys.admin });
    expect(profile.body.customer.city).toBeNull();
    expect(profile.body.tags.map((t: { tag: string }) => t.tag)).toEqual(['vip']);
  });

  it('keeps every list to the caller’s workspace', async () => {
    const customers = await api.call('GET', '/api/v1/customers?q=13912345678', { key: a.keys.admin });
    expect(customers.body.items).toEqual([]);
    const all = await api.call('GET', '/api/v1/customers', { key: a.keys.admin });
    expect(all.body.items.map((c: { external_id: string }) => c.external_id)).toEqual(['A-1']);
    expect((await api.call('GET', '/api/v1/segments', { key: a.keys.admin })).body).toEqual([]);
    const bulk = await api.call('POST', '/api/v1/customers/tags', {
      key: a.keys.admin,
      body: { tag: 'stolen', customer_ids: [Number(bObjects.customerId)] },
    });
    expect(bulk.body).toEqual({ added: 0 });
    const users = await api.call('GET', '/api/v1/users', { key: a.keys.admin });
    expect(users.body).toEqual([]);
    const tasks = await api.call('GET', '/api/v1/tasks?limit=500', { key: a.keys.admin });
    expect(tasks.body.items.map((t: { id: number }) => t.id)).not.toContain(bObjects.taskId);
    const audit = await api.call('GET', '/api/v1/audit', { key: a.keys.admin });
    // A's log holds A's own actions (its customer, the role test's exports) and nothing about B's objects.
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('customer.create');
    expect(actions).not.toContain('segment.create');
    const bObjectsAudited = new Set([
      `customer:${bObjects.customerId}`,
      `user:${bObjects.userId}`,
      `invitation:${bObjects.invitationId}`,
      `api_key:${bObjects.keyId}`,
      `coupon_template:${bObjects.templateId}`,
    ]);
    const aboutB = audit.body.items.filter((e: { object_type: string; object_id: string | null }) =>
      bObjectsAudited.has(`${e.object_type}:${e.object_id}`),
    );
    expect(aboutB).toEqual([]);
  });

  it('masks phones, emails and names for roles without the PII permission, in profiles, lists and exports', async () => {
    const path = `/api/v1/customers/${bObjects.customerId}`;
    const seen = async (role: Role) => (await api.call('GET', path, { key: b.keys[role] })).body;
    const masked = await seen('operator');
    const values = Object.fromEntries(
      masked.identities.map((i: { type: string; value: string }) => [i.type, i.value]),
    );
    expect(values).toMatchObject({ phone: '139****5678', email: 'b***@example.com', external_id: 'B-1' });
    expect(masked.customer.name).toBe('王**');
    for (const role of ['admin', 'service'] as const) {
      const open = await seen(role);
      expect(open.identities.map((i: { value: string }) => i.value)).toContain('13912345678');
    }
    const list = await api.call('GET', '/api/v1/customers', { key: b.keys.viewer });
    expect(list.body.items[0]).toMatchObject({ phone: '139****5678', email: 'b***@example.com' });
    const listed = await api.call('GET', '/api/v1/customers/export?tag=vip', { key: b.keys.operator });
    expect(listed.text.split('\n')[1]).toMatch(/^\d+,B-1,王\*\*,139\*\*\*\*5678,b\*\*\*@example\.com,/);
    const csv = await api.call('GET', '/api/v1/segments/b-seg/export?format=csv', { key: b.keys.operator });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('139****5678');
    expect(csv.text).not.toContain('13912345678');
    const adminCsv = await api.call('GET', '/api/v1/segments/b-seg/export?format=csv', { key: b.keys.admin });
    expect(adminCsv.text).toContain('13912345678');
  });

  it('signs users in to an HttpOnly SameSite=Lax cookie and refuses cookie writes without the CSRF token', async () => {
    const bad = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'b-admin@example.com', password: 'wrong password' },
    });
    const unknown = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'wrong password' },
    });
    expect([bad.status, unknown.status]).toEqual([401, 401]);
    expect(bad.body.message).toBe(unknown.body.message);
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'b-admin@example.com', password: 'a long password' },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const cookie = setCookie.split(';')[0]!;
    expect((await api.call('GET', '/api/v1/auth/me', { cookie })).body.workspace.name).toBe('shop-b');
    const body = { external_id: 'B-2' };
    expect((await api.call('POST', '/api/v1/customers', { cookie, body })).status).toBe(403);
    const wrongToken = await api.call('POST', '/api/v1/customers', {
      cookie,
      body,
      headers: { 'x-csrf-token': 'nope' },
    });
    expect(wrongToken.status).toBe(403);
    const ok = await api.call('POST', '/api/v1/customers', {
      cookie,
      body,
      headers: { 'x-csrf-token': login.body.csrf_token },
    });
    expect(ok.status).toBe(200);
    await api.call('POST', '/api/v1/auth/logout', {
      cookie,
      headers: { 'x-csrf-token': login.body.csrf_token },
    });
    expect((await api.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('names the field at fault, refuses oversize batches with 413, and answers unknown routes in JSON', async () => {
    const key = b.keys.admin;
    const bad = await api.call('POST', '/api/v1/orders', {
      key,
      body: { items: [{ order_id: 'X', ordered_at: '2024-01-01 10:00:00', amount: -5 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toContain('body.items.0.amount');
    const item = { order_id: 'Y', ordered_at: '2024-01-01 10:00:00', amount: 100 };
    const many = await api.call('POST', '/api/v1/orders', {
      key,
      body: { items: Array.from({ length: 1001 }, () => item) },
    });
    expect(many.status).toBe(413);
    const huge = await api.call('POST', '/api/v1/events', {
      key,
      raw: JSON.stringify({ items: [{ type: 'x'.repeat(5 << 20) }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    const missing = await api.call('GET', '/api/v1/nothing-here', { key });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    const garbage = await api.call('POST', '/api/v1/orders', {
      key,
      raw: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.text).not.toMatch(/at .*\.ts:\d+/);
    expect((await api.call('GET', '/api/v1/customers', {})).status).toBe(401);
    expect((await api.call('GET', '/api/v1/customers', { key: 'rk_not-a-key' })).status).toBe(401);
  });

  it('audits writes and exports for admins, and a revoked key stops working at once', async () => {
    const audit = await api.call('GET', '/api/v1/audit?limit=500', { key: b.keys.admin });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    for (const action of [
      'customer.create',
      'orders.ingest',
      'segment.create',
      'segment.export',
      'invitation.create',
      'invitation.accept',
      'api_key.create',
      'import.file',
      'user.login',
    ]) {
      expect(actions).toContain(action);
    }
    const login = audit.body.items.find((e: { action: string }) => e.action === 'user.login');
    expect(login.actor_label).toBe('b-admin@example.com');
    expect(JSON.stringify(audit.body)).not.toContain('13912345678');
    expect((await api.call('GET', '/api/v1/audit', { key: b.keys.operator })).status).toBe(403);
    expect(
      (await api.call('DELETE', `/api/v1/api-keys/${bObjects.keyId}`, { key: b.keys.admin })).status,
    ).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { key: String(bObjects.bViewerKey) })).status).toBe(401);
  });

  it('limits each key’s request rate with 429 and Retry-After, without slowing other keys', async () => {
    const limited = await startApi(database, { rateLimitPerMinute: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await limited.call('GET', '/api/v1/auth/me', { key: a.keys.viewer })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const last = await limited.call('GET', '/api/v1/auth/me', { key: a.keys.viewer });
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited.call('GET', '/api/v1/auth/me', { key: a.keys.operator })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
