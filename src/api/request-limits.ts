import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { newRequestScope, type RequestScope, runInRequestScope } from '../db/request-scope.ts';

const scopes = new WeakMap<FastifyRequest, RequestScope>();

/**
 * Runs each request's database work in a scope of its own: its statements get the statement
 * timeout, and when the client disconnects before the answer is complete, the statements still
 * running are cancelled on the server and no new ones start.
 */
export function scopeRequests(app: FastifyInstance, store: Database, statementTimeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const scope = newRequestScope(statementTimeoutMs);
    scopes.set(request, scope);
    reply.raw.once('close', () => {
      // 'close' before 'finish': the connection went away while the answer was not yet written.
      if (!reply.raw.writableFinished) void store.cancelRequest(scope).catch(() => {});
      scope.active = false;
    });
    // The hooks after this one run inside the scope (AsyncLocalStorage follows them)…
    runInRequestScope(scope, () => done());
  });
  // …but the body arrives in events of the socket, which began before the scope: enter it again
  // once the body is parsed, so the handler's statements are the request's.
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) runInRequestScope(scope, () => done());
    else done();
  });
}
