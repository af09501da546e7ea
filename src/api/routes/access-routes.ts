import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addApiKey, listApiKeys, revokeApiKey } from '../../access/api-key-service.ts';
import { resetMemberPassword } from '../../access/password-service.ts';
import { ROLES } from '../../access/roles.ts';
import { type getUser, listUsers, removeUser, updateMember } from '../../access/user-service.ts';
import { listAudit } from '../../audit/index.ts';
import {
  AuditPage,
  KeyCreated,
  KeyOut,
  MemberBody,
  PasswordResetOut,
  Text,
  UserOut,
} from '../access-schemas.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { Cursor, ERRORS, IdNumber, iso, MAX_INT4, NO_CONTENT } from '../schemas.ts';

const admin = { permission: 'admin' as const };
const Role = z.enum(ROLES);
const userOut = (u: Awaited<ReturnType<typeof getUser>>) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  created_at: iso(u.createdAt),
  stores: u.stores,
  language: u.language,
});
const keyOut = (k: Awaited<ReturnType<typeof listApiKeys>>[number]) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  created_at: iso(k.createdAt),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});

/** Users (invited through invitation routes), API keys and the audit log: admins only. */
export const accessRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, callers }) => {
  const db = store.db;

  app.get(
    '/users',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Members of the workspace',
        response: { 200: z.array(UserOut), ...ERRORS },
      },
    },
    async (request) => (await listUsers(db, callerOf(request).workspace.id)).map(userOut),
  );

  const UserParams = z.object({ userId: IdNumber(MAX_INT4) });
  app.delete(
    '/users/:userId',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Remove a user from the workspace',
        params: UserParams,
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await removeUser(db, caller.workspace.id, caller.actor, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/users/:userId',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary:
          'Set a member’s role, stores (the task rule `store`) and the language of their staff messages (409: one’s own role, or the last admin’s)',
        params: UserParams,
        body: MemberBody,
        response: { 200: UserOut, ...ERRORS, 409: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const updated = await updateMember(
        db,
        caller.workspace.id,
        caller.actor,
        request.params.userId,
        request.body,
      );
      // Cached callers carry their role.
      if (request.body.role) callers.clear();
      return userOut(updated);
    },
  );

  app.post(
    '/users/:userId/password-reset',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary:
          'Reset a member’s password: a generated password, shown in this answer only; their sessions end (refused for users of other workspaces too)',
        params: UserParams,
        response: { 200: PasswordResetOut, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const reset = await resetMemberPassword(db, caller.workspace.id, caller.actor, request.params.userId);
      return { password: reset.password, sessions_ended: reset.sessionsEnded };
    },
  );

  app.get(
    '/api-keys',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'API keys of the workspace',
        response: { 200: z.array(KeyOut), ...ERRORS },
      },
    },
    async (request) => (await listApiKeys(db, callerOf(request).workspace.id)).map(keyOut),
  );

  app.post(
    '/api-keys',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Create an API key; the key is in this response only',
        body: z.object({ name: z.string().min(1).max(100), role: Role }).strict(),
        response: { 201: KeyCreated, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { key, info } = await addApiKey(db, caller.workspace.id, caller.actor, request.body);
      return reply.code(201).send({ ...keyOut(info), key });
    },
  );

  const KeyParams = z.object({ keyId: IdNumber(MAX_INT4) });
  app.delete(
    '/api-keys/:keyId',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Revoke an API key',
        params: KeyParams,
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await revokeApiKey(db, caller.workspace.id, request.params.keyId, caller.actor);
      callers.clear();
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/audit',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Audit log, newest first',
        querystring: z.object({
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          action: Text(100).optional().describe('prefix, e.g. customer.'),
          actor: Text(320).optional().describe('who: an email or an API key’s label, exactly'),
        }),
        response: { 200: AuditPage, ...ERRORS },
      },
    },
    async (request) => {
      const { cursor, limit, action, actor } = request.query;
      const rows = await listAudit(db, callerOf(request).workspace.id, {
        limit,
        before: cursor ? Number(cursor) : undefined,
        action,
        actor,
      });
      return {
        items: rows.map(({ workspace_id: _w, at, ...r }) => ({ ...r, at: iso(at) })),
        next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
      };
    },
  );
};
