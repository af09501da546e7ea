/**
 * The baseline of `bench:api`: a bare Fastify server on an in-memory PGlite that takes the same
 * event batches and inserts them with one multi-row INSERT into a plain table, with no
 * validation, identity resolution, deduplication or audit.
 */
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';

const db = new PGlite();
await db.exec('create table events (customer text, type text, occurred_at timestamptz, properties jsonb)');
const app = Fastify({ bodyLimit: 4 << 20 });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/events', async (request) => {
  const { items } = request.body as {
    items: { customer_id: string; type: string; occurred_at: string; properties: object }[];
  };
  const params: unknown[] = [];
  const rows = items.map((e, i) => {
    params.push(e.customer_id, e.type, e.occurred_at, JSON.stringify(e.properties));
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
  });
  await db.query(`insert into events values ${rows.join(',')}`, params);
  return { accepted: items.length };
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
