import { z } from 'zod';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';

const compare = z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);
const attribute = z.enum(['external_id', 'name', 'gender', 'city', 'country', 'member_tier']);
const identityType = z.enum([
  'external_id',
  'phone',
  'email',
  'wechat_unionid',
  'wechat_openid',
  'platform_id',
  'member_card',
]);
const field = z.enum(['order_count', 'net_total', 'days_since_last_order', 'days_since_first_order']);
const groupCode = z.enum(RFM_GROUPS.map((g) => g.code) as [string, ...string[]]);

/** A leaf condition or AND/OR/NOT of conditions; the JSON the CLI, API and UI all speak. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | {
      attribute: z.infer<typeof attribute>;
      op: 'eq' | 'neq' | 'in' | 'contains' | 'is_set' | 'not_set';
      value?: string | string[];
    }
  | { tag: string }
  | { identity: z.infer<typeof identityType> }
  | { field: z.infer<typeof field>; op: z.infer<typeof compare>; value: number }
  | {
      orders: { within_days?: number; sku?: string };
      measure?: 'count' | 'sum';
      op: z.infer<typeof compare>;
      value: number;
    }
  | { event: string; within_days: number; properties?: Record<string, string>; did?: boolean }
  | { rfm_group: string[] }
  | { lifecycle: string[] }
  | { score: 'r' | 'f' | 'm'; op: z.infer<typeof compare>; value: number };

/** The schema of each kind of condition, by the key that names it. */
const BRANCHES = {
  all: z.object({ all: z.array(z.lazy(() => ConditionSchema)).min(1) }).strict(),
  any: z.object({ any: z.array(z.lazy(() => ConditionSchema)).min(1) }).strict(),
  not: z.object({ not: z.lazy(() => ConditionSchema) }).strict(),
  attribute: z
    .object({
      attribute,
      op: z.enum(['eq', 'neq', 'in', 'contains', 'is_set', 'not_set']),
      value: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .strict(),
  tag: z.object({ tag: z.string().min(1) }).strict(),
  identity: z.object({ identity: identityType }).strict(),
  field: z.object({ field, op: compare, value: z.number() }).strict(),
  orders: z
    .object({
      orders: z
        .object({ within_days: z.number().int().positive().optional(), sku: z.string().min(1).optional() })
        .strict(),
      measure: z.enum(['count', 'sum']).optional(),
      op: compare,
      value: z.number(),
    })
    .strict(),
  event: z
    .object({
      event: z.string().min(1),
      within_days: z.number().int().positive(),
      properties: z.record(z.string(), z.string()).optional(),
      did: z.boolean().optional(),
    })
    .strict(),
  rfm_group: z.object({ rfm_group: z.array(groupCode).min(1) }).strict(),
  lifecycle: z.object({ lifecycle: z.array(z.enum(LIFECYCLE_STAGES)).min(1) }).strict(),
  score: z
    .object({ score: z.enum(['r', 'f', 'm']), op: compare, value: z.number().int().min(1).max(5) })
    .strict(),
} as const;

export const ConditionSchema: z.ZodType<Condition> = z.lazy(
  () =>
    z.union(
      Object.values(BRANCHES) as unknown as [z.ZodType<Condition>, ...z.ZodType<Condition>[]],
    ) as z.ZodType<Condition>,
);

/**
 * Finds the first problem in a condition and says where it is, e.g.
 * `all.1: unknown condition "tagg"` or `all.0.op: Invalid option: expected one of "gt"|…`.
 */
export function explainCondition(value: unknown, path: (string | number)[] = []): string {
  const at = path.length ? `${path.join('.')}: ` : '';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${at}expected a condition object`;
  const key = Object.keys(BRANCHES).find((k) => k in value) as keyof typeof BRANCHES | undefined;
  if (!key) {
    return `${at}unknown condition ${JSON.stringify(Object.keys(value))}; expected one of ${Object.keys(BRANCHES).join(', ')}`;
  }
  const v = value as Record<string, unknown>;
  if ((key === 'all' || key === 'any') && Array.isArray(v[key])) {
    for (const [i, child] of (v[key] as unknown[]).entries()) {
      if (!ConditionSchema.safeParse(child).success) return explainCondition(child, [...path, key, i]);
    }
  }
  if (key === 'not' && !ConditionSchema.safeParse(v.not).success)
    return explainCondition(v.not, [...path, 'not']);
  const result = BRANCHES[key].safeParse(value);
  if (result.success) return `${at}invalid condition`;
  const issue = result.error.issues[0]!;
  return `${[...path, ...issue.path].join('.') || key}: ${issue.message}`;
}

/** True when evaluating the condition needs RFM scores or lifecycle stages. */
export function needsSegmentation(c: Condition): boolean {
  if ('all' in c) return c.all.some(needsSegmentation);
  if ('any' in c) return c.any.some(needsSegmentation);
  if ('not' in c) return needsSegmentation(c.not);
  return 'rfm_group' in c || 'lifecycle' in c || 'score' in c;
}

/**
 * True when everything the condition reads changes only together with the customers table (its
 * columns, aggregates, orders and order lines, RFM and lifecycle): then only customers whose rows
 * changed (and, for RFM, whose scores moved) can enter or leave. Tags, identities and events
 * change on their own, so segments reading them are always re-evaluated in full.
 */
export function followsCustomerChanges(c: Condition): boolean {
  if ('all' in c) return c.all.every(followsCustomerChanges);
  if ('any' in c) return c.any.every(followsCustomerChanges);
  if ('not' in c) return followsCustomerChanges(c.not);
  return !('tag' in c || 'identity' in c || 'event' in c);
}
