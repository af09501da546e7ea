import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { distribute, hasCitus } from '../src/db/citus.ts';
import { type Database, openDatabase } from '../src/db/database.ts';

/** A store kind under test: always PGlite; PostgreSQL too when TEST_DATABASE_URL is set. */
export interface StoreUnderTest {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

/** The migrated PGlite data directory test/global-setup.ts made, to copy a store from. */
export function pgliteTemplate(): string {
  const template = inject('pgliteTemplate');
  if (!template)
    throw new Error('a *.unit.test.ts file opened a store: name it *.test.ts (the integration layer)');
  return template;
}

/**
 * A fresh PGlite data directory: a copy of the migrated template in `dataDir`, or in a new
 * directory beside the template (in memory where the system has a tmpfs), so a store or the CLI's
 * first command in a test file skips initdb and the migrations (about 3 s of CPU each).
 */
export function copyTemplate(dataDir?: string): string {
  const template = pgliteTemplate();
  const dir = dataDir ?? mkdtempSync(join(inject('testStoreRoot'), 'store-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** A PGlite store of its own, copied from the template; closing it removes its directory. */
export async function openPgliteFromTemplate(): Promise<Database> {
  const dir = copyTemplate();
  const store = await openDatabase({ dataDir: dir });
  return {
    ...store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema name per store, so runs never collide on a shared server. */
function freshSchema(): string {
  return `retain_test_${randomBytes(6).toString('hex')}`;
}

const createdSchemas: string[] = [];

/** Shards per table in test schemas: enough to spread over the workers, few enough to be quick. */
const TEST_SHARDS = 4;

/**
 * Opens (and migrates) a test schema on the server; when the server is a Citus coordinator, the
 * schema is distributed as `retain db distribute` would, so every test runs on the cluster layout.
 */
export async function openTestSchema(url: string, schema: string): Promise<Database> {
  const database = await openDatabase({ url, schema });
  try {
    if (await hasCitus(database.db))
      await retryOnDeadlock(() => distribute(database.db, { shardCount: TEST_SHARDS }));
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** The stores every storage test runs against. */
export function storesUnderTest(): StoreUnderTest[] {
  const stores: StoreUnderTest[] = [{ name: 'pglite', open: openPgliteFromTemplate }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    stores.push({
      name: 'postgres',
      open: () => {
        const schema = freshSchema();
        createdSchemas.push(schema);
        return openTestSchema(url, schema);
      },
    });
  }
  return stores;
}

/**
 * Runs `work` again after a deadlock: on Citus, distributing or dropping tables locks the cluster's
 * metadata, and another test file doing the same at that moment can make one of the two the victim.
 */
async function retryOnDeadlock(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Drops the schemas this test file created on the server. */
export async function dropTestSchemas(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url || createdSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of createdSchemas.splice(0))
      await retryOnDeadlock(() => client.query(`drop schema if exists ${schema} cascade`));
  } finally {
    await client.end();
  }
}

/** The public data sets copied into the repository (see datasets/README.md). */
export const SHARED_DATA = new URL('../datasets/', import.meta.url).pathname;
