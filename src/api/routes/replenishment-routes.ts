import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCustomer } from '../../customers/index.ts';
import {
  CustomerReplenishmentSchema,
  customerReplenishment,
  IntervalsRefreshBody,
  IntervalsRefreshResult,
  intervalPage,
  learnIntervals,
  ProductIntervalPageSchema,
} from '../../products/index.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { Cursor, CustomerParams, ERRORS } from '../schemas.ts';

/** Products' learned repurchase intervals and what each customer is due to run out of. */
export const replenishmentRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/products/intervals',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['catalog'],
        summary: 'Products’ repurchase intervals: hand-set and learned side by side, and the one in use',
        querystring: z.object({
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: ProductIntervalPageSchema, ...ERRORS },
      },
    },
    async (request) =>
      intervalPage(db, callerOf(request).workspace.id, {
        offset: Number(request.query.cursor ?? 0),
        limit: request.query.limit,
      }),
  );

  app.post(
    '/products/intervals/refresh',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['catalog'],
        summary: 'Learn the repurchase intervals from the orders now (the worker does it daily)',
        body: IntervalsRefreshBody,
        response: { 200: IntervalsRefreshResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return learnIntervals(store, caller.workspace.id, {
        asOf: request.body.as_of ?? todayIn(caller.workspace.timezone),
        actor: caller.actor,
      });
    },
  );

  app.get(
    '/customers/:customerId/replenishment',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['customers'],
        summary:
          'What the customer is due to run out of: each product’s expected date of need, soonest first',
        params: CustomerParams,
        response: { 200: CustomerReplenishmentSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace;
      const id = request.params.customerId;
      await requireCustomer(db, ws.id, id, { notErased: true });
      return customerReplenishment(db, ws.id, id, todayIn(ws.timezone));
    },
  );
};
