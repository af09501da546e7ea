import { describe, expect, it } from 'vitest';
import { surveyNamesIn } from './template-surveys.ts';

const names = (text: string) => surveyNamesIn(text, 'body.zh-CN');
const refusal = /^body\.zh-CN: survey_link takes the survey's name in quotes/;

describe('surveyNamesIn', () => {
  it('reads the quoted name wherever Liquid outputs a value: {{ }}, echo, assign, a liquid block', () => {
    expect(
      names(
        `评价：{{ "购后NPS" | survey_link }} {% if vip %}{{ ' 门店 CSAT ' | survey_link }}{% endif %}` +
          `{% echo "回访" | survey_link %}{% assign u = "活动调研" | survey_link %}` +
          `{% liquid\n  assign v = "新品" | survey_link\n  echo v\n%}`,
      ),
    ).toEqual(['购后NPS', '门店 CSAT', '回访', '活动调研', '新品']);
  });

  it('finds none in plain text, a raw block, or another filter', () => {
    expect(names('在正文里写 | survey_link 只是文字')).toEqual([]);
    expect(names('{% raw %}{{ "示例" | survey_link }}{% endraw %}')).toEqual([]);
    expect(names('{{ name | upcase }} {{ "survey_link" }}')).toEqual([]);
  });

  it('refuses the filter on a variable, after another filter, or on an empty name', () => {
    for (const text of [
      '{{ name | survey_link }}',
      '{{ "购后NPS" | upcase | survey_link }}',
      '{{ "  " | survey_link }}',
      '{% assign u = name | survey_link %}',
      '{{ 42 | survey_link }}',
    ])
      expect(() => names(text), text).toThrow(refusal);
  });

  it('leaves text Liquid cannot read to the template check, and takes odd names as they are', () => {
    expect(names('{{ "未闭合 | survey_link }}')).toEqual([]);
    expect(names('{% echo %}{{ | survey_link }}')).toEqual([]);
    for (const name of ['__proto__', 'a\u0000b', 'x'.repeat(5000), 'constructor'])
      expect(names(`{{ "${name}" | survey_link }}`)).toEqual([name]);
    const deep = `${'{% if a %}'.repeat(200)}{{ "深" | survey_link }}${'{% endif %}'.repeat(200)}`;
    expect(names(deep)).toEqual(['深']);
  });
});
