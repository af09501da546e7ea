import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/roles.ts';
import { getUser } from '../../access/user-service.ts';
import { auditAs } from '../../audit/index.ts';
import { customer360 } from '../../customers/customer-360.ts';
import { CustomerExportSchema, CustomerPageSchema } from '../../customers/customer-contract.ts';
import { eraseCustomer } from '../../customers/customer-erase.ts';
import { countCustomers, searchCustomers } from '../../customers/customer-search.ts';
import { changeCustomer } from '../../customers/customer-update.ts';
import { getCustomerProfile } from '../../customers/index.ts';
import { tagHistory, tagOneCustomer } from '../../customers/tag-service.ts';
import { recentEvents } from '../../events/index.ts';
import { mergeTwoCustomers } from '../../identity/index.ts';
import { upsertCustomer } from '../../importing/customer-upsert.ts';
import type { Condition } from '../../segments/index.ts';
import { conditionFilter, LIFECYCLE_STAGES, RFM_GROUPS, segmentMemberFilter } from '../../segments/index.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerProfileSchema } from '../customer-profile-contract.ts';
import { maskerFor } from '../present.ts';
import { CustomerParams, DateText, ERRORS, IdValue, MAX_INT4, PageQuery } from '../schemas.ts';
import { serviceSection } from './customer-service-routes.ts';

/** The list's filters (segment, tag, lifecycle, RFM group and scores, tier) as SQL over `customers c`. */
export async function listFilters(
  db: ApiContext['store']['db'],
  caller: ReturnType<typeof callerOf>,
  query: {
    segment?: string;
    tag?: string;
    lifecycle?: string;
    rfm_group?: string;
    r_score?: number;
    f_score?: number;
    tier?: string;
  },
) {
  const leaves: Condition[] = [];
  if (query.tag) leaves.push({ tag: query.tag });
  if (query.lifecycle) leaves.push({ lifecycle: [query.lifecycle] });
  if (query.rfm_group) leaves.push({ rfm_group: [query.rfm_group] });
  if (query.r_score) leaves.push({ score: 'r', op: 'eq', value: query.r_score });
  if (query.f_score) leaves.push({ score: 'f', op: 'eq', value: query.f_score });
  if (query.tier) leaves.push({ attribute: 'member_tier', op: 'eq', value: query.tier });
  const filters = [];
  if (query.segment) filters.push(await segmentMemberFilter(db, caller.workspace.id, query.segment));
  if (leaves.length) filters.push(await conditionFilter(db, caller.workspace, { all: leaves }));
  return filters;
}

export const ListQuery = PageQuery.extend({
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      'name or nickname (contains); exact phone, email, external id, member card or order id; 4 digits: phone tail; 3 or 5–10 digits: phone prefix',
    ),
  segment: z.string().optional(),
  tag: z.string().optional(),
  lifecycle: z.enum(LIFECYCLE_STAGES).optional(),
  rfm_group: z.enum(RFM_GROUPS.map((g) => g.code) as [string, ...string[]]).optional(),
  r_score: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .optional()
    .describe('RFM recency score (a cell of /rfm/grid)'),
  f_score: z.coerce.number().int().min(1).max(5).optional().describe('RFM frequency score'),
  tier: z.string().max(64).optional().describe('member tier (member_tier) equals'),
});

