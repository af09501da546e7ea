import { z } from 'zod';
import { AssignSchema, TASK_PRIORITIES, TaskCode } from '../tasks/task-model.ts';
import { NPS_GROUPS, QUESTION_TYPES, SURVEY_KINDS, type SurveyKind } from './survey-codes.ts';

/** A text in the customer's languages: Chinese always, English optional (falls back to Chinese). */
export const LocalText = z
  .object({ 'zh-CN': z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500).optional() })
  .strict();
export type LocalText = z.output<typeof LocalText>;

const QuestionId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a code such as q1 or delivery_speed');

/** One question of a custom survey; a rating is 1–5 stars. */
export const QuestionSchema = z
  .object({
    id: QuestionId,
    type: z.enum(QUESTION_TYPES),
    title: LocalText,
    options: z
      .array(z.object({ value: QuestionId, label: LocalText }).strict())
      .max(20)
      .optional(),
    required: z.boolean().default(false),
  })
  .strict()
  .refine((q) => (q.type === 'single' || q.type === 'multiple') === Boolean(q.options?.length), {
    message: 'single and multiple choice questions need options; other types take none',
    path: ['options'],
  });
export type Question = z.output<typeof QuestionSchema>;

/**
 * When an answer creates a task: every condition given must hold (an NPS group, a score at most or
 * at least a value, a keyword in the written answers).
 */
export const RuleSchema = z
  .object({
    when: z
      .object({
        nps_group: z.array(z.enum(NPS_GROUPS)).min(1).max(3).optional(),
        score_max: z.number().int().min(0).max(10).optional(),
        score_min: z.number().int().min(0).max(10).optional(),
        keywords: z.array(z.string().trim().min(1).max(50)).min(1).max(50).optional(),
      })
      .strict()
      .refine((w) => Object.keys(w).length > 0, 'give at least one condition'),
    task: z
      .object({
        kind: TaskCode.default('complaint'),
        /** Liquid with the customer's variables and `score`, `comment`, `survey`. */
        title: z.string().min(1).max(200).default('处理差评：{{ name }}（{{ score }} 分）'),
        due_in_hours: z.number().min(0).max(8784).default(24),
        priority: z.enum(TASK_PRIORITIES).default('high'),
        assign: AssignSchema.default({ rule: 'owner' }),
      })
      .strict(),
  })
  .strict();
export type SurveyRule = z.output<typeof RuleSchema>;

/** A survey as the API, CLI and dashboard write it. */
export const SurveyInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(SURVEY_KINDS),
    /** The page's heading, e.g. 「您对本次购物满意吗？」. */
    title: LocalText,
    /** The NPS or CSAT question; a default is used when left out. */
    question: LocalText.optional(),
    /** The prompt of the free-text answer ("why"); none hides it. */
    comment_prompt: LocalText.optional(),
    /** A custom survey's questions (NPS and CSAT may add some after their score). */
    questions: z.array(QuestionSchema).max(20).default([]),
    /** Days a sent link stays valid. */
    expires_days: z.number().int().min(1).max(90).default(14),
    rules: z.array(RuleSchema).max(20).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    for (const [i, q] of s.questions.entries()) {
      if (ids.has(q.id))
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: 'used twice' });
      ids.add(q.id);
    }
    if (s.kind === 'custom' && s.questions.length === 0)
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'a custom survey needs questions' });
  });
export type SurveyDefinition = z.output<typeof SurveyInput>;

/** The question of an NPS or CSAT survey when it gives none. */
export function defaultQuestion(kind: SurveyKind): LocalText {
  return kind === 'nps'
    ? {
        'zh-CN': '您有多大可能把我们推荐给朋友或同事？',
        en: 'How likely are you to recommend us to a friend or colleague?',
      }
    : { 'zh-CN': '您对本次服务满意吗？', en: 'How satisfied are you with our service?' };
}

/** A text in a language, falling back to Chinese. */
export function textIn(text: LocalText, locale: string): string {
  return locale === 'en' ? (text.en ?? text['zh-CN']) : text['zh-CN'];
}
