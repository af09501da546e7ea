import { describe, expect, it } from 'vitest';
import { parseJourney } from '../src/journeys/journey-parse.ts';
import { parseCondition } from '../src/segments/segment-service.ts';
import { SurveyInput } from '../src/surveys/survey-model.ts';
import {
  type JourneyDraft,
  journeyJson,
  newJourney,
  newStep,
  newTrigger,
} from '../web/src/pages/journeys/journey-draft.ts';
import { draftFromJourney } from '../web/src/pages/journeys/journey-draft-load.ts';
import { conditionRules } from '../web/src/pages/segments/condition-rules.ts';
import { newRule as newSegmentRule, segmentCondition } from '../web/src/pages/segments/segment-rule.ts';
import {
  draftFromSurvey,
  newQuestion,
  newRule,
  newSurvey,
  type SurveyDraft,
  surveyJson,
} from '../web/src/pages/surveys/survey-draft.ts';
import { BODY_MUTANTS, TEXT_MUTANTS } from './fuzz-values.ts';

// What the dashboard's survey builder, journey builder and segment rules produce must be what the
// product's own schemas accept, and a stored survey opened in the builder must save back unchanged.

/** A custom survey using every question type and every kind of rule condition and assignment. */
function everything(): SurveyDraft {
  const q1 = {
    ...newQuestion([]),
    type: 'single' as const,
    title: { zh: '您从哪里了解我们？', en: 'How did you find us?' },
  };
  q1.options = [
    { value: 'friend', label: { zh: '朋友推荐', en: 'A friend' } },
    { value: 'ad', label: { zh: '广告', en: '' } },
  ];
  const q2 = {
    ...newQuestion([q1]),
    type: 'multiple' as const,
    title: { zh: '喜欢哪些', en: '' },
    required: true,
  };
  q2.options = [{ value: 'price', label: { zh: '价格', en: 'Price' } }];
  const q3 = { ...newQuestion([q1, q2]), type: 'rating' as const, title: { zh: '包装', en: 'Packaging' } };
  const q4 = { ...newQuestion([q1, q2, q3]), type: 'text' as const, title: { zh: '其他建议', en: '' } };
  return {
    ...newSurvey('custom'),
    name: ' 会员调研 ',
    title: { zh: '会员调研', en: 'Member survey' },
    commentPrompt: { zh: '', en: '' },
    questions: [q1, q2, q3, q4],
    expiresDays: '30',
    rules: [
      { ...newRule('custom'), scoreMax: '2', keywords: ['投诉', '退货'], title: '回访 {{ name }}' },
      {
        ...newRule('custom'),
        scoreMax: '',
        scoreMin: '5',
        kind: 'vip_care',
        assign: 'round_robin',
        role: 'service',
        priority: 'low',
      },
      { ...newRule('custom'), scoreMax: '1', assign: 'user', userId: '7', dueInHours: '2' },
      { ...newRule('custom'), scoreMax: '1', assign: 'queue' },
    ],
  };
}

/** A stored survey as `GET /surveys/{id}` presents the parsed definition. */
const stored = (definition: ReturnType<typeof SurveyInput.parse>) => ({
  id: 1,
  name: definition.name,
  kind: definition.kind,
  status: 'active' as const,
  definition,
  responses: 0,
  created_at: '',
  updated_at: '',
});

