import { z } from 'zod';
import { DEFAULT_LIFECYCLE, type LifecycleThresholds } from '../segments/lifecycle-stage.ts';
import type { RfmSplit } from '../segments/rfm-score.ts';
import { CHANNELS } from '../shared/channel-codes.ts';
import { InvalidInputError, parseInput } from '../shared/errors.ts';
import { hasLoneSurrogate, hasNul, setOwn } from '../shared/safe-input.ts';

/** The default tiers: 银卡 from ¥1,000, 金卡 from ¥5,000, 钻石卡 from ¥20,000 of net spend in 12 months. */
export const DEFAULT_TIERS = [
  { code: 'silver', name_zh: '银卡', name_en: 'Silver', min: 100_000, multiplier: 1, free_shipping: false },
  { code: 'gold', name_zh: '金卡', name_en: 'Gold', min: 500_000, multiplier: 1.5, free_shipping: true },
  {
    code: 'diamond',
    name_zh: '钻石卡',
    name_en: 'Diamond',
    min: 2_000_000,
    multiplier: 2,
    free_shipping: true,
  },
];

const days = z.number().int().min(0).max(36_500);
/** Channels that reach staff: email to the member's address, the WeCom group robot, the webhook. */
export const STAFF_CHANNELS = ['email', 'wecom_robot', 'webhook'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];
const staffChannels = z
  .array(z.enum(STAFF_CHANNELS))
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'each channel once')
  .default(['email']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 21:00');
const quietHours = z.object({ start: hhmm, end: hhmm }).strict();
/** The purposes a message template carries: marketing, or transactional (order and service notices). */
export const PURPOSES = ['marketing', 'transactional'] as const;
/**
 * One override of the reach rules: a field left out falls back to the next rule
 * (docs/messages.md, "Reach rules"); null turns it off (no cap, no quiet hours).
 */
const ReachOverride = z
  .object({
    /** At most `count` messages in `days` rolling days, counted where the override applies. */
    cap: z
      .object({ count: z.number().int().min(0).max(100), days: z.number().int().min(1).max(365) })
      .strict()
      .nullable()
      .optional(),
    quiet_hours: quietHours.nullable().optional(),
  })
  .strict();
const ChannelOverride = ReachOverride.extend({
  /** The channel's rules for one purpose, over the channel's own. */
  purposes: z.partialRecord(z.enum(PURPOSES), ReachOverride).optional(),
}).strict();
export const SettingsSchema = z.object({
  rfm: z.object({ split: z.enum(['mean', 'score']).default('mean') }).default({ split: 'mean' }),
  lifecycle: z
    .object({
      new_days: days.default(DEFAULT_LIFECYCLE.new_days),
      active_days: days.default(DEFAULT_LIFECYCLE.active_days),
      silent_days: days.default(DEFAULT_LIFECYCLE.silent_days),
      loyal_tenure_days: days.default(DEFAULT_LIFECYCLE.loyal_tenure_days),
      loyal_window_days: days.default(DEFAULT_LIFECYCLE.loyal_window_days),
      loyal_min_orders: z.number().int().min(1).max(1000).default(DEFAULT_LIFECYCLE.loyal_min_orders),
    })
    .default(DEFAULT_LIFECYCLE),
  points: z
    .object({
      /** Whether orders earn points (a merchant turns its points programme on). */
      enabled: z.boolean().default(false),
      /** Points per major unit of net spend (1 point per ¥1), rounded down per order. */
      per_unit: z.number().min(0).max(1000).default(1),
      /** Days of the month that are member days (会员日), e.g. [18]. */
      member_days: z.array(z.number().int().min(1).max(31)).default([]),
      member_day_multiplier: z.number().min(1).max(100).default(2),
      first_order_bonus: z.number().int().min(0).default(0),
      birthday_month_bonus: z.number().int().min(0).default(0),
      /** Points for events, by event type, e.g. {"review": 20, "survey_answered": 10}. */
      event_bonuses: z.record(z.string().min(1), z.number().int().min(1)).default({}),
      /** Earned points expire at the end of the year after the year they were earned, or never. */
      expiry: z.enum(['end_of_next_year', 'never']).default('end_of_next_year'),
    })
    .prefault({}),
  tiers: z
    .object({
      /** Whether tiers are evaluated on orders and daily. */
      enabled: z.boolean().default(false),
      /** What qualifies: rolling 12-month net spend (minor units) or points earned — never the balance. */
      basis: z.enum(['spend', 'points']).default('spend'),
      grace_days: days.default(30),
      levels: z
        .array(
          z.object({
            code: z.string().min(1),
            name_zh: z.string().min(1),
            name_en: z.string().min(1),
            min: z.number().int().min(0),
            multiplier: z.number().min(1).max(100).default(1),
            free_shipping: z.boolean().default(false),
            birthday_coupon_template: z.string().optional(),
          }),
        )
        .default(DEFAULT_TIERS),
    })
    .prefault({}),
  messaging: z
    .object({
      /** At most this many marketing messages per customer per rolling window, across channels. */
      frequency_cap: z.number().int().min(0).max(100).default(2),
      frequency_days: z.number().int().min(1).max(365).default(7),
      /** Marketing messages due in these local hours wait until they end; null sends at any hour. */
      quiet_hours: quietHours.nullable().default({ start: '21:00', end: '09:00' }),
      /** Overrides of the cap and quiet hours by channel code (and purpose within it). */
      channels: z.partialRecord(z.enum(CHANNELS), ChannelOverride).default({}),
      /** Overrides by purpose, across channels; transactional messages have no cap or quiet hours without one. */
      purposes: z.partialRecord(z.enum(PURPOSES), ReachOverride).default({}),
      /** Channels a message prefers, first to last, when a step offers several. */
      channel_priority: z
        .array(z.string().min(1))
        .default(['wechat_template', 'sms_aliyun', 'sms_tencent', 'email', 'wecom_robot', 'webhook']),
      /** Provider errors that may pass are retried with backoff up to this many attempts in all. */
      max_attempts: z.number().int().min(1).max(20).default(5),
    })
    .prefault({}),
  referrals: z
    .object({
      /** Points for the referrer and for the new customer on the new customer's first valid order. */
      referrer_points: z.number().int().min(0).default(0),
      referee_points: z.number().int().min(0).default(0),
      /** Coupon templates (by name) issued to each on that order. */
      referrer_coupon: z.string().optional(),
      referee_coupon: z.string().optional(),
    })
    .prefault({}),
  tasks: z
    .object({
      /** The workspace's own task kinds, beside the built-in ones (callback, vip_care, …). */
      kinds: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a code such as birthday_call')).default([]),
      /** The workspace's own outcome codes for a done task, beside the built-in ones. */
      outcomes: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a code such as sent_sample')).default([]),
      /** Words for those own codes (code → 生日关怀电话), shown in place of the code on the dashboard. */
      labels: z
        .record(
          z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a code such as birthday_call'),
          z
            .string()
            .trim()
            .min(1)
            .max(40)
            .refine((s) => !hasNul(s) && !hasLoneSurrogate(s), 'must be text without NUL or half characters'),
        )
        .default({}),
      /** Overdue open tasks: a message to the assignee, then to the admins after a further delay. */
      escalation: z
        .object({
          enabled: z.boolean().default(false),
          channels: staffChannels,
          /** Minutes past the due time before the assignee is told (0: as soon as it is overdue). */
          assignee_after_minutes: z.number().int().min(0).max(43_200).default(0),
          /** Hours after the assignee's escalation before the admins are told. */
          admins_after_hours: z.number().int().min(0).max(720).default(24),
        })
        .prefault({}),
      /** Once a day at a local hour, each assignee gets the list of their open tasks. */
      digest: z
        .object({
          enabled: z.boolean().default(false),
          channels: staffChannels,
          hour: z.number().int().min(0).max(23).default(9),
        })
        .prefault({}),
    })
    .prefault({}),
  broadcasts: z
    .object({
      /** A broadcast an operator schedules waits for an admin's approval before it is sent. */
      require_approval: z.boolean().default(false),
    })
    .prefault({}),
  prediction: z
    .object({
      /** The purchase-count model the daily refresh fits: BG/NBD or Pareto/NBD. */
      model: z.enum(['bgnbd', 'paretonbd']).default('bgnbd'),
      /** The time unit of the fit's parameters (the predictions are the same in either). */
      unit: z.enum(['day', 'week']).default('week'),
      /** Predicted CLV covers this many days ahead. */
      horizon_days: z.number().int().min(30).max(3650).default(365),
      /** Each month's expected spend is discounted at this rate per month. */
      monthly_discount_rate: z.number().min(0).max(1).default(0.01),
      /** The share of spend that is margin (1: CLV in revenue). */
      margin: z.number().min(0).max(1).default(1),
    })
    .prefault({}),
});

/** A workspace's segmentation settings, with PRODUCT.md's defaults filled in. */
export type WorkspaceSettings = z.output<typeof SettingsSchema> & {
  rfm: { split: RfmSplit };
  lifecycle: LifecycleThresholds;
};

/** Reads the `settings` column; a clear error names the bad field. */
export function readSettings(raw: unknown): WorkspaceSettings {
  return parseInput(SettingsSchema, raw ?? {}, 'workspace setting', '');
}

/** Keys that name an object's machinery rather than its data; never a setting. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The schema inside defaults, optionals and nullables. */
function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  while ('innerType' in node.def) node = node.def.innerType as z.ZodType;
  return node;
}