export const CustomerInput = z
  .object({
    external_id: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    member_card: z.string().min(1).optional(),
    wechat_unionid: z.string().min(1).optional(),
    wechat_openid: z.string().min(1).optional(),
    platform_id: z.string().min(1).optional(),
    name: z.string().optional(),
    gender: z.string().optional(),
    birthday: DateText.optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    member_tier: z.string().optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

const Changes = z
  .object({
    name: z.string().nullable().optional(),
    gender: z.string().nullable().optional(),
    birthday: DateText.nullable().optional(),
    city: z.string().nullable().optional(),
    country: z.string().nullable().optional(),
    member_tier: z.string().nullable().optional(),
    owner_user_id: z
      .number()
      .int()
      .positive()
      .max(MAX_INT4)
      .nullable()
      .optional()
      .describe('the staff member (user id) who owns the customer; null: nobody'),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Checks that an owner is a member of the workspace; the error names the field. */
async function requireMember(db: ApiContext['store']['db'], workspaceId: number, userId: number) {
  try {
    await getUser(db, workspaceId, userId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new InvalidInputError(`owner_user_id: user ${userId} is not a member of this workspace`, [
      { field: 'body.owner_user_id', message: 'not a member of this workspace' },
    ]);
  }
}

/** Customers: list and search, 360° profile, create, update, tag, merge, personal-data export and erase. */
export const customerRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/customers',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['customers'],
        summary: 'List and search customers',
        querystring: ListQuery,
        response: {
          200: CustomerPageSchema,
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { q, cursor, limit } = request.query;
      const filters = await listFilters(db, caller, request.query);
      const page = await searchCustomers(db, caller.workspace.id, {
        q,
        filters,
        after: cursor === undefined ? undefined : Number(cursor),
        limit,
      });
      const count = await countCustomers(db, caller.workspace.id, { q, filters });
      const mask = maskerFor(caller);
      return {
        items: page.items.map((c) => mask.row(c)),
        next_cursor: page.nextCursor,
        total: count.total,
        total_exact: count.exact,
      };
    },
  );

  app.post(
    '/customers',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary:
          'Create or update a customer by any identity (merges when identities link customers; merging needs data.write)',
        body: CustomerInput,
        response: { 200: z.object({ id: z.number(), created: z.boolean(), merged: z.number() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const result = await upsertCustomer(store, caller.workspace, request.body, {
        mayMerge: can(caller.role, 'data.write'),
      });
      await auditAs(db, caller, {
        action: result.created ? 'customer.create' : 'customer.update',
        objectType: 'customer',
        objectId: result.id,
        detail: { fields: Object.keys(request.body), merged: result.merged },
      });
      return result;
    },
  );

  app.get(
    '/customers/:customerId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['customers'],
        summary: 'The 360° profile of a customer',
        params: CustomerParams,
        response: { 200: CustomerProfileSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return presentProfile(caller, request.params.customerId);
    },
  );

  const presentProfile = async (caller: ReturnType<typeof callerOf>, id: number) => {
    const profile = await customer360(db, caller.workspace.id, id);
    const mask = maskerFor(caller);
    const service = await serviceSection(db, caller, id);
    return {
      ...profile,
      customer: {
        ...profile.customer,
        name: mask.name(profile.customer.name),
        owner_user_id: service.owner_user_id,
      },
      tasks: service.tasks,
      notes: service.notes,
      identities: profile.identities.map((i) => ({ ...i, value: mask.identity(i.type, i.value) })),
      events: profile.events.map((e) => ({ ...e, properties: mask.properties(e.properties) })),
    };
  };

  app.patch(
    '/customers/:customerId',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Change attributes of a customer; answers the profile as it now is',
        params: CustomerParams,
        body: Changes,
        response: { 200: CustomerProfileSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      if (request.body.owner_user_id != null)
        await requireMember(db, caller.workspace.id, request.body.owner_user_id);
      await changeCustomer(db, caller.workspace.id, caller.actor, customerId, request.body);
      return presentProfile(caller, customerId);
    },
  );

  app.post(
    '/customers/:customerId/tags',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Tag a customer',
        params: CustomerParams,
        body: z.object({ tag: z.string().min(1).max(64) }).strict(),
        response: { 200: z.object({ added: z.boolean() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const added = await tagOneCustomer(db, caller.workspace.id, caller.actor, {
        customerId,
        tag: request.body.tag,
      });
      return { added };
    },
  );

  app.delete(
    '/customers/:customerId/tags/:tag',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Remove a tag from a customer',
        params: CustomerParams.extend({ tag: z.string().min(1) }),
        response: { 200: z.object({ removed: z.boolean() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId, tag } = request.params;
      const removed = await tagOneCustomer(db, caller.workspace.id, caller.actor, {
        customerId,
        tag,
        remove: true,
      });
      return { removed };
    },
  );

  app.post(
    '/customers/:customerId/merge',
    {
      config: { permission: 'data.write' },
      schema: {
        tags: ['customers'],
        summary: 'Merge another customer into this one; answers the merged profile',
        params: CustomerParams,
        body: z.object({ other_id: IdValue }).strict(),
        response: { 200: CustomerProfileSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      await mergeTwoCustomers(store, caller.workspace.id, customerId, request.body.other_id, caller.actor);
      return presentProfile(caller, customerId);
    },
  );

  app.get(
    '/customers/:customerId/export',
    {
      config: { permission: 'erase' },
      schema: {
        tags: ['customers'],
        summary: "Everything held about a customer, for a data subject's request (JSON)",
        params: CustomerParams,
        response: { 200: CustomerExportSchema, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const profile = await getCustomerProfile(db, caller.workspace.id, customerId, 1_000_000);
      const [events, history] = await Promise.all([
        recentEvents(db, caller.workspace.id, customerId, 1_000_000),
        tagHistory(db, caller.workspace.id, customerId),
      ]);
      await auditAs(db, caller, {
        action: 'customer.export',
        objectType: 'customer',
        objectId: customerId,
      });
      reply.header('content-disposition', `attachment; filename="customer-${customerId}.json"`);
      // The stored rows as JSON writes them (instants as ISO text), which the schema describes.
      const answer = { ...profile, tag_history: history, events, exported_at: new Date().toISOString() };
      return JSON.parse(JSON.stringify(answer)) as z.infer<typeof CustomerExportSchema>;
    },
  );

  app.delete(
    '/customers/:customerId',
    {
      config: { permission: 'erase' },
      schema: {
        tags: ['customers'],
        summary: 'Erase a customer’s personal data (orders stay, anonymised)',
        params: CustomerParams,
        response: { 200: z.object({ erased: z.literal(true), identities_removed: z.number() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const { identities } = await eraseCustomer(db, caller.workspace.id, customerId, caller.actor);
      return { erased: true as const, identities_removed: identities };
    },
  );
};
