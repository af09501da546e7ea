import { z } from 'zod';
import { CHANNELS } from '../channels/channel.ts';

// The response shapes of channels, templates and messages, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod and the channel codes, so the browser build
// can read them.

/** The channels a message template can be sent on, in the API's order. */
export { CHANNELS };

/** A channel of `GET /channels`: its settings, and each secret only as set or not. */
export const ChannelConfigSchema = z.object({
  channel: z.string().describe('a channel code'),
  config: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.enum(['set', 'not set'])),
  updated_at: z.string(),
});
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;

/** `POST /channels/{channel}/test`: sent (with the provider's id), or the provider's refusal. */
export const ChannelTestResultSchema = z.union([
  z.object({ sent: z.literal(true), provider_id: z.string().nullable() }),
  z.object({ sent: z.literal(false), error: z.string() }),
]);
export type ChannelTestResult = z.infer<typeof ChannelTestResultSchema>;

/** A message template of `GET /templates`: Liquid texts per locale. */
export const MessageTemplateSchema = z.object({
  workspace_id: z.number(),
  name: z.string(),
  channel: z.string().describe('a channel code'),
  purpose: z.enum(['marketing', 'transactional']),
  subject: z.record(z.string(), z.string()).describe('per locale: {"zh-CN": "…", "en": "…"}'),
  body: z.record(z.string(), z.string()),
  updated_at: z.string(),
});
export type MessageTemplate = z.infer<typeof MessageTemplateSchema>;

/** `PUT /templates` (and `PUT /journeys`): the name saved. */
export const SavedNameSchema = z.object({ name: z.string() });
export type SavedName = z.infer<typeof SavedNameSchema>;

/** `POST /templates/{name}/preview`: the texts as a real customer would get them. */
export const TemplatePreviewSchema = z.object({
  locale: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
});
export type TemplatePreview = z.infer<typeof TemplatePreviewSchema>;

const MessageStatus = z.enum(['queued', 'sending', 'sent', 'failed', 'skipped']);

/** `POST /messages`: what became of the send; `fresh` false when the idempotency key was used before. */
export const SendResultSchema = z.object({
  status: MessageStatus,
  reason: z.string().nullable(),
  fresh: z.boolean(),
});

/** A message of `GET /customers/{id}/messages`, newest first. */
export const CustomerMessageSchema = z.object({
  id: z.number(),
  channel: z.string(),
  template: z.string(),
  purpose: z.string(),
  status: MessageStatus,
  reason: z.string().nullable(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
  opened_at: z.string().nullable(),
  clicked_at: z.string().nullable(),
  resends: z.number().describe('sent again after a worker died holding it'),
  delivered_at: z
    .string()
    .nullable()
    .describe('when the provider confirmed receipt (WeCom customer contact)'),
});
export type CustomerMessage = z.infer<typeof CustomerMessageSchema>;
