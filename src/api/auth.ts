import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, cliActor } from '../access/index.ts';
import { can, type Permission } from '../access/roles.ts';
import { sameSecret } from '../access/secret-token.ts';
import { resolveSession } from '../access/session-service.ts';
import type { Database } from '../db/database.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { ensureWorkspace } from '../workspaces/index.ts';
import type { CallerCache } from './caller-cache.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';
import { LOCAL_TOKEN_PREFIX, LOCAL_WORKSPACE_HEADER } from './local-access.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'retain_session';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow; `public` routes need no credential. */
    permission?: Permission | 'public';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * A CLI command sent by `retain` on this machine to the server holding the embedded store: the
 * token of the server's access file, from a loopback connection, works as the CLI does (any
 * workspace, created on first use, trusted like an admin; audited as the CLI user).
 */
async function localCaller(store: Database, request: FastifyRequest, token: string, local: string) {
  // The socket's own address: X-Forwarded-For cannot make a remote request look local.
  if (!sameSecret(token, local) || !LOOPBACK.test(request.socket.remoteAddress ?? ''))
    throw new UnauthorizedError('the local token is unknown (the server that made it has stopped)');
  const header = request.headers[LOCAL_WORKSPACE_HEADER];
  let name: string | undefined;
  try {
    name = typeof header === 'string' ? decodeURIComponent(header) : undefined;
  } catch {}
  if (!name || name.length > 100)
    throw new InvalidInputError(`${LOCAL_WORKSPACE_HEADER}: expected a URI-encoded workspace name`);
  return { workspace: await ensureWorkspace(store.db, name), role: 'admin', actor: cliActor() } as Caller;
}

async function authenticate(
  store: Database,
  callers: CallerCache,
  request: FastifyRequest,
  local?: string,
): Promise<Caller> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1]?.startsWith(LOCAL_TOKEN_PREFIX)) {
      if (!local)
        throw new UnauthorizedError('the local token is unknown (the server that made it has stopped)');
      return localCaller(store, request, match[1], local);
    }
    const caller = match ? await callers.apiKey(match[1]!) : undefined;
    if (!caller) throw new UnauthorizedError('the API key is unknown or revoked');
    return caller;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) throw new UnauthorizedError();
  const caller = await resolveSession(store.db, token);
  if (!caller) throw new UnauthorizedError('the session has expired; sign in again');
  // A cookie rides along on cross-site requests; a header only our own pages can read does not.
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !caller.csrfToken || !sameSecret(sent, caller.csrfToken)) {
      throw new ForbiddenError('missing or wrong x-csrf-token header (returned by login and /auth/me)');
    }
  }
  return caller;
}

/**
 * The `onRequest` hook of every API route: finds the caller from an API key or session cookie
 * and refuses the route when the caller's role lacks its permission. Routes without a declared
 * permission are refused, so a forgotten declaration fails closed.
 */
export function authHook(store: Database, callers: CallerCache, localToken?: string) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public') return;
    const caller = await authenticate(store, callers, request, localToken);
    request.caller = caller;
    if (!permission || !can(caller.role, permission)) {
      throw new ForbiddenError(
        `the ${caller.role} role may not ${request.method} ${request.routeOptions.url}`,
      );
    }
  };
}

/** The authenticated caller of a route (set by {@link authHook}). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new UnauthorizedError();
  return request.caller;
}
