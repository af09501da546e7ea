import type { Database } from '../db/database.ts';
import { type ApiOptions, buildApp } from './app.ts';

/** Builds the API on a store and listens; `port: 0` picks a free port (see `server.addresses()`). */
export async function startServer(store: Database, options: ApiOptions & { port: number; host: string }) {
  const app = await buildApp(store, options);
  await app.listen({ port: options.port, host: options.host });
  return app;
}
