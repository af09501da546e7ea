import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  login,
  logout,
  SESSION_HOURS,
  switchWorkspace,
  userWorkspaces,
} from '../../access/session-service.ts';
import { auditAs } from '../../audit/audit-log.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { callerOf, SESSION_COOKIE } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS } from '../schemas.ts';

const Me = z.object({
  user: z.object({ id: z.string().nullable(), label: z.string(), kind: z.string() }),
  workspace: z.object({ name: z.string(), timezone: z.string(), currency: z.string() }),
  role: z.string(),
  csrf_token: z.string().nullable(),
  workspaces: z.array(z.object({ name: z.string(), role: z.string() })),
});

/** Sign-in to a session cookie, sign-out, who am I, and switching workspace. */
export const authRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;
  const me = async (caller: ReturnType<typeof callerOf>) => ({
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
  });

  app.post(
    '/auth/login',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets an HttpOnly session cookie and returns the CSRF token writes must send',
        security: [],
        body: z
          .object({
            email: z.string().min(3).max(320),
            password: z.string().min(1).max(1000),
            workspace: z.string().optional(),
          })
          .strict(),
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { email, password, workspace } = request.body;
      const session = await login(db, email, password, workspace);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: SESSION_HOURS * 3600,
      });
      await auditAs(db, session.caller, {
        action: 'user.login',
        objectType: 'user',
        objectId: session.caller.actor.id,
      });
      return me(session.caller);
    },
  );

  app.post(
    '/auth/logout',
    { config: { permission: 'read' }, schema: { tags: ['auth'], summary: 'Sign out' } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
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
        body: z.object({ workspace: z.string().min(1) }).strict(),
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
      const { resolveSession } = await import('../../access/session-service.ts');
      return me((await resolveSession(db, token))!);
    },
  );
};
