// The way back from a segment condition (README, Segments) to the builder's rules, for conditions
// the rules can show: one rule, or all/any of rules, each maybe under `not`.
import { ATTRIBUTES, COMPARE, FIELDS, IDENTITIES, newRule, type Rule } from './segment-rule.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysAre = (o: Json, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k));
const isCompare = (op: unknown): op is string => COMPARE.includes(op as never);
const str = (n: unknown) => (typeof n === 'number' ? String(n) : undefined);

/** One leaf condition as a rule, or undefined when no rule shows it exactly. */
function leafRule(c: Json, minorPerUnit: number): Rule | undefined {
  if ('field' in c && keysAre(c, ['field', 'op', 'value'])) {
    if (!FIELDS.includes(c.field as never) || !isCompare(c.op) || typeof c.value !== 'number') return;
    const value = c.field === 'net_total' ? c.value / minorPerUnit : c.value;
    return { ...newRule('field'), subject: c.field as string, op: c.op, value: String(value) };
  }
  if ('orders' in c && keysAre(c, ['orders', 'op', 'value', 'measure'])) {
    const o = c.orders;
    if (!isObject(o) || !keysAre(o, ['within_days', 'sku']) || (c.measure ?? 'count') !== 'count') return;
    if (!isCompare(c.op) || typeof c.value !== 'number') return;
    return {
      ...newRule('orders'),
      withinDays: str(o.within_days) ?? '',
      subject: typeof o.sku === 'string' ? o.sku : '',
      op: c.op,
      value: String(c.value),
    };
  }
  if ('event' in c && keysAre(c, ['event', 'within_days'])) {
    if (typeof c.event !== 'string') return;
    return { ...newRule('event'), subject: c.event, withinDays: str(c.within_days) ?? '' };
  }
  if ('tag' in c && keysAre(c, ['tag']) && typeof c.tag === 'string')
    return { ...newRule('tag'), value: c.tag };
  if ('attribute' in c && keysAre(c, ['attribute', 'op', 'value'])) {
    if (!ATTRIBUTES.includes(c.attribute as never)) return;
    if (c.op === 'is_set' || c.op === 'not_set')
      return c.value === undefined
        ? { ...newRule('attribute'), subject: c.attribute as string, op: c.op }
        : undefined;
    if (!['eq', 'neq', 'contains'].includes(c.op as string) || typeof c.value !== 'string' || !c.value)
      return;
    return { ...newRule('attribute'), subject: c.attribute as string, op: c.op as string, value: c.value };
  }
  for (const kind of ['rfm_group', 'lifecycle'] as const)
    if (kind in c && keysAre(c, [kind]) && Array.isArray(c[kind]) && (c[kind] as unknown[]).length)
      return { ...newRule(kind), values: c[kind] as string[] };
  if ('score' in c && keysAre(c, ['score', 'op', 'value'])) {
    if (!['r', 'f', 'm'].includes(c.score as string) || !isCompare(c.op) || typeof c.value !== 'number')
      return;
    return { ...newRule('score'), subject: c.score as string, op: c.op, value: String(c.value) };
  }
  if ('survey' in c && keysAre(c, ['survey', 'nps_group', 'score'])) return surveyRule(c);
  if ('identity' in c && keysAre(c, ['identity']) && IDENTITIES.includes(c.identity as never))
    return { ...newRule('identity'), subject: c.identity as string };
  return undefined;
}

/** A survey condition as a rule, when its parts are the ones the rule shows. */
function surveyRule(c: Json): Rule | undefined {
  const w = c.survey;
  const score = c.score;
  if (!isObject(w) || !keysAre(w, ['name', 'kind', 'within_days'])) return;
  if (c.nps_group !== undefined && !Array.isArray(c.nps_group)) return;
  if (score !== undefined && (!isObject(score) || !keysAre(score, ['op', 'value']) || !isCompare(score.op)))
    return;
  if (score !== undefined && !Number.isInteger(score.value)) return;
  return {
    ...newRule('survey'),
    subject: typeof w.name === 'string' ? w.name : '',
    surveyKind: typeof w.kind === 'string' ? w.kind : '',
    withinDays: str(w.within_days) ?? '',
    values: (c.nps_group ?? []) as string[],
    op: score ? (score.op as string) : 'lte',
    value: score ? String(score.value) : '',
  };
}

function ruleOf(c: unknown, minorPerUnit: number): Rule | undefined {
  if (!isObject(c)) return undefined;
  if ('not' in c && keysAre(c, ['not']) && isObject(c.not)) {
    const inner = leafRule(c.not, minorPerUnit);
    return inner && { ...inner, not: true };
  }
  return leafRule(c, minorPerUnit);
}

/** The rules and join that make exactly this condition, or undefined when rules cannot. */
export function conditionRules(
  condition: unknown,
  minorPerUnit: number,
): { rules: Rule[]; join: 'all' | 'any' } | undefined {
  if (isObject(condition))
    for (const join of ['all', 'any'] as const) {
      const list = condition[join];
      if (join in condition && keysAre(condition, [join]) && Array.isArray(list) && list.length) {
        const rules = list.map((c) => ruleOf(c, minorPerUnit));
        return rules.every((r) => r !== undefined) ? { rules: rules as Rule[], join } : undefined;
      }
    }
  const one = ruleOf(condition, minorPerUnit);
  return one ? { rules: [one], join: 'all' } : undefined;
}
