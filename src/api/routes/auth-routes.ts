import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caller } from '../../access/index.ts';
import { changePassword } from '../../access/password-service.ts';
import {
  type Login,
  login,
  logout,
  resolveSession,
  SESSION_HOURS,
  switchWorkspace,
  userWorkspaces,
} from '../../access/session-service.ts';
import type { Schema } from '../../db/schema.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { LoginBody, Me, PasswordChangeBody, Text } from '../access-schemas.ts';
import { callerOf, SESSION_COOKIE } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS, NO_CONTENT } from '../schemas.ts';

/** Sign-in to a session cookie, sign-out, who am I, switching workspace and changing one's password. */
export const authRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, loginLimits }) => {
  const db = store.db;
  const me = (caller: Caller) => presentMe(db, caller);

  app.post(
    '/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets an HttpOnly session cookie and returns the CSRF token writes must send',
        security: [],
        description:
          'Ten wrong passwords for an account (fifty from one address) within 15 minutes refuse further sign-ins with 429 and Retry-After until the window passes.',
        body: LoginBody,
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request, reply) => {
      const session = await login(db, { ...request.body, address: request.ip }, loginLimits);
      setSessionCookie(request, reply, session);
      return me(session.caller);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'read' },
      schema: { tags: ['auth'], summary: 'Sign out', response: { 204: NO_CONTENT, ...ERRORS } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['auth'],
        summary: 'The caller, its role and workspaces',
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request) => me(callerOf(request)),
  );

  app.post(
    '/auth/workspace',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['auth'],
        summary: 'Switch the session to another of the user’s workspaces',
        body: z.object({ workspace: Text(200, 1) }).strict(),
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const token = request.cookies[SESSION_COOKIE];
      const moved =
        caller.actor.kind === 'user' &&
        token &&
        (await switchWorkspace(db, token, Number(caller.actor.id), request.body.workspace));
      if (!moved) throw new NotFoundError(`no workspace named "${request.body.workspace}" for this user`);
      return me((await resolveSession(db, token))!);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['auth'],
        summary: 'Change the signed-in user’s password; their other sessions end',
        body: PasswordChangeBody,
        response: { 200: z.object({ sessions_ended: z.number() }), ...ERRORS },
      },
    },
    async (request) => {
      const { current_password, new_password } = request.body;
      const { sessionsEnded } = await changePassword(
        db,
        callerOf(request),
        {
          current: current_password,
          next: new_password,
          sessionToken: request.cookies[SESSION_COOKIE],
          address: request.ip,
        },
        loginLimits,
      );
      return { sessions_ended: sessionsEnded };
    },
  );
};

/** The answer of `/auth/me` for a caller. */
export async function presentMe(db: Kysely<Schema>, caller: Caller): Promise<Me> {
  return {
    user: { id: caller.actor.id, label: caller.actor.label, kind: caller.actor.kind },
    workspace: {
      name: caller.workspace.name,
      timezone: caller.workspace.timezone,
      currency: caller.workspace.currency,
    },
    role: caller.role,
    csrf_token: caller.csrfToken ?? null,
    workspaces:
      caller.actor.kind === 'user'
        ? await userWorkspaces(db, Number(caller.actor.id))
        : [{ name: caller.workspace.name, role: caller.role }],
  };
}

/** Sets the HttpOnly session cookie of a fresh login. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: Login) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: SESSION_HOURS * 3600,
  });
}