describe('survey builder drafts', () => {
  it('turns a draft with every question type and rule into a survey the server accepts', () => {
    const json = surveyJson(everything());
    const parsed = SurveyInput.parse(json);
    expect(parsed.name).toBe('会员调研');
    expect(parsed.comment_prompt).toBeUndefined();
    expect(parsed.questions.map((q) => [q.id, q.type, q.options?.length ?? 0])).toEqual([
      ['q1', 'single', 2],
      ['q2', 'multiple', 1],
      ['q3', 'rating', 0],
      ['q4', 'text', 0],
    ]);
    expect(parsed.questions[0]!.options![1]).toEqual({ value: 'ad', label: { 'zh-CN': '广告' } });
    expect(parsed.rules.map((r) => [r.when, r.task.assign, r.task.kind])).toEqual([
      [{ score_max: 2, keywords: ['投诉', '退货'] }, { rule: 'owner' }, 'complaint'],
      [{ score_min: 5 }, { rule: 'round_robin', role: 'service' }, 'vip_care'],
      [{ score_max: 1 }, { rule: 'user', user_id: 7 }, 'complaint'],
      [{ score_max: 1 }, { rule: 'queue' }, 'complaint'],
    ]);
    // An empty rule title takes the server's default wording.
    expect(parsed.rules[1]!.task.title).toBe('处理差评：{{ name }}（{{ score }} 分）');
  });

  it('opens a stored survey and saves it back unchanged', () => {
    for (const draft of [
      everything(),
      { ...newSurvey('nps'), name: 'n', title: { zh: 't', en: '' }, rules: [newRule('nps')] },
    ]) {
      const once = SurveyInput.parse(surveyJson(draft));
      const again = SurveyInput.parse(surveyJson(draftFromSurvey(stored(once))));
      expect(again).toEqual(once);
    }
  });

  it('leaves empty fields out so the server names each, and never sends half a language pair', () => {
    const result = SurveyInput.safeParse(surveyJson(newSurvey()));
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'title']));
    const enOnly = SurveyInput.safeParse(
      surveyJson({ ...newSurvey(), name: 'x', title: { zh: '', en: 'Hi' } }),
    );
    expect(enOnly.error!.issues.map((i) => i.path.join('.'))).toEqual(['title.zh-CN']);
    const noOptions = { ...everything() };
    noOptions.questions = [{ ...noOptions.questions[0]!, options: [] }];
    const refused = SurveyInput.safeParse(surveyJson(noOptions));
    expect(refused.error!.issues.map((i) => i.path.join('.'))).toEqual(['questions.0.options']);
  });

  it('fuzz: any text typed in any field gives a body the server accepts or refuses naming the field', () => {
    const typed = [
      ...BODY_MUTANTS.map((m) => m.value).filter((v): v is string => typeof v === 'string'),
      ...TEXT_MUTANTS.map((m) => decodeURIComponentSafe(String(m.value))),
      '  ',
      'NaN',
      '1e3',
    ];
    const fields: ((d: SurveyDraft, v: string) => void)[] = [
      (d, v) => (d.name = v),
      (d, v) => (d.title.zh = v),
      (d, v) => (d.title.en = v),
      (d, v) => (d.expiresDays = v),
      (d, v) => (d.questions[0]!.id = v),
      (d, v) => (d.questions[0]!.options[0]!.value = v),
      (d, v) => (d.questions[0]!.options[0]!.label.zh = v),
      (d, v) => (d.rules[0]!.scoreMax = v),
      (d, v) => (d.rules[0]!.keywords = [v]),
      (d, v) => (d.rules[0]!.kind = v),
      (d, v) => (d.rules[0]!.title = v),
      (d, v) => (d.rules[0]!.dueInHours = v),
      (d, v) => (d.rules[2]!.userId = v),
    ];
    for (const [f, set] of fields.entries())
      for (const v of typed) {
        const draft = everything();
        set(draft, v);
        const json = surveyJson(draft);
        // What is sent is plain JSON (no NaN, no undefined) whatever was typed.
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
        const result = SurveyInput.safeParse(json);
        if (!result.success)
          for (const issue of result.error.issues)
            expect(issue.path.length, `field ${f}: ${v.slice(0, 20)}`).toBeGreaterThan(0);
      }
  });
});

const decodeURIComponentSafe = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

describe('survey parts of the journey builder and segment rules', () => {
  it('writes the send_survey step and the survey_answered trigger as the parser reads them, and reads them back', () => {
    const draft: JourneyDraft = {
      ...newJourney(),
      name: '签收后调查',
      trigger: { ...newTrigger('survey_answered'), survey: '购后NPS', npsGroup: 'detractor', scoreMax: '6' },
      steps: [
        {
          ...newStep('send_survey', 'ask'),
          survey: '购后NPS',
          sends: [{ channel: 'email', template: '邀请评价' }],
          next: 'end',
        },
        newStep('exit', 'end'),
      ],
    };
    const json = journeyJson(draft, 100);
    const journey = parseJourney(JSON.stringify(json), 'body');
    expect(journey.trigger).toEqual({
      survey_answered: { survey: '购后NPS', nps_group: 'detractor', score_max: 6 },
    });
    expect(journey.steps.ask).toEqual({
      type: 'send_survey',
      survey: '购后NPS',
      templates: ['邀请评价'],
      next: 'end',
    });
    const back = draftFromJourney(JSON.parse(JSON.stringify(journey)), 100);
    expect(journeyJson(back, 100)).toEqual(json);
    // Any answer of any survey: the trigger's fields may all be left empty.
    const any = { ...draft, trigger: newTrigger('survey_answered') };
    expect(parseJourney(JSON.stringify(journeyJson(any, 100)), 'body').trigger).toEqual({
      survey_answered: {},
    });
  });

  it('writes the survey rule as the segment parser reads it, and reads it back', () => {
    const rules = [
      { ...newSegmentRule('survey'), subject: '购后NPS', withinDays: '30', values: ['detractor', 'passive'] },
      { ...newSegmentRule('survey'), surveyKind: 'csat', op: 'lte', value: '2' },
      newSegmentRule('survey'),
    ];
    const condition = segmentCondition(rules, 'all', 100);
    expect(condition).toEqual({
      all: [
        { survey: { name: '购后NPS', within_days: 30 }, nps_group: ['detractor', 'passive'] },
        { survey: { kind: 'csat' }, score: { op: 'lte', value: 2 } },
        { survey: {} },
      ],
    });
    expect(() => parseCondition(condition)).not.toThrow();
    const back = conditionRules(condition, 100)!;
    expect(segmentCondition(back.rules, back.join, 100)).toEqual(condition);
    // A score that is no whole number leaves the rule incomplete rather than sent half-made.
    expect(segmentCondition([{ ...newSegmentRule('survey'), value: '2.5' }], 'all', 100)).toBeUndefined();
  });
});
