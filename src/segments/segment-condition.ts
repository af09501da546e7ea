import { z } from 'zod';
import { MAX_INT4 } from '../shared/safe-input.ts';
import { NPS_GROUPS, SURVEY_KINDS } from '../surveys/survey-codes.ts';
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
/** Days back from the as-of date: within a century, so date arithmetic in SQL cannot overflow. */
const withinDays = z.number().int().positive().max(36_500);
/** Counts, days and minor units are whole numbers; bounded so a bound SQL parameter always fits. */
const whole = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** Most conditions (leaves and AND/OR/NOT) in one condition: each is a subquery or a scan. */
export const MAX_CONDITION_TERMS = 200;
/** Deepest nesting of AND/OR/NOT in one condition. */
export const MAX_CONDITION_DEPTH = 10;

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
  | {
      survey: { name?: string; kind?: 'nps' | 'csat' | 'custom'; within_days?: number };
      nps_group?: ('promoter' | 'passive' | 'detractor')[];
      score?: { op: z.infer<typeof compare>; value: number };
    }
  | { rfm_group: string[] }
  | { lifecycle: string[] }
  | { score: 'r' | 'f' | 'm'; op: z.infer<typeof compare>; value: number }
  | { prediction: (typeof PREDICTION_FIELDS)[number]; op: z.infer<typeof compare>; value: number };

/** Stored prediction figures a condition can compare (money in minor units), e.g. p_alive < 0.3. */
export const PREDICTION_FIELDS = [
  'p_alive',
  'expected_purchases_30d',
  'expected_purchases_90d',
  'expected_purchases_365d',
  'expected_spend',
  'predicted_clv',
] as const;

/** The schema of each kind of condition, by the key that names it. */
const BRANCHES = {
  all: z.object({ all: z.array(z.lazy(() => Unbounded)).min(1) }).strict(),
  any: z.object({ any: z.array(z.lazy(() => Unbounded)).min(1) }).strict(),
  not: z.object({ not: z.lazy(() => Unbounded) }).strict(),
  attribute: z
    .object({
      attribute,
      op: z.enum(['eq', 'neq', 'in', 'contains', 'is_set', 'not_set']),
      value: z.union([z.string().max(1000), z.array(z.string().max(1000)).max(1000)]).optional(),
    })
    .strict(),
  tag: z.object({ tag: z.string().min(1) }).strict(),
  identity: z.object({ identity: identityType }).strict(),
  field: z
    .object({ field, op: compare, value: whole })
    .strict()
    // order_count and the day counts are int columns: a larger bound parameter fails in SQL.
    .refine((c) => c.field === 'net_total' || Math.abs(c.value) <= MAX_INT4, {
      message: `must be within ±${MAX_INT4} for this field`,
      path: ['value'],
    }),
  orders: z
    .object({
      orders: z
        .object({ within_days: withinDays.optional(), sku: z.string().min(1).max(200).optional() })
        .strict(),
      measure: z.enum(['count', 'sum']).optional(),
      op: compare,
      value: whole,
    })
    .strict(),
  event: z
    .object({
      event: z.string().min(1).max(100),
      within_days: withinDays,
      properties: z
        .record(z.string().max(200), z.string().max(1000))
        .refine((p) => Object.keys(p).length <= 20, 'at most 20 properties')
        .optional(),
      did: z.boolean().optional(),
    })
    .strict(),
  survey: z
    .object({
      survey: z
        .object({
          name: z.string().min(1).max(100).optional(),
          kind: z.enum(SURVEY_KINDS).optional(),
          within_days: withinDays.optional(),
        })
        .strict(),
      nps_group: z.array(z.enum(NPS_GROUPS)).min(1).max(3).optional(),
      score: z
        .object({ op: compare, value: z.number().int().min(0).max(10) })
        .strict()
        .optional(),
    })
    .strict(),
  rfm_group: z.object({ rfm_group: z.array(groupCode).min(1).max(50) }).strict(),
  lifecycle: z.object({ lifecycle: z.array(z.enum(LIFECYCLE_STAGES)).min(1).max(50) }).strict(),
  score: z
    .object({ score: z.enum(['r', 'f', 'm']), op: compare, value: z.number().int().min(1).max(5) })
    .strict(),
  prediction: z
    .object({
      prediction: z.enum(PREDICTION_FIELDS),
      op: compare,
      value: z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    })
    .strict(),
} as const;

const Unbounded: z.ZodType<Condition> = z.lazy(
  () =>
    z.union(
      Object.values(BRANCHES) as unknown as [z.ZodType<Condition>, ...z.ZodType<Condition>[]],
    ) as z.ZodType<Condition>,
);

/**
 * What makes a condition too large to evaluate (over {@link MAX_CONDITION_TERMS} terms or
 * {@link MAX_CONDITION_DEPTH} levels of AND/OR/NOT), or undefined. Counts with a stack of its
 * own before any recursive parsing, so 20,000 terms or 3,000 levels never reach the database.
 */
export function conditionSizeProblem(value: unknown): string | undefined {
  let terms = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (++terms > MAX_CONDITION_TERMS)
      return `has more than ${MAX_CONDITION_TERMS} terms; split it into saved segments`;
    if (depth > MAX_CONDITION_DEPTH) return `nests AND/OR/NOT deeper than ${MAX_CONDITION_DEPTH} levels`;
    const n = node as Record<string, unknown>;
    for (const key of ['all', 'any'] as const)
      if (Object.hasOwn(n, key) && Array.isArray(n[key]))
        for (const child of n[key] as unknown[]) stack.push({ node: child, depth: depth + 1 });
    if (Object.hasOwn(n, 'not')) stack.push({ node: n.not, depth: depth + 1 });
  }
  return undefined;
}

/** A condition of bounded size (see {@link conditionSizeProblem}), checked before its shape. */
export const ConditionSchema: z.ZodType<Condition> = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = conditionSizeProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  })
  .pipe(Unbounded) as unknown as z.ZodType<Condition>;

/**
 * Finds the first problem in a condition and says where it is, e.g.
 * `all.1: unknown condition "tagg"` or `all.0.op: Invalid option: expected one of "gt"|…`.
 */
export function explainCondition(value: unknown, path: (string | number)[] = []): string {
  const at = path.length ? `${path.join('.')}: ` : '';
  const tooLarge = path.length ? undefined : conditionSizeProblem(value);
  if (tooLarge) return tooLarge;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${at}expected a condition object`;
  const key = Object.keys(BRANCHES).find((k) => Object.hasOwn(value, k)) as keyof typeof BRANCHES | undefined;
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

/** Which RFM figures the condition reads (lifecycle stages depend on a customer's own facts only). */
export function rfmReads(c: Condition): { r: boolean; f: boolean; m: boolean; group: boolean } {
  if ('all' in c || 'any' in c || 'not' in c) {
    const parts = 'all' in c ? c.all : 'any' in c ? c.any : [c.not];
    const reads = parts.map(rfmReads);
    return {
      r: reads.some((x) => x.r),
      f: reads.some((x) => x.f),
      m: reads.some((x) => x.m),
      group: reads.some((x) => x.group),
    };
  }
  return {
    r: 'score' in c && c.score === 'r',
    f: 'score' in c && c.score === 'f',
    m: 'score' in c && c.score === 'm',
    group: 'rfm_group' in c,
  };
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
  // Predictions are rewritten by the daily refit, not with the customer's row.
  return !('tag' in c || 'identity' in c || 'event' in c || 'survey' in c || 'prediction' in c);
}
