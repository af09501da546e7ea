// A survey as the builder holds it (strings, as typed) and the `SurveyInput` JSON it stands for
// (src/surveys/survey-model.ts). Fields left empty are left out, so the server's default applies
// or its error names them.
import type { z } from 'zod';
import type { QUESTION_TYPES, SurveyKind } from '../../../../src/surveys/survey-codes.ts';
import type { SurveyInput } from '../../../../src/surveys/survey-model.ts';
import type { Survey } from '../../lib/types.ts';

/** The body of `POST /surveys` (and `definition` of its PATCH). */
export type SurveyBody = z.input<typeof SurveyInput>;
type LocalJson = { 'zh-CN'?: string; en?: string };

/** A text in Chinese and English as typed. */
export interface LocalDraft {
  zh: string;
  en: string;
}
export interface OptionDraft {
  value: string;
  label: LocalDraft;
}
export interface QuestionDraft {
  id: string;
  type: (typeof QUESTION_TYPES)[number];
  title: LocalDraft;
  options: OptionDraft[];
  required: boolean;
}
/** Where a rule's task goes: the customer's owner, a role in turn, one user, or the queue. */
export type AssignKind = 'owner' | 'round_robin' | 'user' | 'queue';
/** A rule: its conditions (all that are given must hold) and the task it creates. */
export interface RuleDraft {
  npsGroups: string[];
  scoreMin: string;
  scoreMax: string;
  keywords: string[];
  kind: string;
  title: string;
  dueInHours: string;
  priority: string;
  assign: AssignKind;
  role: string;
  userId: string;
}
export interface SurveyDraft {
  name: string;
  kind: SurveyKind;
  title: LocalDraft;
  question: LocalDraft;
  commentPrompt: LocalDraft;
  questions: QuestionDraft[];
  expiresDays: string;
  rules: RuleDraft[];
}

const emptyLocal = (): LocalDraft => ({ zh: '', en: '' });

/** A new survey of a kind: its link valid 14 days, as the server's default. */
export const newSurvey = (kind: SurveyKind = 'nps'): SurveyDraft => ({
  name: '',
  kind,
  title: emptyLocal(),
  question: emptyLocal(),
  commentPrompt: emptyLocal(),
  questions: [],
  expiresDays: '14',
  rules: [],
});

/** A new question with a free code (`q1`, `q2`…). */
export function newQuestion(taken: QuestionDraft[]): QuestionDraft {
  let n = 1;
  while (taken.some((q) => q.id === `q${n}`)) n++;
  return { id: `q${n}`, type: 'single', title: emptyLocal(), options: [], required: false };
}

/** A new rule: detractors make a complaint task for the customer's owner within a day, as the server's default. */
export const newRule = (kind: SurveyKind): RuleDraft => ({
  npsGroups: kind === 'nps' ? ['detractor'] : [],
  scoreMin: '',
  scoreMax: kind === 'nps' ? '' : '2',
  keywords: [],
  kind: 'complaint',
  title: '',
  dueInHours: '24',
  priority: 'high',
  assign: 'owner',
  role: 'service',
  userId: '',
});

const text = (v: string) => (v.trim() === '' ? undefined : v.trim());
/** A number typed; undefined when empty, NaN (sent as text) for the server to name. */
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));

/** A local text: left out when both languages are empty. */
function localJson(d: LocalDraft): LocalJson | undefined {
  const zh = text(d.zh);
  const en = text(d.en);
  if (zh === undefined && en === undefined) return undefined;
  return { ...(zh !== undefined ? { 'zh-CN': zh } : {}), ...(en !== undefined ? { en } : {}) };
}

function assignJson(r: RuleDraft): Record<string, unknown> {
  if (r.assign === 'round_robin') return { rule: 'round_robin', role: r.role };
  if (r.assign === 'user') return { rule: 'user', user_id: num(r.userId) };
  return { rule: r.assign };
}

function ruleJson(r: RuleDraft): Record<string, unknown> {
  return {
    when: {
      nps_group: r.npsGroups.length ? r.npsGroups : undefined,
      score_min: num(r.scoreMin),
      score_max: num(r.scoreMax),
      keywords: r.keywords.length ? r.keywords : undefined,
    },
    task: {
      kind: text(r.kind),
      title: text(r.title),
      due_in_hours: num(r.dueInHours),
      priority: r.priority,
      assign: assignJson(r),
    },
  };
}

function questionJson(q: QuestionDraft): Record<string, unknown> {
  const choice = q.type === 'single' || q.type === 'multiple';
  return {
    id: q.id.trim(),
    type: q.type,
    title: localJson(q.title),
    options: choice
      ? q.options.map((o) => ({ value: o.value.trim(), label: localJson(o.label) }))
      : undefined,
    required: q.required,
  };
}

/** Drops undefined values and keeps NaN as text, so the object equals what is sent. */
const clean = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_, v) => (Number.isNaN(v) ? 'NaN' : v)));

/** The JSON of `POST /surveys` for a draft. */
export function surveyJson(d: SurveyDraft): SurveyBody {
  return clean({
    name: text(d.name),
    kind: d.kind,
    title: localJson(d.title),
    question: localJson(d.question),
    comment_prompt: localJson(d.commentPrompt),
    questions: d.questions.map(questionJson),
    expires_days: num(d.expiresDays),
    rules: d.rules.map(ruleJson),
  }) as SurveyBody;
}

type Json = Record<string, unknown>;
const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const local = (v: unknown): LocalDraft => {
  const o = (v ?? {}) as LocalJson;
  return { zh: o['zh-CN'] ?? '', en: o.en ?? '' };
};

/** The draft of a stored survey, to change it. */
export function draftFromSurvey(survey: Survey): SurveyDraft {
  const d = survey.definition;
  return {
    name: d.name,
    kind: d.kind,
    title: local(d.title),
    question: local(d.question),
    commentPrompt: local(d.comment_prompt),
    questions: d.questions.map((q) => ({
      id: q.id,
      type: q.type,
      title: local(q.title),
      options: (q.options ?? []).map((o) => ({ value: o.value, label: local(o.label) })),
      required: q.required,
    })),
    expiresDays: s(d.expires_days),
    rules: d.rules.map((r) => {
      const when = r.when as Json;
      const task = r.task as Json;
      const assign = (task.assign ?? { rule: 'owner' }) as Json;
      return {
        npsGroups: (when.nps_group ?? []) as string[],
        scoreMin: s(when.score_min),
        scoreMax: s(when.score_max),
        keywords: (when.keywords ?? []) as string[],
        kind: s(task.kind),
        title: s(task.title),
        dueInHours: s(task.due_in_hours),
        priority: s(task.priority) || 'high',
        assign: (assign.rule as AssignKind) ?? 'owner',
        role: s(assign.role) || 'service',
        userId: s(assign.user_id),
      };
    }),
  };
}
