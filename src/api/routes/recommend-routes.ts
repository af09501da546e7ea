import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireCustomer } from '../../customers/index.ts';
import {
  associationsOf,
  lastAssociationRefresh,
  refreshAssociations,
} from '../../predict/product-associations.ts';
import { recommendFor } from '../../predict/recommendation.ts';
import {
  AssociationRefreshBody,
  AssociationRefreshSchema,
  AssociationsQuery,
  CustomerRecommendationsSchema,
  ProductAssociationsSchema,
  RecommendationsQuery,
} from '../../predict/recommendation-contract.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS } from '../schemas.ts';

/** Product associations (read, refresh) and a customer's recommendations from them. */
export const recommendRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/customers/:customerId/recommendations',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'A customer’s top-N products (猜你喜欢) from the stored associations',
        params: CustomerParams,
        querystring: RecommendationsQuery,
        response: { 200: CustomerRecommendationsSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      const customerId = request.params.customerId;
      await requireCustomer(db, ws, customerId);
      const items = await recommendFor(db, ws, { customerIds: [customerId], top: request.query.top });
      return {
        customer_id: customerId,
        refreshed: await lastAssociationRefresh(db, ws),
        items: items.map(({ customer_id: _, ...r }) => r),
      };
    },
  );

  app.get(
    '/predict/associations',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'A product’s associations: bought in the same order, or in a later order',
        querystring: AssociationsQuery,
        response: { 200: ProductAssociationsSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      const { product, kind } = request.query;
      const found = await associationsOf(db, ws, product, kind);
      return { product, ...found, refreshed: await lastAssociationRefresh(db, ws) };
    },
  );

  app.post(
    '/predict/associations/refresh',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['predict'],
        summary: 'Recompute the product associations now (the worker does it daily)',
        body: AssociationRefreshBody,
        response: { 200: AssociationRefreshSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return refreshAssociations(store, caller.workspace, {
        asOf: request.body.as_of ?? todayIn(caller.workspace.timezone),
        actor: caller.actor,
      });
    },
  );
};
