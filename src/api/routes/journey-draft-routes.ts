import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/roles.ts';
import {
  discardDraft,
  listVersions,
  parseJourney,
  previewPublish,
  publishDraft,
  saveDraft,
  testRunJourney,
} from '../../journeys/index.ts';
import {
  DraftSavedSchema,
  JourneyVersionSchema,
  PublishedSchema,
  PublishPreviewSchema,
  PublishRequestSchema,
  TestRunRequestSchema,
  TestRunSchema,
} from '../../journeys/journey-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS, iso, NO_CONTENT } from '../schemas.ts';

const JourneyParams = z.object({ journey: z.string().min(1).max(200) });
const JourneyBody = z.record(z.string(), z.unknown()).describe('a journey (the JSON form of a journey file)');

/** Journey drafts: save and discard, publish after the backtest, versions, a test run for one customer. */
export const journeyDraftRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;
  const tags = ['journeys'];

  app.put(
    '/journeys/draft',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags,
        summary:
          'Save a journey (named in the body) as its draft, checked as on publish; the published version keeps running, a new journey runs nothing until published',
        body: JourneyBody,
        response: { 200: DraftSavedSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const draft = parseJourney(JSON.stringify(request.body), 'body');
      const r = await saveDraft(db, caller.workspace.id, caller.actor, draft);
      return { ...r, draft_updated_at: iso(r.draft_updated_at) };
    },
  );

  app.delete(
    '/journeys/:journey/draft',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags,
        summary: 'Discard the draft (a journey that was only a draft is removed)',
        params: JourneyParams,
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await discardDraft(db, caller.workspace.id, caller.actor, request.params.journey);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/journeys/:journey/publish/preview',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags,
        summary:
          'Before publishing: the draft’s backtest over the last 30 days and the digest to confirm with',
        params: JourneyParams,
        response: { 200: PublishPreviewSchema, ...ERRORS },
      },
    },
    async (request) => previewPublish(db, callerOf(request).workspace, request.params.journey),
  );

  app.post(
    '/journeys/:journey/publish',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags,
        summary:
          'Publish the draft whose backtest was shown (its digest): new entries run on it, entries inside keep their version',
        params: JourneyParams,
        body: PublishRequestSchema,
        response: { 200: PublishedSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return publishDraft(
        db,
        caller.workspace.id,
        caller.actor,
        request.params.journey,
        request.body.draft_digest,
      );
    },
  );

  app.get(
    '/journeys/:journey/versions',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Published versions, newest first, with the entries still running on each',
        params: JourneyParams,
        response: { 200: z.array(JourneyVersionSchema), ...ERRORS },
      },
    },
    async (request) =>
      (await listVersions(db, callerOf(request).workspace.id, request.params.journey)).map((v) => ({
        ...v,
        published_at: iso(v.published_at),
      })),
  );

  app.post(
    '/journeys/:journey/test-run',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary:
          'The path one customer would take through the draft or published journey, each message rendered (nothing is sent or stored)',
        params: JourneyParams,
        body: TestRunRequestSchema,
        response: { 200: TestRunSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const r = await testRunJourney(db, caller.workspace, request.params.journey, request.body.customer_id, {
        source: request.body.source,
        maskPersonal: !can(caller.role, 'pii'),
      });
      return { ...r, path: r.path.map((p) => ({ ...p, at: iso(p.at) })) };
    },
  );
};
