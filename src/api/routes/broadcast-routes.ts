import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/roles.ts';
import {
  approveBroadcast,
  BroadcastDefinitionSchema,
  BroadcastReportSchema,
  BroadcastSchema,
  broadcastReport,
  cancelBroadcast,
  createBroadcast,
  estimateReach,
  getBroadcast,
  listBroadcasts,
  pauseBroadcast,
  presentBroadcast,
  ReachSchema,
  resumeBroadcast,
  scheduleBroadcast,
  TestSendBody,
  TestSendResult,
  testSendBroadcast,
} from '../../broadcasts/index.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS, IdNumber } from '../schemas.ts';

const Params = z.object({ broadcastId: IdNumber() });

/** Broadcasts (群发): prepare, estimate reach, test-send, schedule, approve, pause, cancel, results. */
export const broadcastRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/broadcasts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'The workspace’s broadcasts, newest first',
        response: { 200: z.object({ items: z.array(BroadcastSchema) }), ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      return { items: (await listBroadcasts(db, ws)).map(presentBroadcast) };
    },
  );

  app.post(
    '/broadcasts',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Prepare a broadcast (a draft): audience, templates or A/B variants, coupon, holdout, send time',
        body: BroadcastDefinitionSchema,
        response: { 201: BroadcastSchema, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const b = await createBroadcast(db, caller.workspace, caller.actor, request.body);
      return reply.code(201).send(presentBroadcast(b));
    },
  );

  app.get(
    '/broadcasts/:broadcastId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'One broadcast',
        params: Params,
        response: { 200: BroadcastSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      return presentBroadcast(await getBroadcast(db, ws, request.params.broadcastId));
    },
  );

  app.get(
    '/broadcasts/:broadcastId/reach',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'The reach estimate: members, held out, opted out, capped, without an address, deferred by quiet hours',
        params: Params,
        response: { 200: ReachSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      return estimateReach(db, workspace, await getBroadcast(db, workspace.id, request.params.broadcastId));
    },
  );

  app.get(
    '/broadcasts/:broadcastId/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Results: messages, funnel with revenue, coupon redemptions, lift over the holdout, A/B arms',
        params: Params,
        response: { 200: BroadcastReportSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      return broadcastReport(db, await getBroadcast(db, ws, request.params.broadcastId));
    },
  );

  app.post(
    '/broadcasts/:broadcastId/test',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Send the rendered message to chosen addresses, marked as a test (not counted)',
        params: Params,
        body: TestSendBody,
        response: { 200: TestSendResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = await getBroadcast(db, caller.workspace.id, request.params.broadcastId);
      // The test goes to addresses the caller chose: a caller who may not see personal data gets the name masked.
      return testSendBroadcast(db, caller.workspace, caller.actor, b, request.body, !can(caller.role, 'pii'));
    },
  );

  const action = (
    path: string,
    permission: 'admin' | 'messaging.write',
    summary: string,
    run: typeof scheduleBroadcast,
  ) =>
    app.post(
      `/broadcasts/:broadcastId/${path}`,
      {
        config: { permission },
        schema: {
          tags: ['broadcasts'],
          summary,
          params: Params,
          response: { 200: BroadcastSchema, 409: ERRORS[400], ...ERRORS },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        return presentBroadcast(await run(db, caller.workspace, caller.actor, request.params.broadcastId));
      },
    );
  action(
    'schedule',
    'messaging.write',
    'Schedule a draft (it waits for an admin’s approval when the workspace requires it)',
    scheduleBroadcast,
  );
  action('approve', 'admin', 'Approve a broadcast waiting for approval (admins)', approveBroadcast);
  action('pause', 'messaging.write', 'Pause: queued messages are held until it resumes', pauseBroadcast);
  action('resume', 'messaging.write', 'Resume a paused broadcast', resumeBroadcast);
  action(
    'cancel',
    'messaging.write',
    'Cancel: queued messages are skipped, nothing more is sent',
    cancelBroadcast,
  );
};
