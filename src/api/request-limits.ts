import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { newRequestScope, runInRequestScope } from '../db/request-scope.ts';

/**
 * Runs each request's database work in a scope of its own: its statements get the statement
 * timeout, and when the client disconnects before the answer is complete, the statements still
 * running are cancelled on the server and no new ones start.
 */
export function scopeRequests(app: FastifyInstance, store: Database, statementTimeoutMs: number): void {
  app.addHook('onRequest', (_request, reply, done) => {
    const scope = newRequestScope(statementTimeoutMs);
    reply.raw.once('close', () => {
      // 'close' before 'finish': the connection went away while the answer was not yet written.
      if (!reply.raw.writableFinished) void store.cancelRequest(scope).catch(() => {});
      scope.active = false;
    });
    // The hooks and handler after this one run inside the scope (AsyncLocalStorage follows them).
    runInRequestScope(scope, () => done());
  });
}
