import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';

import { knownMigrations } from '../../db/migrate.ts';
import type { ApiContext } from '../context.ts';

/** `/healthz` (the process is up), `/readyz` (the database answers and is migrated) and `/` (without the dashboard). */
export const healthRoutes: FastifyPluginAsyncZod<ApiContext & { landing: boolean }> = async (
  app,
  { store, landing },
) => {
  const open = { config: { permission: 'public' as const }, schema: { hide: true } };
  app.get('/healthz', open, async () => ({ status: 'ok' }));
  app.get('/readyz', open, async (_request, reply) => {
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
  // With the dashboard built, `/` is its home page instead.
  if (!landing) return;
  app.get('/', open, async () => ({ product: 'Retain 复购客户管理', api: '/api/v1', docs: '/api/docs' }));
};