/**
 * The names the schema knows at a point of a path: an object's own fields, or any name for a
 * record (event bonuses by event type); null when the path cannot go deeper.
 */
function knownKeys(schema: z.ZodType): { fields: string[] } | { any: true } | null {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) return { fields: Object.keys(node.shape) };
  if (node instanceof z.ZodRecord) return { any: true };
  return null;
}

/** Checks each key of a dotted path against the settings tree; a clear error names the first bad one. */
function checkPath(path: string, keys: string[]): void {
  let schema: z.ZodType | undefined = SettingsSchema;
  for (const [i, key] of keys.entries()) {
    const known = schema ? knownKeys(schema) : null;
    const at = keys.slice(0, i).join('.');
    const fail = (why: string) => new InvalidInputError(`unknown setting "${path}": ${why}`);
    if (FORBIDDEN_KEYS.has(key)) throw fail(`"${key}" is not a setting name`);
    if (!known) throw fail(`"${at}" has no settings inside it`);
    if ('fields' in known) {
      if (!known.fields.includes(key))
        throw fail(`${at ? `"${at}" has` : 'the sections are'} ${known.fields.join(', ')}`);
      schema = (unwrap(schema!) as z.ZodObject).shape[key] as z.ZodType;
    } else schema = (unwrap(schema!) as z.ZodRecord).valueType as z.ZodType;
  }
}

/**
 * Sets `path` (dotted, e.g. `points.member_days`) in raw settings to `value`, and checks the
 * result; returns the new raw settings. Every key of the path must be one the settings know
 * (own fields only, so no input reaches `Object.prototype`); a clear error names a bad path or value.
 *
 * @example setSetting(ws.settings, 'points.enabled', true)
 */
export function setSetting(raw: unknown, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  if (!path || keys.some((k) => k === ''))
    throw new InvalidInputError(`a setting needs a name such as points.enabled (got "${path}")`);
  checkPath(path, keys);
  const next = structuredClone((raw ?? {}) as Record<string, unknown>);
  let node = next;
  for (const key of keys.slice(0, -1)) {
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (typeof child !== 'object' || child === null || Array.isArray(child)) setOwn(node, key, {});
    node = node[key] as Record<string, unknown>;
  }
  setOwn(node, keys[keys.length - 1]!, value);
  parseInput(SettingsSchema.strict(), next, 'workspace setting', path);
  return next;
}
