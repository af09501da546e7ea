import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applyJourney,
  backtestJourney,
  findJourney,
  journeyCounts,
  journeyReport,
  listJourneys,
  parseJourney,
  pauseOrResumeJourney,
} from '../../journeys/index.ts';
import {
  BacktestSchema,
  JourneyAppliedSchema,
  JourneyDetailSchema,
  JourneyRowSchema,
} from '../../journeys/journey-contract.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { DateText, ERRORS, iso, NO_CONTENT } from '../schemas.ts';

const JourneyParams = z.object({ journey: z.string().min(1).max(200) });
/** A journey as JSON; checked by the same parser as files, so errors name the same fields. */
const JourneyBody = z.record(z.string(), z.unknown()).describe('a journey (the JSON form of a journey file)');

/** Journeys: apply, list, results, pause and resume, backtest. */
export const journeyRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/journeys',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['journeys'],
        summary:
          'Journeys with their status, trigger, definition, entries and customers per step (no funnel: see each journey)',
        response: { 200: z.array(JourneyRowSchema), ...ERRORS },
      },
    },
    async (request) =>
      Promise.all(
        (await listJourneys(db, callerOf(request).workspace.id)).map(async (j) => {
          const counts = await journeyCounts(db, j);
          return {
            name: j.name,
            status: j.status,
            description: j.definition.description ?? null,
            trigger: j.definition.trigger,
            definition: j.definition,
            entries: counts.entries,
            steps: counts.steps,
            updated_at: iso(j.updated_at),
            version: j.version,
            has_draft: j.draft !== null,
          };
        }),
      ),
  );

  app.put(
    '/journeys',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['journeys'],
        summary: 'Create or replace a journey (checked: steps, graph, templates)',
        body: JourneyBody,
        response: { 200: JourneyAppliedSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const journey = parseJourney(JSON.stringify(request.body), 'body');
      return applyJourney(db, caller.workspace.id, journey, caller.actor);
    },
  );

  app.get(
    '/journeys/:journey',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['journeys'],
        summary: 'A journey: definition, per-step counts, funnel, holdout lift and A/B results',
        params: JourneyParams,
        response: { 200: JourneyDetailSchema, ...ERRORS },
      },
    },
    async (request) => {
      const journey = await findJourney(db, callerOf(request).workspace.id, request.params.journey);
      return {
        definition: journey.definition,
        report: await journeyReport(db, journey),
        version: journey.version,
        draft: journey.draft,
        draft_updated_at: journey.draft_updated_at && iso(journey.draft_updated_at),
        draft_by: journey.draft_by,
      };
    },
  );

  for (const [verb, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    app.post(
      `/journeys/:journey/${verb}`,
      {
        config: { permission: 'messaging.write' },
        schema: {
          tags: ['journeys'],
          summary: verb === 'pause' ? 'Pause a journey' : 'Resume a paused journey',
          params: JourneyParams,
          response: { 204: NO_CONTENT, ...ERRORS },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        await pauseOrResumeJourney(db, caller.workspace.id, caller.actor, request.params.journey, status);
        return reply.code(204).send(null);
      },
    );

  app.post(
    '/journeys/backtest',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['journeys'],
        summary: 'How many customers a journey would have entered and moved over past days (nothing is sent)',
        querystring: z.object({ from: DateText, to: DateText }),
        body: JourneyBody,
        response: { 200: BacktestSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (to <= from) throw new InvalidInputError('query.to: must be after from');
      const journey = parseJourney(JSON.stringify(request.body), 'body');
      return backtestJourney(db, callerOf(request).workspace, journey, { from, to });
    },
  );
};
