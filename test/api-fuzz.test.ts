import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_REFUSED } from '../src/api/errors.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import {
  addKeysAt,
  BODY_MUTANTS,
  deepArray,
  deepObject,
  objectPaths,
  POLLUTING,
  pathsOf,
  type Random,
  replaceAt,
  sample,
  seededRandom,
  TEXT_MUTANTS,
} from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// A fixed seed: a failure names its case and reproduces on the next run. FUZZ_SEED=n explores others.
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const REQUEST_TIMEOUT_MS = 10_000;
// Random (field, hostile value) pairs per route, beyond the cases every route always gets.
const RANDOM_CASES = 12;

const CONDITION = {
  all: [
    { tag: 'vip' },
    { field: 'order_count', op: 'gte', value: 1 },
    { orders: { within_days: 30, sku: 'S1' }, measure: 'sum', op: 'gte', value: 100 },
    { event: 'view', within_days: 30, properties: { color: 'red' } },
    { any: [{ attribute: 'city', op: 'in', value: ['杭州'] }, { not: { identity: 'email' } }] },
    { score: 'r', op: 'gte', value: 3 },
    { prediction: 'p_alive', op: 'lt', value: 0.3 },
  ],
};
// Named like the segment: both kinds of route take the same {name} path parameter.
const TEMPLATE = {
  name: 'a-seg',
  channel: 'webhook',
  purpose: 'transactional',
  body: { en: 'Hi {{ customer.name }}' },
};
const JOURNEY = {
  name: 'a-journey',
  trigger: { event: 'quiz_done' },
  start: 'tag',
  steps: { tag: { type: 'tag', add: ['quiz'], next: 'done' }, done: { type: 'exit' } },
};
/** Valid bodies where the OpenAPI schema says only "any JSON" (conditions, journeys, settings). */
const SAMPLES: Record<string, unknown> = {
  'POST /api/v1/segments/preview': { condition: CONDITION, as_of: '2024-05-01', sample: 5 },
  'POST /api/v1/segments': { name: 'a-fuzz', condition: CONDITION },
  'PUT /api/v1/journeys': JOURNEY,
  'POST /api/v1/journeys/backtest': JOURNEY,
  'PUT /api/v1/journeys/draft': JOURNEY,
  'POST /api/v1/journeys/{journey}/publish': {
    draft_digest: '0123456789abcdef0123456789abcdef',
    confirm: true,
  },
  'PATCH /api/v1/workspace/settings': { 'points.enabled': true, 'tiers.grace_days': 60 },
  'PUT /api/v1/channels': {
    channel: 'webhook',
    config: { url: 'http://127.0.0.1:9/a-hook' },
    secrets: { secret: 's' },
  },
  'POST /api/v1/events': {
    items: [
      { type: 'view', customer_id: 'A-1', occurred_at: '2024-05-01T10:00:00Z', properties: { a: 'b' } },
    ],
  },
  'PATCH /api/v1/customers/{customerId}': { city: '杭州', attributes: { size: 'M', nested: { a: 1 } } },
  'PUT /api/v1/templates': TEMPLATE,
  'PATCH /api/v1/workspace': { timezone: 'Asia/Shanghai' },
  'POST /api/v1/workspaces': { name: 'fuzz 新空间', timezone: 'Asia/Shanghai', currency: 'CNY' },
  'POST /api/v1/stores': { code: 'FZ01', name: '模糊店', city: '杭州' },
  'PATCH /api/v1/stores/{storeCode}': { name: '西湖店', city: null, active: false },
  'POST /api/v1/products': { sku: 'FZ-1', name: '模糊商品', category: '茶', repurchase_days: 30 },
  'PATCH /api/v1/products/{sku}': { name: '商品', repurchase_days: null },
  'PATCH /api/v1/coupon-templates/{templateId}': {
    name: '满150减30',
    valid_from: '2026-01-01',
    valid_until: '2026-02-01',
    per_customer_limit: 2,
    budget_count: 100,
  },
  'POST /api/v1/invitations': { email: 'fuzz-user@example.com', role: 'viewer' },
  'POST /api/v1/surveys': { name: 'fuzz 调查', kind: 'csat', title: { 'zh-CN': '满意吗' } },
  'PATCH /api/v1/surveys/{surveyId}': { status: 'active' },
  'PUT /api/v1/users/{userId}/wecom': { wecom_userid: 'zhangsan' },
  'PUT /api/v1/customers/{customerId}/wecom': { external_userid: 'wmFuzz01' },
  'PATCH /api/v1/users/{userId}': { stores: ['西湖店', 'Store 2'], language: 'en' },
  'POST /api/v1/tasks/reassign': { task_ids: [1, 2], assignee_id: null },
  'POST /api/v1/broadcasts': {
    name: 'fuzz 群发',
    audience: { condition: CONDITION },
    variants: [
      { name: 'A', weight: 1, templates: ['a-seg'] },
      { name: 'B', weight: 1, templates: ['a-seg'] },
    ],
    holdout_percent: 10,
    send: { at: 'customer_local', date: '2026-06-01', time: '10:00' },
  },
  'POST /api/v1/broadcasts/{broadcastId}/test': { to: ['fuzz@example.com'] },
  'POST /api/v1/predict/fit': { calibration_end: '2024-05-01', model: 'paretonbd', unit: 'day' },
  'POST /api/v1/predict/refresh': { as_of: '2024-05-01', horizon_days: 180 },
  'POST /api/v1/predict/call-list/tasks': { top: 5, kind: 'callback', assign: { rule: 'queue' } },
  'POST /api/v1/predict/associations/refresh': { as_of: '2024-05-01' },
  'PUT /api/v1/acquisition/spend': {
    items: [
      { month: '2024-05', channel: '抖音', amount: 500000 },
      { month: '2024-05', channel: 'HZ01', amount: null },
    ],
  },
  'POST /api/v1/products/intervals/refresh': { as_of: '2024-05-01' },
};
/** Bodies that need ids only known once workspace A is seeded. */
const lateSamples = (objects: Record<string, string>): Record<string, unknown> => ({
  'POST /api/v1/templates/{name}/preview': { customer_id: Number(objects.customerId), variables: { x: 'y' } },
  'POST /api/v1/journeys/{journey}/test-run': {
    customer_id: Number(objects.customerId),
    source: 'published',
  },
  'POST /api/v1/messages': {
    template: 'a-seg',
    customer_id: Number(objects.customerId),
    idempotency_key: 'k1',
  },
  'POST /api/v1/customers/{customerId}/merge': { other_id: Number(objects.otherId) },
  'POST /api/v1/coupon-templates/{templateId}/issue': { customer_ids: [Number(objects.customerId)] },
  'PATCH /api/v1/customers/{customerId}/notes/{noteId}': { status: 'resolved' },
  'POST /api/v1/customers/{customerId}/notes': {
    type: 'ticket',
    summary: '回访',
    status: 'open',
    occurred_at: '2026-03-01T10:00:00+08:00',
    external_ref: 'T-1',
  },
});
const QUERY_SAMPLES: Record<string, string> = {
  from: '2024-01-01',
  to: '2024-06-01',
  as_of: '2024-05-01',
  map: '{"order_id":"id"}',
  product: 'S1',
  top: '5',
};

