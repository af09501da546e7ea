import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../access/roles.ts';
import { CHANNELS, configureChannel, listChannels, runChannelTest } from '../../channels/index.ts';
import { requireCustomer } from '../../customers/index.ts';
import {
  applyTemplates,
  findTemplate,
  LOCALES,
  listTemplates,
  renderForCustomer,
  sendMessageAs,
  TemplateInput,
} from '../../messaging/index.ts';
import { customerMessages } from '../../messaging/message-history.ts';
import {
  ChannelConfigSchema,
  ChannelTestResultSchema,
  CustomerMessageSchema,
  MessageTemplateSchema,
  SavedNameSchema,
  SendResultSchema,
  TemplatePreviewSchema,
} from '../../messaging/messaging-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS, IdValue, iso, NO_CONTENT } from '../schemas.ts';

const Extra = z
  .object({
    coupon_code: z.string().optional(),
    recommendation: z.string().optional(),
    recommendations: z.array(z.string().max(200)).max(50).optional(),
  })
  .strict();

/** Channels (admins), templates, previews, sends and a customer's messages. */
export const messagingRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/channels',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['messaging'],
        summary: 'Configured channels (secrets only as set / not set)',
        response: { 200: z.array(ChannelConfigSchema), ...ERRORS },
      },
    },
    async (request) =>
      (await listChannels(db, callerOf(request).workspace.id)).map((c) => ({
        ...c,
        updated_at: iso(c.updated_at),
      })),
  );

  app.put(
    '/channels',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['messaging'],
        summary: 'Configure a channel of the workspace; secrets left out keep their stored values',
        body: z
          .object({
            channel: z.enum(CHANNELS),
            config: z.record(z.string(), z.unknown()),
            secrets: z.record(z.string(), z.string()).default({}),
          })
          .strict(),
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { channel, config, secrets } = request.body;
      await configureChannel(db, caller.workspace.id, caller.actor, channel, config, secrets);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/channels/:channel/test',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['messaging'],
        summary: 'Send a test message on a configured channel; a provider refusal is returned as `error`',
        params: z.object({ channel: z.enum(CHANNELS) }),
        body: z.object({ to: z.string().max(320).optional() }).strict(),
        response: { 200: ChannelTestResultSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { channel } = request.params;
      return runChannelTest(db, caller.workspace.id, caller.actor, channel, request.body.to);
    },
  );

  app.get(
    '/templates',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['messaging'],
        summary: 'Message templates',
        response: { 200: z.array(MessageTemplateSchema), ...ERRORS },
      },
    },
    async (request) =>
      (await listTemplates(db, callerOf(request).workspace.id)).map((t) => ({
        ...t,
        updated_at: iso(t.updated_at),
      })),
  );

  app.put(
    '/templates',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['messaging'],
        summary: 'Create or replace a template (Liquid, zh-CN and en)',
        body: TemplateInput,
        response: { 200: SavedNameSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const [name] = await applyTemplates(db, caller.workspace.id, caller.actor, [request.body]);
      return { name: name! };
    },
  );

  const NameParams = z.object({ name: z.string().min(1).max(100) });
  app.post(
    '/templates/:name/preview',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['messaging'],
        summary: 'Render a template for a real customer',
        params: NameParams,
        body: z
          .object({
            customer_id: IdValue,
            locale: z.enum(LOCALES).optional(),
            variables: Extra.optional(),
          })
          .strict(),
        response: { 200: TemplatePreviewSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      await findTemplate(db, caller.workspace.id, request.params.name);
      await requireCustomer(db, caller.workspace.id, request.body.customer_id);
      const r = await renderForCustomer(db, caller.workspace, {
        template: request.params.name,
        customerId: request.body.customer_id,
        locale: request.body.locale,
        variables: request.body.variables,
        maskPersonal: !can(caller.role, 'pii'),
      });
      return { locale: r.locale, subject: r.subject, body: r.body };
    },
  );

  app.post(
    '/messages',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['messaging'],
        summary: 'Send a template to a customer now, once per idempotency_key',
        body: z
          .object({
            template: z.string().min(1),
            customer_id: IdValue,
            idempotency_key: z.string().min(1).max(200),
            locale: z.enum(LOCALES).optional(),
            variables: Extra.optional(),
          })
          .strict(),
        response: { 200: SendResultSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { template, customer_id, idempotency_key, locale, variables } = request.body;
      return sendMessageAs(db, caller.workspace, caller.actor, {
        template,
        customerId: customer_id,
        idempotencyKey: `api:${idempotency_key}`,
        locale,
        variables,
      });
    },
  );

  app.get(
    '/customers/:customerId/messages',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['messaging'],
        summary: 'Messages a customer was sent and what became of them',
        params: CustomerParams,
        response: { 200: z.array(CustomerMessageSchema), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      await requireCustomer(db, caller.workspace.id, customerId);
      const rows = await customerMessages(db, caller.workspace.id, customerId);
      return rows.map((m) => ({
        ...m,
        created_at: iso(m.created_at),
        sent_at: iso(m.sent_at),
        opened_at: iso(m.opened_at),
        clicked_at: iso(m.clicked_at),
        delivered_at: iso(m.delivered_at),
      }));
    },
  );
};
