import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undocumentedRoutes } from '../scripts/check-docs.ts';
import { buildApp } from '../src/api/app.ts';
import type { Database } from '../src/db/database.ts';
import { storesUnderTest } from './stores.ts';

const apiPage = readFileSync(join(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');

describe('docs/api.md', () => {
  const store = storesUnderTest()[0]!;
  let database: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    database = await store.open();
    // With the CLI host `retain serve` gives, so POST /local/cli is in the document too (never called here).
    app = await buildApp(database, {
      logger: false,
      hostedCli: async () => {
        throw new Error('not called by this test');
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('documents every operation of the OpenAPI document (method and path)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(100);
    expect(operations).toContain('POST /api/v1/local/cli');
    expect(undocumentedRoutes(operations, apiPage)).toEqual([]);
  });
});
