import type { OpenOptions } from './db/database.ts';

/** Where the store lives, from the environment: `DATABASE_URL`, else PGlite in `RETAIN_DATA_DIR`. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenOptions {
  const url = env.DATABASE_URL?.trim();
  if (url) return { url };
  return { dataDir: env.RETAIN_DATA_DIR?.trim() || './.retain' };
}
