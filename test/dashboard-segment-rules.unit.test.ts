import { describe, expect, it } from 'vitest';
import { parseCondition } from '../src/segments/segment-service.ts';
import { conditionRules } from '../web/src/pages/segments/condition-rules.ts';
import { newRule, RULE_KINDS, type Rule, segmentCondition } from '../web/src/pages/segments/segment-rule.ts';

// The dashboard's no-code rules must turn into conditions the product's own parser accepts, with
// money in minor units and incomplete rules left out rather than sent half-made.
const rule = (kind: Rule['kind'], changes: Partial<Rule>): Rule => ({ ...newRule(kind), ...changes });

describe('segment builder rules', () => {
  it('turns every kind of complete rule into a condition the segment parser accepts', () => {
    const rules: Rule[] = [
      rule('field', { subject: 'net_total', op: 'gte', value: '99.5' }),
      rule('orders', { withinDays: '60', subject: 'MILK-900G', op: 'gte', value: '1' }),
      rule('event', { subject: 'add_to_cart', withinDays: '7' }),
      rule('tag', { value: 'VIP', not: true }),
      rule('attribute', { subject: 'city', op: 'eq', value: '杭州' }),
      rule('attribute', { subject: 'member_tier', op: 'is_set' }),
      rule('rfm_group', { values: ['important_value', 'important_keep'] }),
      rule('lifecycle', { values: ['silent'] }),
      rule('score', { subject: 'r', op: 'lte', value: '2' }),
      rule('survey', { subject: '购后NPS', values: ['detractor'] }),
      rule('identity', { subject: 'email' }),
    ];
    expect(new Set(rules.map((r) => r.kind))).toEqual(new Set(RULE_KINDS));
    const condition = segmentCondition(rules, 'all', 100);
    expect(() => parseCondition(condition)).not.toThrow();
    expect(condition).toEqual({
      all: [
        { field: 'net_total', op: 'gte', value: 9950 },
        { orders: { within_days: 60, sku: 'MILK-900G' }, op: 'gte', value: 1 },
        { event: 'add_to_cart', within_days: 7 },
        { not: { tag: 'VIP' } },
        { attribute: 'city', op: 'eq', value: '杭州' },
        { attribute: 'member_tier', op: 'is_set' },
        { rfm_group: ['important_value', 'important_keep'] },
        { lifecycle: ['silent'] },
        { score: 'r', op: 'lte', value: 2 },
        { survey: { name: '购后NPS' }, nps_group: ['detractor'] },
        { identity: 'email' },
      ],
    });
    expect(() => parseCondition(segmentCondition(rules, 'any', 1))).not.toThrow();
    // An identity rule reads back from its condition; an identity the parser does not know does not.
    expect(conditionRules({ identity: 'phone' }, 100)).toEqual({
      rules: [rule('identity', { subject: 'phone' })],
      join: 'all',
    });
    expect(conditionRules({ identity: '__proto__' }, 100)).toBeUndefined();
    expect(() => parseCondition({ identity: '__proto__' })).toThrow();
  });

  it('leaves out incomplete rules, and gives no condition when none is complete', () => {
    expect(
      segmentCondition([newRule('field'), newRule('tag'), newRule('rfm_group')], 'all', 100),
    ).toBeUndefined();
    expect(segmentCondition([rule('score', { value: '6' })], 'all', 100)).toBeUndefined();
    expect(segmentCondition([newRule('event'), rule('tag', { value: 'VIP' })], 'any', 100)).toEqual({
      any: [{ tag: 'VIP' }],
    });
  });
});
