import { z } from 'zod';
import { NPS_GROUPS, SURVEY_KINDS, SURVEY_STATUSES } from './survey-codes.ts';

// The response shapes of surveys, shared by the API (its OpenAPI document) and the dashboard
// (its types); only zod and the codes, so the browser build can read them.

const Local = z.object({ 'zh-CN': z.string(), en: z.string().optional() });

/** A survey in responses: its definition as written, with its counts. */
export const SurveySchema = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(SURVEY_KINDS),
  status: z.enum(SURVEY_STATUSES),
  definition: z.object({
    name: z.string(),
    kind: z.enum(SURVEY_KINDS),
    title: Local,
    question: Local.optional(),
    comment_prompt: Local.optional(),
    questions: z.array(
      z.object({
        id: z.string(),
        type: z.enum(['single', 'multiple', 'rating', 'text']),
        title: Local,
        options: z.array(z.object({ value: z.string(), label: Local })).optional(),
        required: z.boolean(),
      }),
    ),
    expires_days: z.number(),
    rules: z.array(
      z.object({ when: z.record(z.string(), z.unknown()), task: z.record(z.string(), z.unknown()) }),
    ),
  }),
  responses: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Survey = z.infer<typeof SurveySchema>;

/** The figures of a group of answers (a month, a channel, a journey, or all). */
export const SurveyFiguresSchema = z.object({
  key: z.string().describe('the month (YYYY-MM), channel, journey name, or "all"'),
  sent: z.number().describe('survey messages sent'),
  responses: z.number(),
  response_rate: z.number().nullable().describe('percent of sent; null when none was sent'),
  nps: z.number().nullable(),
  nps_low: z.number().nullable().describe('95% interval'),
  nps_high: z.number().nullable(),
  promoters: z.number().nullable(),
  passives: z.number().nullable(),
  detractors: z.number().nullable(),
  csat_mean: z.number().nullable(),
  csat_satisfied_percent: z.number().nullable().describe('share answering 4 or 5'),
});
export type SurveyFigures = z.infer<typeof SurveyFiguresSchema>;

/** A survey's report. */
export const SurveyReportSchema = z.object({
  survey: z.object({ id: z.number(), name: z.string(), kind: z.enum(SURVEY_KINDS) }),
  total: SurveyFiguresSchema,
  distribution: z.array(z.object({ score: z.number(), responses: z.number() })),
  by_month: z.array(SurveyFiguresSchema),
  by_channel: z.array(SurveyFiguresSchema),
  by_journey: z.array(SurveyFiguresSchema),
  /** Per saved segment, over its current members (key: the segment's name). */
  by_segment: z.array(SurveyFiguresSchema),
  /** Choice questions: how often each option was picked. */
  choices: z.array(
    z.object({
      question: z.string(),
      options: z.array(z.object({ value: z.string(), responses: z.number() })),
    }),
  ),
});
export type SurveyReport = z.infer<typeof SurveyReportSchema>;

/** One answer in the verbatims list (the customer's name masked for roles without `pii`). */
export const SurveyResponseSchema = z.object({
  id: z.number(),
  survey_id: z.number(),
  survey_name: z.string(),
  customer_id: z.number(),
  customer_name: z.string().nullable(),
  score: z.number().nullable(),
  nps_group: z.enum(NPS_GROUPS).nullable(),
  comment: z.string().nullable(),
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
  channel: z.string().nullable(),
  answered_at: z.string(),
});
export type SurveyResponse = z.infer<typeof SurveyResponseSchema>;

export const SurveyResponsePage = z.object({
  items: z.array(SurveyResponseSchema),
  next_cursor: z.string().nullable(),
});
