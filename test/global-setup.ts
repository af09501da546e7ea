import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsFresh } from '../bin/build-state.js';
import { openDatabase } from '../src/db/database.ts';
import { buildDashboardIfStale } from '../src/web/dashboard-build.ts';

/**
 * Builds one migrated PGlite data directory, so every test store starts as a copy of it instead of
 * running initdb (about 3 s) and the migrations again; builds the dashboard once when its sources
 * changed, and the compiled CLI too: the tests' `retain` processes would otherwise each compile the
 * TypeScript sources through tsx as they start (a working copy with an edited source; `npm ci`
 * builds it for a clean clone).
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  await buildDashboardIfStale();
  if (!buildIsFresh())
    execFileSync(process.execPath, [new URL('../bin/build.js', import.meta.url).pathname], {
      stdio: 'inherit',
    });
  // In memory where the system has a tmpfs for it: the stores are copies of this directory (41 MB),
  // and a copied directory opens in half the CPU of an unpacked tarball (no file-by-file unpacking
  // into PGlite's in-memory file system).
  const root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'retain-test-'));
  const template = join(root, 'template');
  await (await openDatabase({ dataDir: template })).close();
  provide('pgliteTemplate', template);
  provide('testStoreRoot', root);
  return () => rm(root, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    testStoreRoot: string;
  }
}
