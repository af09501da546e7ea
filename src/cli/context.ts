import { storeOptionsFromEnv } from '../config.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { ensureWorkspace, type Workspace } from '../workspaces/index.ts';
import { hostedStore } from './hosted.ts';

/** Opens the configured store for one command and closes it afterwards (or uses the hosting server's). */
export async function withStore<T>(fn: (store: Database) => Promise<T>): Promise<T> {
  // Inside `retain serve` (a command sent by `retain` on this machine): the server's store.
  const hosted = hostedStore();
  if (hosted) return fn(hosted);
  const store = await openDatabase(storeOptionsFromEnv());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Opens the store and the `--workspace` (created with defaults on first use). */
export async function withWorkspace<T>(
  name: string,
  fn: (store: Database, workspace: Workspace) => Promise<T>,
): Promise<T> {
  return withStore(async (store) => fn(store, await ensureWorkspace(store.db, name)));
}
