import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { parseJourney } from '../src/journeys/journey-parse.ts';
import { parseCondition } from '../src/segments/segment-service.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field);

describe.each(storesUnderTest())('bad input answers 400 naming the field, not 500 ($name)', (store) => {
  let database: Database;
  let api: Api;
  let key: string;
  let customerId: number;

  beforeAll(async () => {
    database = await store.open();
    key = (await workspaceWithKeys(database, 'bad-input')).keys.admin;
    api = await startApi(database);
    customerId = (await api.call('POST', '/api/v1/customers', { key, body: { external_id: 'C-1' } })).body.id;
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('impossible dates such as 1990-02-30 and 2024-13-01', async () => {
    for (const date of ['1990-02-30', '2024-13-01', '2023-02-29']) {
      const query = await api.call('GET', `/api/v1/rfm/summary?as_of=${date}`, { key });
      expect(query.status).toBe(400);
      expect(fieldsOf(query.body)).toEqual(['querystring.as_of']);
      const body = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
        key,
        body: { birthday: date },
      });
      expect(body.status).toBe(400);
      expect(fieldsOf(body.body)).toEqual(['body.birthday']);
    }
    expect((await api.call('GET', '/api/v1/rfm/summary?as_of=2024-02-29', { key })).status).toBe(200);
  });

  it('a NUL byte in any string (PostgreSQL refuses \\u0000 in text and jsonb)', async () => {
    const reply = await api.call('POST', '/api/v1/customers', {
      key,
      body: { external_id: 'C-2', city: 'a\u0000b' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe('body.city: must not contain a NUL character (\\u0000)');
    const attr = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
      key,
      body: { attributes: { size: { deep: 'x\u0000' } } },
    });
    expect(fieldsOf(attr.body)).toEqual(['body.attributes.size.deep']);
    const path = await api.call('GET', '/api/v1/segments/a%00b', { key });
    expect(path.status).toBe(400);
    expect(fieldsOf(path.body)).toEqual(['params.name']);
    const query = await api.call('GET', '/api/v1/customers?q=a%00b', { key });
    expect(fieldsOf(query.body)).toEqual(['querystring.q']);
  });

  it('a lone surrogate', async () => {
    const reply = await api.call('POST', '/api/v1/customers/tags', {
      key,
      raw: '{"tag":"a\\ud800","customer_ids":[1]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^body\.tag: must be valid Unicode text/);
    // A proper pair (an emoji) is text like any other.
    const emoji = await api.call('POST', `/api/v1/customers/${customerId}/tags`, {
      key,
      body: { tag: '\ud83d\ude00' },
    });
    expect(emoji.status).toBe(200);
  });

  it('a cursor of 20 digits', async () => {
    for (const path of ['/api/v1/customers', '/api/v1/audit']) {
      const reply = await api.call('GET', `${path}?cursor=99999999999999999999`, { key });
      expect(reply.status).toBe(400);
      expect(fieldsOf(reply.body)).toEqual(['querystring.cursor']);
    }
  });

  it('segment condition values of 2^31 or 1.5', async () => {
    const cases = [
      [{ field: 'order_count', op: 'gte', value: 2 ** 31 }, 'value'],
      [{ field: 'order_count', op: 'gte', value: 1.5 }, 'value'],
      [{ orders: { within_days: 2 ** 31 }, op: 'gte', value: 1 }, 'orders.within_days'],
      [{ event: 'view', within_days: 2 ** 31 }, 'within_days'],
      [{ orders: {}, measure: 'count', op: 'gte', value: 2 ** 63 }, 'value'],
    ] as const;
    for (const [condition, field] of cases) {
      const reply = await api.call('POST', '/api/v1/segments/preview', { key, body: { condition } });
      expect(reply.status, JSON.stringify(condition)).toBe(400);
      expect(reply.body.message).toContain(`segment condition ${field}:`);
    }
    const fine = { field: 'net_total', op: 'gte', value: 2 ** 31 };
    expect(
      (await api.call('POST', '/api/v1/segments/preview', { key, body: { condition: fine } })).status,
    ).toBe(200);
  });

  it('ids beyond their column (2^31 for an int id) are 400, not a database error', async () => {
    const reply = await api.call('DELETE', `/api/v1/users/${2 ** 31}`, { key });
    expect(reply.status).toBe(400);
    expect(fieldsOf(reply.body)).toEqual(['params.userId']);
  });

  it('nesting 3,000 deep, in a body and in a condition', async () => {
    const reply = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
      key,
      raw: `{"attributes":{"a":${'['.repeat(3000)}${']'.repeat(3000)}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe('body: nested deeper than 64 levels');
    // A million levels with a prototype key at the bottom overflowed the parser's prototype scan.
    const million = `{"attributes":${'['.repeat(1e6)}{"__proto__":{"polluted":1}}${']'.repeat(1e6)}}`;
    const deeper = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
      key,
      raw: million,
      headers: { 'content-type': 'application/json' },
    });
    expect(deeper.body.message).toBe('body: nested deeper than 64 levels');
    // Brackets inside strings are text, not nesting.
    const text = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
      key,
      body: { city: '['.repeat(100) },
    });
    expect(text.status).toBe(200);
  });

  it('prototype pollution through PATCH /workspace/settings {"__proto__.polluted":"yes"} and any other key', async () => {
    const settings = await api.call('PATCH', '/api/v1/workspace/settings', {
      key,
      body: { '__proto__.polluted': 'yes' },
    });
    expect(settings.status).toBe(400);
    expect(settings.body.message).toBe(
      'body.__proto__.polluted: the key "__proto__.polluted" is not allowed',
    );
    const nested = await api.call('PATCH', `/api/v1/customers/${customerId}`, {
      key,
      raw: '{"attributes":{"constructor":{"prototype":{"polluted":"yes"}}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(nested.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Strict bodies are still accepted: the symptom of the pollution was "Unrecognized key: polluted" everywhere.
    expect((await api.call('POST', '/api/v1/customers', { key, body: { external_id: 'C-3' } })).status).toBe(
      200,
    );
  });
});

describe('conditions and journeys from files (CLI) refuse prototype keys by name', () => {
  it('a condition with a "__proto__" key', () => {
    expect(() => parseCondition('{"all":[{"tag":"a","__proto__":{"x":1}}]}')).toThrow(
      'segment condition.all.0.__proto__: the key "__proto__" is not allowed',
    );
  });

  it('a journey whose step is named "__proto__" (zod would drop it silently)', () => {
    const text =
      'name: j\ntrigger: { event: e }\nstart: a\nsteps:\n  a: { type: exit }\n  __proto__: { type: exit }\n';
    expect(() => parseJourney(text, 'j.yaml')).toThrow(
      'j.yaml.steps.__proto__: the key "__proto__" is not allowed',
    );
  });
});
