import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changeProduct,
  createProduct,
  ProductChangeBody,
  ProductCreateBody,
  ProductPageSchema,
  ProductSchema,
  productPage,
} from '../../products/index.ts';
import {
  changeStore,
  createStore,
  listStores,
  StoreChangeBody,
  StoreCreateBody,
  StoreSchema,
} from '../../stores/index.ts';
import { WorkspaceCreateBody, WorkspaceSchema } from '../../workspaces/workspace-contract.ts';
import { createWorkspaceFor } from '../../workspaces/workspace-create.ts';
import { Text } from '../access-schemas.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ForbiddenError } from '../errors.ts';
import { Cursor, ERRORS, iso } from '../schemas.ts';

const admin = { permission: 'admin' as const };
const CONFLICT = { 409: ERRORS[400] };
const storeOut = (s: Awaited<ReturnType<typeof listStores>>[number]) => ({
  ...s,
  created_at: iso(s.created_at)!,
});
const CodeParams = z.object({ storeCode: Text(100, 1) });
const SkuParams = z.object({ sku: Text(100, 1) });

/** Stores and products as the settings pages manage them, and creating another workspace. */
export const catalogRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/stores',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['catalog'],
        summary: 'Stores of the workspace',
        response: { 200: z.array(StoreSchema), ...ERRORS },
      },
    },
    async (request) => (await listStores(db, callerOf(request).workspace.id)).map(storeOut),
  );

  app.post(
    '/stores',
    {
      config: admin,
      schema: {
        tags: ['catalog'],
        summary: 'Add a store (its code is what orders, coupon templates and members’ stores carry)',
        body: StoreCreateBody,
        response: { 201: StoreSchema, ...ERRORS, ...CONFLICT },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply
        .code(201)
        .send(storeOut(await createStore(db, caller.workspace.id, caller.actor, request.body)));
    },
  );

  app.patch(
    '/stores/:storeCode',
    {
      config: admin,
      schema: {
        tags: ['catalog'],
        summary: 'Rename a store, set its city, or close it (kept for its history)',
        params: CodeParams,
        body: StoreChangeBody,
        response: { 200: StoreSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return storeOut(
        await changeStore(db, caller.workspace.id, caller.actor, request.params.storeCode, request.body),
      );
    },
  );

  app.get(
    '/products',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['catalog'],
        summary: 'Products by SKU, a page at a time; `q` finds a SKU or name',
        querystring: z.object({
          q: Text(100).optional(),
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: ProductPageSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { q, cursor, limit } = request.query;
      return productPage(db, callerOf(request).workspace.id, {
        search: q,
        offset: Number(cursor ?? 0),
        limit,
      });
    },
  );

  app.post(
    '/products',
    {
      config: admin,
      schema: {
        tags: ['catalog'],
        summary: 'Add a product before its first sale (products also come from imported order lines)',
        body: ProductCreateBody,
        response: { 201: ProductSchema, ...ERRORS, ...CONFLICT },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      return reply.code(201).send(await createProduct(db, caller.workspace.id, caller.actor, request.body));
    },
  );

  app.patch(
    '/products/:sku',
    {
      config: admin,
      schema: {
        tags: ['catalog'],
        summary: 'Set a product’s name, category or repurchase interval (the `replenishment` trigger)',
        params: SkuParams,
        body: ProductChangeBody,
        response: { 200: ProductSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return changeProduct(db, caller.workspace.id, caller.actor, request.params.sku, request.body);
    },
  );

  app.post(
    '/workspaces',
    {
      config: admin,
      schema: {
        tags: ['workspace'],
        summary: 'Create another workspace; the signed-in admin becomes its first admin (not for API keys)',
        body: WorkspaceCreateBody,
        response: { 201: WorkspaceSchema, ...ERRORS, ...CONFLICT },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.actor.kind !== 'user')
        throw new ForbiddenError('only a signed-in user can create a workspace (they become its admin)');
      const created = await createWorkspaceFor(
        db,
        caller.workspace.id,
        caller.actor,
        Number(caller.actor.id),
        request.body,
      );
      return reply
        .code(201)
        .send({ name: created.name, timezone: created.timezone, currency: created.currency });
    },
  );
};
