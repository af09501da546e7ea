import type { z } from 'zod';
import type { CustomerPageSchema, CustomerSummarySchema } from '../../../src/customers/customer-contract.ts';
import type {
  SurveyReportSchema,
  SurveyResponsePage,
  SurveySchema,
} from '../../../src/surveys/survey-contract.ts';
import type { NoteSchema, TaskSchema } from '../../../src/tasks/task-contract.ts';
// Shapes of the API answers the pages read (see /api/openapi.json).

/** A row of `GET /metrics`. */
export interface MetricsRow {
  period_start: string;
  buyers: number;
  orders: number;
  revenue: number;
  aov: number | null;
  repurchase_rate: number | null;
  avg_repurchase_frequency: number | null;
  returning_rate: number | null;
  retention_rate: number | null;
}

/** A group of `GET /rfm/summary`. */
export interface RfmGroupRow {
  rfm_group: string;
  name_zh: string;
  customers: number;
  share: number;
  revenue: number;
  aov: number | null;
  action_en: string;
  action_zh: string;
}

/** `GET /rfm/summary`. */
export interface RfmSummary {
  as_of: string;
  split: string;
  scored: number;
  groups: RfmGroupRow[];
}

/** `GET /lifecycle`. */
export interface LifecycleSummary {
  as_of: string;
  stages: { lifecycle: string; customers: number }[];
}

/** A row of the customer list. */
export type CustomerRow = z.output<typeof CustomerSummarySchema>;

/** `GET /customers`: a page and how many match in all. */
export type CustomerListPage = z.output<typeof CustomerPageSchema>;

/** `GET /clv`. */
export interface Clv {
  as_of: string;
  aov: number | null;
  orders_per_customer: number | null;
  annual_retention: number | null;
  expected_lifetime_years: number | null;
  clv: number | null;
}

/** The RFM group codes, in the API's order. */
export const RFM_GROUPS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const;

/** The lifecycle stages, in the API's order. */
export const LIFECYCLE_STAGES = ['prospect', 'new', 'loyal', 'active', 'silent', 'lost'] as const;

/** The channels a message template can be sent on, in the API's order. */
export const CHANNELS = [
  'email',
  'sms_aliyun',
  'sms_tencent',
  'webhook',
  'wecom_robot',
  'wechat_template',
  'wecom_customer',
] as const;

/** A task of `GET /tasks` (customer name and phone masked for roles without personal data). */
export type Task = z.output<typeof TaskSchema>;

/** A service record of `GET /customers/{id}/notes`. */
export type CustomerNote = z.output<typeof NoteSchema>;

/** A survey of `GET /surveys` and `GET /surveys/{id}`, with its definition and answer count. */
export type Survey = z.output<typeof SurveySchema>;
/** `GET /surveys/{id}/report`. */
export type SurveyReport = z.output<typeof SurveyReportSchema>;
/** A page of `GET /surveys/{id}/responses` or `GET /customers/{id}/survey-responses`. */
export type SurveyResponses = z.output<typeof SurveyResponsePage>;