interface Operation {
  method: string;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments
  requestBody?: any;
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments
  parameters?: { in: string; name: string; schema?: any }[];
}

interface Case {
  op: Operation;
  label: string;
  path: Record<string, string>;
  query: Record<string, string>;
  body?: string;
}

/** Erasing and deleting come last, so the objects they remove serve every other case first. */
const destructive = (op: Operation) => op.method === 'DELETE' || op.path.endsWith('/logout');

function casesFor(op: Operation, random: Random, objects: Record<string, string>): Case[] {
  const pathParams: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    const value = p.in === 'path' ? objects[p.name] : QUERY_SAMPLES[p.name];
    const generated = value ?? String(sample(p.schema, random));
    if (p.in === 'path') pathParams[p.name] = encodeURIComponent(generated);
    else if (p.in === 'query' && (value !== undefined || random.next() < 0.5))
      query[p.name] = encodeURIComponent(generated);
  }
  const key = `${op.method} ${op.path}`;
  const json = op.requestBody?.content?.['application/json']?.schema;
  const samples = { ...SAMPLES, ...lateSamples(objects) };
  const valid = key in samples ? samples[key] : json ? sample(json, random) : undefined;
  const base = { op, path: pathParams, query };
  const cases: Case[] = [
    { ...base, label: 'valid-ish', body: valid === undefined ? undefined : JSON.stringify(valid) },
  ];
  const withBody = (label: string, body: string) => cases.push({ ...base, label, body });
  if (valid !== undefined) {
    withBody('body nested 3000 arrays deep', deepArray(3000));
    withBody('body nested 3000 objects deep', deepObject(3000));
    withBody('body wrong type (array)', '[1,2]');
    withBody('body wrong type (number)', '1e308');
    for (const at of objectPaths(valid))
      for (const m of POLLUTING)
        withBody(
          `${m.label} at ${at.join('.') || '(root)'}`,
          JSON.stringify(addKeysAt(valid, at, m.value as object)),
        );
    const fields = pathsOf(valid);
    // Every field gets the NUL byte and the lone surrogate (the issue found them 500 everywhere).
    for (const at of fields)
      for (const m of systematic(valueAt(valid, at)))
        withBody(`${m.label} at body.${at.join('.')}`, JSON.stringify(replaceAt(valid, at, m.value)));
    for (let i = 0; i < RANDOM_CASES && fields.length; i++) {
      const at = random.pick(fields);
      const m = random.pick(BODY_MUTANTS);
      withBody(`${m.label} at body.${at.join('.')}`, JSON.stringify(replaceAt(valid, at, m.value)));
    }
  }
  for (const p of op.parameters ?? []) {
    const where = p.in === 'path' ? 'path' : 'query';
    for (const m of TEXT_MUTANTS) {
      if (random.next() > 0.5 && !/NUL|surrogate|20-digit|date|2\^31/.test(m.label)) continue;
      const target = where === 'path' ? { ...pathParams } : { ...query };
      target[p.name] = String(m.value);
      cases.push({
        ...base,
        label: `${m.label} in ${where}.${p.name}`,
        path: where === 'path' ? target : pathParams,
        query: where === 'query' ? target : query,
        body: cases[0]!.body,
      });
    }
  }
  return cases;
}

