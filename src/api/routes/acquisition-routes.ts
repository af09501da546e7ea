import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CacReportSchema,
  cacReport,
  listSpend,
  MonthRangeQuery,
  SpendPutBody,
  SpendPutResult,
  SpendRowSchema,
  saveSpend,
} from '../../acquisition/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS } from '../schemas.ts';

function checkRange(range: MonthRangeQuery) {
  if (range.from && range.to && range.to < range.from)
    throw new InvalidInputError(`querystring.to: ${range.to} must not be before from ${range.from}`);
}

/** Marketing spend per channel and month, and the CAC report built on it (获客成本). */
export const acquisitionRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/acquisition/spend',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['acquisition'],
        summary: 'Marketing spend per channel and month (minor units), by month then channel',
        querystring: MonthRangeQuery,
        response: { 200: z.array(SpendRowSchema), ...ERRORS },
      },
    },
    async (request) => {
      checkRange(request.query);
      return listSpend(db, callerOf(request).workspace.id, request.query);
    },
  );

  app.put(
    '/acquisition/spend',
    {
      config: { permission: 'data.write' },
      schema: {
        tags: ['acquisition'],
        summary: 'Insert or replace spend rows (amount null removes one), all in one transaction',
        body: SpendPutBody,
        response: { 200: SpendPutResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const source = caller.actor.kind === 'user' ? 'dashboard' : 'api';
      return saveSpend(db, caller.workspace.id, caller.actor, request.body.items, source);
    },
  );

  app.get(
    '/acquisition/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['acquisition'],
        summary: 'CAC, CLV : CAC and payback month per channel and first-order month, for the spend months',
        querystring: MonthRangeQuery,
        response: { 200: CacReportSchema, ...ERRORS },
      },
    },
    async (request) => {
      checkRange(request.query);
      const { workspace } = callerOf(request);
      return cacReport(db, workspace, request.query, todayIn(workspace.timezone));
    },
  );
};
