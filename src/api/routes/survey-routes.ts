import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/roles.ts';
import { requireCustomer } from '../../customers/index.ts';
import { listJourneys } from '../../journeys/index.ts';
import { segmentsOfCustomers } from '../../segments/index.ts';
import {
  createSurvey,
  getSurvey,
  listResponses,
  listSurveys,
  responseCounts,
  type StoredSurvey,
  SurveyInput,
  surveyReport,
  updateSurvey,
} from '../../surveys/index.ts';
import {
  type Survey,
  SurveyReportSchema,
  SurveyResponsePage,
  SurveySchema,
} from '../../surveys/survey-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS, IdNumber, iso, TimeIdCursor } from '../schemas.ts';

const SurveyParams = z.object({ surveyId: IdNumber() });
const ResponseQuery = z
  .object({
    with_text: z.enum(['true', 'false']).optional(),
    cursor: TimeIdCursor.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const present = (s: StoredSurvey, responses: number): Survey => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  status: s.status,
  definition: s.definition,
  responses,
  created_at: iso(s.created_at),
  updated_at: iso(s.updated_at),
});

/** Surveys (NPS, CSAT, custom): define them, read their report and their answers. */
export const surveyRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;
  const count = async (workspaceId: number, id: number) =>
    (await responseCounts(db, workspaceId, id)).get(id) ?? 0;

  app.get(
    '/surveys',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['surveys'],
        summary: 'The workspace’s surveys, newest first, with their answer counts',
        response: { 200: z.object({ items: z.array(SurveySchema) }), ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      const counts = await responseCounts(db, ws);
      return { items: (await listSurveys(db, ws)).map((s) => present(s, counts.get(s.id) ?? 0)) };
    },
  );

  app.post(
    '/surveys',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['surveys'],
        summary: 'Create a survey (NPS 0–10, CSAT 1–5 or custom questions) with its task rules',
        body: SurveyInput,
        response: { 201: SurveySchema, 409: ERRORS[400], ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const survey = await createSurvey(db, caller.workspace, caller.actor, request.body);
      return reply.code(201).send(present(survey, 0));
    },
  );

  app.get(
    '/surveys/:surveyId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['surveys'],
        summary: 'One survey',
        params: SurveyParams,
        response: { 200: SurveySchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      const survey = await getSurvey(db, ws, request.params.surveyId);
      return present(survey, await count(ws, survey.id));
    },
  );

  app.patch(
    '/surveys/:surveyId',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['surveys'],
        summary: 'Replace a survey’s definition (its kind stays) or archive it (links stop taking answers)',
        params: SurveyParams,
        body: z
          .object({ definition: SurveyInput.optional(), status: z.enum(['active', 'archived']).optional() })
          .strict(),
        response: { 200: SurveySchema, 409: ERRORS[400], ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const survey = await updateSurvey(
        db,
        caller.workspace,
        caller.actor,
        request.params.surveyId,
        request.body,
      );
      return present(survey, await count(caller.workspace.id, survey.id));
    },
  );

  app.get(
    '/surveys/:surveyId/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['surveys'],
        summary:
          'Response rate, NPS (with its 95% interval) or CSAT, per month, channel, journey and segment',
        params: SurveyParams,
        response: { 200: SurveyReportSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      const survey = await getSurvey(db, workspace.id, request.params.surveyId);
      const report = await surveyReport(db, workspace, survey, (ids) =>
        segmentsOfCustomers(db, workspace.id, ids),
      );
      const names = new Map((await listJourneys(db, workspace.id)).map((j) => [String(j.id), j.name]));
      report.by_journey = report.by_journey.map((f) => ({ ...f, key: names.get(f.key) ?? f.key }));
      return report;
    },
  );

  app.get(
    '/surveys/:surveyId/responses',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['surveys'],
        summary: 'A survey’s answers, newest first; `with_text=true` for the verbatims',
        params: SurveyParams,
        querystring: ResponseQuery,
        response: { 200: SurveyResponsePage, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const survey = await getSurvey(db, caller.workspace.id, request.params.surveyId);
      const q = request.query;
      return listResponses(
        db,
        caller.workspace.id,
        { surveyId: survey.id, withText: q.with_text === 'true', before: q.cursor, limit: q.limit },
        { maskNames: !can(caller.role, 'pii') },
      );
    },
  );

  app.get(
    '/customers/:customerId/survey-responses',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['surveys'],
        summary: 'A customer’s survey answers, newest first',
        params: CustomerParams,
        querystring: ResponseQuery,
        response: { 200: SurveyResponsePage, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await requireCustomer(db, caller.workspace.id, request.params.customerId);
      const q = request.query;
      return listResponses(
        db,
        caller.workspace.id,
        {
          customerId: request.params.customerId,
          withText: q.with_text === 'true',
          before: q.cursor,
          limit: q.limit,
        },
        { maskNames: !can(caller.role, 'pii') },
      );
    },
  );
};
