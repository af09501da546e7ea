import { z } from 'zod';

// The request and response of installing the seed playbook, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod, so the browser build can read it.

/** What the playbook installs. */
export const PLAYBOOK_KINDS = ['message_template', 'coupon_template', 'journey'] as const;

/**
 * What became of one item: `created` (journeys paused), `unchanged` (already there as the
 * playbook has it), `kept` (there, but edited since: the workspace's version is left as it is).
 */
export const PLAYBOOK_OUTCOMES = ['created', 'unchanged', 'kept'] as const;

/** `POST /playbook/install`: nothing to choose, the whole playbook goes in (an empty object). */
export const PlaybookInstallBody = z.object({}).strict();

/** One item of the playbook and what became of it. */
export const PlaybookItemSchema = z.object({
  kind: z.enum(PLAYBOOK_KINDS),
  name: z.string(),
  outcome: z.enum(PLAYBOOK_OUTCOMES),
});
export type PlaybookItem = z.infer<typeof PlaybookItemSchema>;

/** The result of an install: every item in install order, and how many of each outcome. */
export const PlaybookResultSchema = z.object({
  items: z.array(PlaybookItemSchema),
  created: z.number().int(),
  unchanged: z.number().int(),
  kept: z.number().int(),
});
export type PlaybookResult = z.infer<typeof PlaybookResultSchema>;
