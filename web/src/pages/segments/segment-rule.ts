// One rule of the no-code builder, and the segment condition JSON it stands for (README, Segments).

/** The kinds of rule the builder offers. */
export const RULE_KINDS = [
  'field',
  'orders',
  'event',
  'tag',
  'attribute',
  'rfm_group',
  'lifecycle',
  'score',
  'survey',
  'identity',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Comparisons of numbers. */
export const COMPARE = ['gte', 'gt', 'lte', 'lt', 'eq', 'neq'] as const;
/** Per-customer aggregates. */
export const FIELDS = [
  'order_count',
  'net_total',
  'days_since_last_order',
  'days_since_first_order',
] as const;
/** The kinds of identity a customer may have (an address or an account): `identity` rules test for one. */
export const IDENTITIES = [
  'email',
  'phone',
  'external_id',
  'member_card',
  'wechat_unionid',
  'wechat_openid',
  'platform_id',
] as const;
/** Attributes a rule can test. */
export const ATTRIBUTES = ['city', 'gender', 'member_tier', 'country', 'name', 'external_id'] as const;

/** A rule as the form holds it. */
export interface Rule {
  kind: RuleKind;
  not: boolean;
  op: string;
  /** A number, a text or a list of codes, by kind. */
  value: string;
  values: string[];
  /** The field, attribute, score letter, event type or SKU, by kind. */
  subject: string;
  withinDays: string;
  /** A survey rule's kind of survey (`nps`, `csat`, `custom`; empty: any); its name is `subject`. */
  surveyKind?: string;
}

/** A new rule of a kind, with sensible defaults. */
export function newRule(kind: RuleKind): Rule {
  const subject =
    { field: 'order_count', attribute: 'city', score: 'r', orders: '', event: '', identity: 'email' }[
      kind as string
    ] ?? '';
  return {
    kind,
    not: false,
    op: kind === 'attribute' ? 'eq' : kind === 'survey' ? 'lte' : 'gte',
    value: '',
    values: [],
    subject,
    withinDays: '',
  };
}

const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** The condition JSON of one rule, or undefined while it is incomplete. `minorPerUnit` converts money. */
export function ruleCondition(rule: Rule, minorPerUnit: number): unknown {
  const inner = (() => {
    switch (rule.kind) {
      case 'field': {
        const value = num(rule.value);
        if (Number.isNaN(value)) return undefined;
        return {
          field: rule.subject,
          op: rule.op,
          value: rule.subject === 'net_total' ? Math.round(value * minorPerUnit) : value,
        };
      }
      case 'orders': {
        const value = num(rule.value);
        if (Number.isNaN(value)) return undefined;
        const orders: Record<string, unknown> = {};
        if (rule.withinDays) orders.within_days = Number(rule.withinDays);
        if (rule.subject) orders.sku = rule.subject;
        return { orders, op: rule.op, value };
      }
      case 'event':
        if (!rule.subject) return undefined;
        return {
          event: rule.subject,
          ...(rule.withinDays ? { within_days: Number(rule.withinDays) } : {}),
        };
      case 'tag':
        return rule.value ? { tag: rule.value } : undefined;
      case 'attribute':
        if (rule.op === 'is_set' || rule.op === 'not_set') return { attribute: rule.subject, op: rule.op };
        return rule.value ? { attribute: rule.subject, op: rule.op, value: rule.value } : undefined;
      case 'rfm_group':
        return rule.values.length ? { rfm_group: rule.values } : undefined;
      case 'lifecycle':
        return rule.values.length ? { lifecycle: rule.values } : undefined;
      case 'score': {
        const value = num(rule.value);
        if (!Number.isInteger(value) || value < 1 || value > 5) return undefined;
        return { score: rule.subject, op: rule.op, value };
      }
      case 'survey':
        return surveyCondition(rule);
      case 'identity':
        return { identity: rule.subject };
    }
  })();
  if (inner === undefined) return undefined;
  return rule.not ? { not: inner } : inner;
}

/** The whole condition: every complete rule joined by `all` or `any`; undefined when none is complete. */
export function segmentCondition(rules: Rule[], join: 'all' | 'any', minorPerUnit: number) {
  const parts = rules.map((r) => ruleCondition(r, minorPerUnit)).filter((c) => c !== undefined);
  return parts.length ? { [join]: parts } : undefined;
}

/**
 * A survey rule: the customer's last answer (of the survey `subject` or kind, within the days)
 * is in the NPS groups and its score compares; undefined while the score typed is no number.
 */
function surveyCondition(rule: Rule): unknown {
  const score = rule.value.trim() === '' ? undefined : num(rule.value);
  if (score !== undefined && !Number.isInteger(score)) return undefined;
  const survey: Record<string, unknown> = {};
  if (rule.subject) survey.name = rule.subject;
  if (rule.surveyKind) survey.kind = rule.surveyKind;
  if (rule.withinDays.trim()) survey.within_days = Number(rule.withinDays);
  return {
    survey,
    ...(rule.values.length ? { nps_group: rule.values } : {}),
    ...(score !== undefined ? { score: { op: rule.op, value: score } } : {}),
  };
}
