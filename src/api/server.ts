import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { knownMigrations } from '../db/migrate.ts';

/** Starts the HTTP server on the given store: `/healthz`, `/readyz` and a workspace summary. */
export async function startServer(
  store: Database,
  options: { port: number; host: string; logger?: boolean },
): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? true });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      const applied = await sql<{ name: string }>`select name from retain_migrations order by name`.execute(
        store.db,
      );
      const current = applied.rows.length === knownMigrations.length;
      return reply
        .code(current ? 200 : 503)
        .send({ status: current ? 'ready' : 'migrations pending', store: store.kind });
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/', async () => {
    const rows = await sql<{ name: string; customers: number; orders: number }>`
      select w.name,
        (select count(*) from customers c where c.workspace_id = w.id)::int as customers,
        (select count(*) from orders o where o.workspace_id = w.id)::int as orders
      from workspaces w order by w.name`.execute(store.db);
    return { product: 'Retain 复购客户管理', store: store.kind, workspaces: rows.rows };
  });
  await app.listen({ port: options.port, host: options.host });
  return app;
}
