import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstDifference, responseSerializer } from '../src/api/response-check.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi } from './api-harness.ts';
import { storesUnderTest } from './stores.ts';

// Operations whose success answer the OpenAPI document does not describe yet (none now). The test
// also requires each to be still missing, so this list only shrinks: describe one, then take it off.
const NOT_YET_DESCRIBED: string[] = [];

interface Response {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

/** The operations whose success answers the document leaves undescribed, with why. */
function undescribed(doc: {
  paths: Record<string, Record<string, { responses?: Record<string, Response> }>>;
}) {
  const out: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(op.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
      if (success.length === 0) out.push(`${name}: no success answer`);
      for (const [code, response] of success) {
        const schemas = Object.values(response.content ?? {}).filter((c) => c.schema !== undefined);
        // Fastify's swagger writes this for a route that declared no response at all.
        if (response.description === 'Default Response' && schemas.length === 0)
          out.push(`${name}: ${code} undeclared`);
        else if (code === '204' ? schemas.length > 0 : schemas.length === 0)
          out.push(`${name}: ${code} ${code === '204' ? 'with a body' : 'without a schema'}`);
      }
    }
  return out;
}

describe('the OpenAPI document describes every answer', () => {
  const store = storesUnderTest()[0]!;
  let database: Database;
  let api: Api;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('has a response schema for every operation’s success answer', async () => {
    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const missing = undescribed(doc);
    const operations = Object.values<object>(doc.paths).reduce((n, m) => n + Object.keys(m).length, 0);
    expect(operations).toBeGreaterThan(100);
    const unexpected = missing.filter((m) => !NOT_YET_DESCRIBED.some((name) => m.startsWith(`${name}:`)));
    expect(unexpected).toEqual([]);
    // Described since: take it off the list.
    const described = NOT_YET_DESCRIBED.filter((name) => !missing.some((m) => m.startsWith(`${name}:`)));
    expect(described).toEqual([]);
  });

  it('documents file answers with their content types', async () => {
    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const content = (path: string, method = 'get') =>
      Object.keys(doc.paths[path][method].responses['200'].content);
    expect(content('/api/v1/imports/{importId}/rejects')).toEqual(['text/csv']);
    expect(content('/api/v1/segments/{name}/export')).toEqual([
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
  });
});

describe('strict responses (the tests’ mode)', () => {
  it('finds a dropped, changed or added field, and nothing in equal answers', () => {
    expect(firstDifference({ a: 1, b: [{ c: 'x' }] }, { b: [{ c: 'x' }], a: 1 })).toBeNull();
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeNull();
    expect(firstDifference({ a: 1, b: [{ c: 'x', d: 2 }] }, { a: 1, b: [{ c: 'x' }] })).toBe(
      '.b.0.d: left out by the response schema',
    );
    expect(firstDifference({ a: '1' }, { a: 1 })).toBe('.a: 1 instead of "1"');
    expect(firstDifference({ a: 1 }, { a: 1, e: 0 })).toBe('.e: 0 instead of undefined');
    expect(firstDifference([1, 2], { 0: 1, 1: 2 })).toBe('(root): array and object');
  });

  it('fails the request when the schema would drop a field, and only strips it otherwise', async () => {
    for (const strict of [true, false]) {
      const app = Fastify().withTypeProvider<ZodTypeProvider>();
      app.setValidatorCompiler(validatorCompiler);
      app.setSerializerCompiler(responseSerializer(strict));
      app.get(
        '/x',
        { schema: { response: { 200: z.object({ a: z.number() }) } } },
        async () => ({ a: 1, b: 2 }) as never,
      );
      app.get('/y', { schema: { response: { 200: z.object({ a: z.number() }) } } }, async () => ({ a: 1 }));
      const x = await app.inject('/x');
      if (strict) {
        expect(x.statusCode).toBe(500);
        expect(x.json().message).toContain('.b: left out by the response schema');
      } else expect(x.json()).toEqual({ a: 1 });
      expect((await app.inject('/y')).json()).toEqual({ a: 1 });
      await app.close();
    }
  });

  it('is on in the tests', () => {
    expect(process.env.RETAIN_STRICT_RESPONSES).toBe('1');
  });
});