/** The value at a path of a body. */
const valueAt = (value: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);

/**
 * Mutants every field of its kind gets (the issue's 500s): NUL and lone surrogates in every text,
 * out-of-range and fractional numbers in every number, impossible calendar dates in every date.
 */
function systematic(value: unknown) {
  const labels =
    typeof value === 'number'
      ? ['2^31', '2^63', '1e308', '1.5']
      : typeof value === 'string'
        ? [
            'NUL byte',
            'lone surrogate',
            ...(/^\d{4}-\d{2}-\d{2}/.test(value)
              ? ['impossible date 1990-02-30', 'impossible date 2024-13-01', 'impossible timestamp']
              : []),
          ]
        : ['NUL byte'];
  return BODY_MUTANTS.filter((m) => labels.includes(m.label));
}

function urlOf(c: Case): string {
  const path = c.op.path.replace(/\{(\w+)\}/g, (_m, name: string) => c.path[name] ?? 'x');
  const query = Object.entries(c.query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

/** Another workspace's data as its admin sees it through the API (volatile fields left out). */
async function snapshot(api: Api, key: string, customerId: number) {
  const paths = [
    '/api/v1/customers',
    `/api/v1/customers/${customerId}`,
    '/api/v1/segments/b-seg/members',
    '/api/v1/segments',
    '/api/v1/journeys',
    '/api/v1/coupon-templates',
    '/api/v1/orders/B-O1',
    '/api/v1/workspace',
    '/api/v1/workspace/settings',
    '/api/v1/users',
    '/api/v1/channels',
    '/api/v1/templates',
  ];
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const reply = await api.call('GET', path, { key });
    out[path] = [reply.status, reply.text.replace(/"(last_used_at|refreshed_at)":"[^"]*"/g, '')];
  }
  return out;
}

describe.each(storesUnderTest())('API fuzz over every OpenAPI route ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let bCustomer: number;
  const objects: Record<string, string> = {};

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'fuzz-a');
    b = await workspaceWithKeys(database, 'fuzz-b');
    api = await startApi(database, { rateLimitPerMinute: 1_000_000 });
    for (const [w, prefix] of [
      [a, 'A'],
      [b, 'B'],
    ] as const) {
      const key = w.keys.admin;
      const customer = await api.call('POST', '/api/v1/customers', {
        key,
        body: {
          external_id: `${prefix}-1`,
          phone: '13912345678',
          email: `${prefix}@example.com`,
          tags: ['vip'],
        },
      });
      expect(customer.status).toBe(200);
      if (prefix === 'B') bCustomer = customer.body.id;
      else objects.customerId = String(customer.body.id);
      const item = {
        order_id: `${prefix}-O1`,
        customer_id: `${prefix}-1`,
        ordered_at: '2024-05-01T10:00:00+08:00',
        amount: 12900,
        status: 'paid',
      };
      // A repeat purchase and a second buyer: enough for the prediction routes to fit.
      const more = [
        { ...item, order_id: `${prefix}-O2`, ordered_at: '2024-04-01T10:00:00+08:00', amount: 9900 },
        {
          ...item,
          order_id: `${prefix}-O3`,
          customer_id: `${prefix}-3`,
          ordered_at: '2024-04-15T10:00:00+08:00',
        },
      ];
      expect(
        (await api.call('POST', '/api/v1/orders', { key, body: { items: [item, ...more] } })).status,
      ).toBe(200);
      const refresh = { as_of: '2024-05-01' };
      expect((await api.call('POST', '/api/v1/predict/refresh', { key, body: refresh })).status).toBe(200);
      const survey = await api.call('POST', '/api/v1/surveys', {
        key,
        body: { name: `${prefix}-调查`, kind: 'nps', title: { 'zh-CN': '推荐吗' } },
      });
      expect(survey.status).toBe(201);
      if (prefix === 'A') objects.surveyId = String(survey.body.id);
      const segment = { name: `${prefix.toLowerCase()}-seg`, condition: { tag: 'vip' } };
      expect((await api.call('POST', '/api/v1/segments', { key, body: segment })).status).toBe(201);
      expect(
        (
          await api.call('PUT', '/api/v1/journeys', {
            key,
            body: { ...JOURNEY, name: `${prefix.toLowerCase()}-journey` },
          })
        ).status,
      ).toBe(200);
      const template = await api.call('POST', '/api/v1/coupon-templates', {
        key,
        body: { name: '满150减30', kind: 'amount_off', amount_off: 3000, threshold: 15000 },
      });
      if (prefix === 'A') objects.templateId = String(template.body.id);
    }
    expect((await api.call('PUT', '/api/v1/templates', { key: a.keys.admin, body: TEMPLATE })).status).toBe(
      200,
    );
    const other = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'A-2' },
    });
    objects.otherId = String(other.body.id);
    const ticket = await api.call('POST', `/api/v1/customers/${objects.customerId}/notes`, {
      key: a.keys.admin,
      body: { type: 'ticket', summary: '工单' },
    });
    objects.noteId = String(ticket.body.id);
    const broadcast = await api.call('POST', '/api/v1/broadcasts', {
      key: a.keys.admin,
      body: { name: 'a-群发', audience: { segment: 'a-seg' }, templates: ['a-seg'] },
    });
    objects.broadcastId = String(broadcast.body.id);
    const user = await api.call('POST', '/api/v1/users', {
      key: a.keys.admin,
      body: { email: 'a-spare@example.com', password: 'a long password', role: 'viewer' },
    });
    const spareKey = await api.call('POST', '/api/v1/api-keys', {
      key: a.keys.admin,
      body: { name: 'spare', role: 'viewer' },
    });
    for (const [path, body] of [
      ['/api/v1/stores', { code: 'HZ01', name: '西湖店' }],
      ['/api/v1/products', { sku: 'S1', name: '样品' }],
    ] as const)
      expect((await api.call('POST', path, { key: a.keys.admin, body })).status).toBe(201);
    Object.assign(objects, {
      orderId: 'A-O1',
      name: 'a-seg',
      journey: 'a-journey',
      tag: 'vip',
      code: 'NONE',
      storeCode: 'HZ01',
      sku: 'S1',
      channel: 'webhook',
      userId: String(user.body.id),
      keyId: String(spareKey.body.id),
      importId: '00000000-0000-4000-8000-000000000000',
    });
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('answers no 500 and never hangs for hostile input on any route, leaving Object.prototype and workspace B untouched', async () => {
    const before = await snapshot(api, b.keys.admin, bCustomer);
    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const ops: Operation[] = [];
    for (const [path, methods] of Object.entries<Record<string, Operation>>(doc.paths))
      for (const [method, op] of Object.entries(methods))
        ops.push({ ...op, method: method.toUpperCase(), path });
    ops.sort((x, y) => Number(destructive(x)) - Number(destructive(y)));
    expect(ops.length).toBeGreaterThan(60);
    const random = seededRandom(SEED);
    const failures: string[] = [];
    let requests = 0;
    const reached = new Set<string>();
    for (const op of ops) {
      for (const c of casesFor(op, random, objects)) {
        requests++;
        const where = `${c.op.method} ${c.op.path} [${c.label}]`;
        try {
          const response = await fetch(`${api.base}${urlOf(c)}`, {
            method: c.op.method,
            headers: {
              authorization: `Bearer ${a.keys.admin}`,
              ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: c.body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          if (c.label === 'valid-ish' && response.status < 400) reached.add(`${c.op.method} ${c.op.path}`);
          if (response.status >= 500) failures.push(`${where} → ${response.status} ${text.slice(0, 160)}`);
          else if (/at .*\.ts:\d+/.test(text)) failures.push(`${where} → stack trace in the answer`);
          // Only the database's fallback caught the value: the route's schema should name the field.
          else if (text.includes(DATABASE_REFUSED))
            failures.push(`${where} → ${response.status} ${text.slice(0, 160)}`);
        } catch (error) {
          failures.push(
            `${where} → ${(error as Error).name === 'TimeoutError' ? 'no answer within 10 s' : (error as Error).message}`,
          );
        }
        const polluted = Object.getOwnPropertyNames(Object.prototype).filter(
          (k) => k === 'polluted' || k === 'a',
        );
        if (polluted.length) {
          failures.push(`${where} → Object.prototype polluted with ${polluted.join(', ')}`);
          for (const k of polluted) delete (Object.prototype as Record<string, unknown>)[k];
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    // The valid-ish bodies reach most handlers (not only the validators): the fuzz tests the code behind them.
    if (process.env.FUZZ_VERBOSE)
      console.log(
        `${requests} requests; valid-ish accepted on ${reached.size} of ${ops.length}: missed ${ops
          .filter((o) => !reached.has(`${o.method} ${o.path}`))
          .map((o) => `${o.method} ${o.path}`)
          .join(', ')}`,
      );
    // Sign-in, uploads, secrets and one-time codes need state a generated body cannot have.
    expect(reached.size).toBeGreaterThan(ops.length * 0.75);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still serving, and strict bodies still accepted (pollution made them all "unrecognized key").
    expect((await api.call('GET', '/api/v1/auth/me', { key: b.keys.viewer })).status).toBe(200);
    const strict = await api.call('POST', '/api/v1/customers', {
      key: a.keys.admin,
      body: { external_id: 'A-after' },
    });
    expect(strict.status).toBe(200);
    const after = await snapshot(api, b.keys.admin, bCustomer);
    expect(after).toEqual(before);
  });
});
