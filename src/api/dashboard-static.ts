import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** True when `dir` holds a built dashboard (its `index.html`). */
export const hasDashboard = (dir: string | undefined): dir is string =>
  dir !== undefined && existsSync(join(dir, 'index.html'));

/**
 * Serves the built dashboard: hashed files under `/assets/` cached for a year, and `index.html`
 * (never cached, so a new build shows at once) for page addresses the single-page app routes itself.
 */
export async function registerDashboard(app: FastifyInstance, dir: string) {
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
  });
}

/** Whether a request that matched no route is a page of the app rather than a missing API resource. */
export function isDashboardPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/t/') || path.startsWith('/assets/'))
    return false;
  return !/\.[a-z0-9]+$/i.test(path);
}

/** Sends the app's `index.html`. */
export function sendDashboard(reply: FastifyReply, dir: string) {
  return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
}
