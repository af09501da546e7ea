import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { buildIsFresh } from '../bin/build-state.js';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildDashboardIfStale } from '../src/web/dashboard-build.ts';

/**
 * Builds one migrated PGlite data directory and dumps it, so every test store starts from it
 * instead of running initdb (about 3 s) again; builds the dashboard once when its sources changed,
 * and the compiled CLI too: the tests' `retain` processes would otherwise each compile the
 * TypeScript sources through tsx as they start (a working copy with an edited source; `npm ci`
 * builds it for a clean clone).
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  await buildDashboardIfStale();
  if (!buildIsFresh())
    execFileSync(process.execPath, [new URL('../bin/build.js', import.meta.url).pathname], {
      stdio: 'inherit',
    });
  const pglite = new PGlite();
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  const path = join(tmpdir(), `retain-test-pglite-${process.pid}.tar`);
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  await db.destroy();
  provide('pgliteTemplate', path);
  // The template is 40 MB: gone with the run.
  return () => rm(path, { force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
