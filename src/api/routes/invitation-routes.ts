import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInvitation,
  type Invitation,
  inviteUser,
  listInvitations,
  revokeInvitation,
} from '../../access/invitation-service.ts';
import { sameSecret } from '../../access/secret-token.ts';
import { membershipIn, openSession, resolveSession } from '../../access/session-service.ts';
import { AcceptBody, InvitationCreated, InvitationOut, InviteBody, Me } from '../access-schemas.ts';
import { callerOf, SESSION_COOKIE } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS, IdNumber, iso, MAX_INT4, NO_CONTENT } from '../schemas.ts';
import { presentMe, setSessionCookie } from './auth-routes.ts';

const admin = { permission: 'admin' as const };

const invitationOut = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: i.status,
  invited_by: i.invitedBy,
  created_at: iso(i.createdAt),
  expires_at: iso(i.expiresAt),
});

/**
 * People join a workspace by invitation: an admin invites an email with a role, the invitee
 * accepts with the link's token. Adding someone never needs to know whether they have an account.
 */
export const invitationRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, loginLimits }) => {
  const db = store.db;

  app.get(
    '/invitations',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Invitations of the workspace, newest first, with their status',
        response: { 200: z.array(InvitationOut), ...ERRORS },
      },
    },
    async (request) => (await listInvitations(db, callerOf(request).workspace.id)).map(invitationOut),
  );

  app.post(
    '/invitations',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary:
          'Invite an email with a role; the token and accept link (`/invite/{token}`, 7 days) are in this answer only. The answer does not tell whether the email has an account.',
        body: InviteBody,
        response: { 201: InvitationCreated, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { invitation, token } = await inviteUser(db, caller.workspace.id, caller.actor, request.body);
      return reply
        .code(201)
        .send({ ...invitationOut(invitation), token, accept_path: `/invite/${encodeURIComponent(token)}` });
    },
  );

  const InvitationParams = z.object({
    invitationId: IdNumber(MAX_INT4),
  });
  app.delete(
    '/invitations/:invitationId',
    {
      config: admin,
      schema: {
        tags: ['access'],
        summary: 'Revoke a pending invitation',
        params: InvitationParams,
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await revokeInvitation(db, caller.workspace.id, caller.actor, request.params.invitationId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['access'],
        summary:
          'Accept an invitation: a new person sets `password` (and `name`); an existing user is signed in as the invited email (cookie and `x-csrf-token`) or gives its password. Signs in to the workspace.',
        security: [],
        body: AcceptBody,
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      const current = token ? await resolveSession(db, token) : undefined;
      // A session stands in for the password only with its CSRF token, so no other site can make
      // a signed-in browser accept an invitation it was sent.
      const csrf = request.headers['x-csrf-token'];
      const signedIn =
        current?.csrfToken && typeof csrf === 'string' && sameSecret(csrf, current.csrfToken)
          ? current
          : undefined;
      const accepted = await acceptInvitation(
        db,
        {
          ...request.body,
          signedInUserId: signedIn?.actor.id ? Number(signedIn.actor.id) : undefined,
          address: request.ip,
        },
        loginLimits,
      );
      const member = await membershipIn(db, accepted.user.id, accepted.workspaceId);
      const session = await openSession(db, accepted.user, member);
      setSessionCookie(request, reply, session);
      return presentMe(db, session.caller);
    },
  );
};
