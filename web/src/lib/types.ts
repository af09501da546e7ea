import type { z } from 'zod';
import type { CustomerPageSchema, CustomerSummarySchema } from '../../../src/customers/customer-contract.ts';
import type {
  SurveyReportSchema,
  SurveyResponsePage,
  SurveySchema,
} from '../../../src/surveys/survey-contract.ts';
import type {
  NoteSchema,
  TaskPageSchema,
  TaskReportSchema,
  TaskSchema,
  TaskTeamSchema,
  TaskWithHistorySchema,
} from '../../../src/tasks/task-contract.ts';

// Shapes of the API answers the pages read (see /api/openapi.json).

export type {
  CouponReportRow,
  CouponTemplate,
  CustomerCoupon,
  CustomerReferrals,
  IssueResult,
  Loyalty,
  ReferralReport,
  TierLevel,
} from '../../../src/loyalty/loyalty-contract.ts';
export type {
  Clv,
  CohortRow,
  Funnel,
  MetricsRow,
} from '../../../src/metrics/metrics-contract.ts';
export type {
  CustomerRfm,
  LifecycleSummary,
  Movement,
  RfmGrid,
  RfmGroupRow,
  RfmSummary,
  Segment,
  SegmentPreview,
  StageChange,
  StageCount,
} from '../../../src/segments/segment-contract.ts';
/** The RFM group codes and lifecycle stages, in the API's order. */
export { LIFECYCLE_STAGES, RFM_GROUP_CODES as RFM_GROUPS } from '../../../src/segments/segment-contract.ts';
export type { WorkspaceInfo, WorkspaceSettings } from '../../../src/workspaces/workspace-contract.ts';

/** A row of the customer list. */
export type CustomerRow = z.output<typeof CustomerSummarySchema>;

/** `GET /customers`: a page and how many match in all. */
export type CustomerListPage = z.output<typeof CustomerPageSchema>;

export type {
  DetectedColumns,
  ImportJob,
  Order,
} from '../../../src/importing/import-contract.ts';
export type {
  ChannelConfig,
  ChannelTestResult,
  CustomerMessage,
  MessageTemplate,
  SavedName,
  TemplatePreview,
} from '../../../src/messaging/messaging-contract.ts';
/** The channels a message template can be sent on, in the API's order. */
export { CHANNELS } from '../../../src/messaging/messaging-contract.ts';

/** A task of `GET /tasks` (customer name and phone masked for roles without personal data). */
export type Task = z.output<typeof TaskSchema>;
/** A page of `GET /tasks`, with the next page's cursor. */
export type TaskPage = z.output<typeof TaskPageSchema>;
/** `GET /tasks/{id}`: a task and its history. */
export type TaskWithHistory = z.output<typeof TaskWithHistorySchema>;
/** One change in a task's history. */
export type TaskChange = TaskWithHistory['history'][number];
/** `GET /tasks/report`: completion per kind and assignee. */
export type TaskReport = z.output<typeof TaskReportSchema>;
/** `GET /tasks/team`: each assignee's open and overdue tasks. */
export type TaskTeam = z.output<typeof TaskTeamSchema>;

/** A service record of `GET /customers/{id}/notes`. */
export type CustomerNote = z.output<typeof NoteSchema>;

/** A survey of `GET /surveys` and `GET /surveys/{id}`, with its definition and answer count. */
export type Survey = z.output<typeof SurveySchema>;
/** `GET /surveys/{id}/report`. */
export type SurveyReport = z.output<typeof SurveyReportSchema>;
/** A page of `GET /surveys/{id}/responses` or `GET /customers/{id}/survey-responses`. */
export type SurveyResponses = z.output<typeof SurveyResponsePage>;
