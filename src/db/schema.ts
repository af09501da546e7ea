import type { ColumnType, Generated } from 'kysely';

/** Columns the database fills in on insert. */
type Auto<T> = ColumnType<T, T | undefined, T>;
/** A `date` column, read and written as `YYYY-MM-DD`. */
type DateString = string;

export interface WorkspacesTable {
  id: Generated<number>;
  name: string;
  timezone: Auto<string>;
  currency: Auto<string>;
  settings: Auto<Record<string, unknown>>;
  created_at: Auto<Date>;
}

export interface CustomersTable {
  workspace_id: number;
  id: Generated<number>;
  external_id: string | null;
  name: string | null;
  gender: string | null;
  birthday: DateString | null;
  city: string | null;
  country: string | null;
  member_tier: string | null;
  attributes: Auto<Record<string, unknown>>;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
  first_order_at: Date | null;
  last_order_at: Date | null;
  first_order_date: DateString | null;
  last_order_date: DateString | null;
  order_count: Auto<number>;
  net_total: Auto<number>;
  recent_order_dates: Auto<DateString[]>;
  /** Purchase days as the customer-base models count them (see src/predict/purchase-summary.ts). */
  purchase_first_date: Auto<DateString | null>;
  purchase_last_date: Auto<DateString | null>;
  purchase_days: Auto<number>;
  /** Net amount (minor units) of all purchase days, and of the first one alone. */
  purchase_net: Auto<number>;
  purchase_first_net: Auto<number>;
  erased_at: Date | null;
  /** The staff member who owns the customer (tasks under the `owner` rule go to them). */
  owner_user_id: Auto<number | null>;
}

export type IdentityType =
  | 'external_id'
  | 'phone'
  | 'email'
  | 'wechat_unionid'
  | 'wechat_openid'
  | 'platform_id'
  | 'member_card'
  | 'wecom_external_userid';

export interface IdentitiesTable {
  workspace_id: number;
  type: IdentityType;
  value: string;
  customer_id: number;
  created_at: Auto<Date>;
}

export type OrderStatus = 'pending' | 'paid' | 'completed' | 'cancelled' | 'refunded';

export interface OrdersTable {
  workspace_id: number;
  order_id: string;
  customer_id: number | null;
  ordered_at: Date;
  local_date: DateString;
  amount: number;
  refunded_amount: number;
  currency: string;
  status: OrderStatus;
  channel: string | null;
  store: string | null;
  coupon_code: string | null;
  lines_hash: string | null;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
}

/** Orders whose lines an import wrote ahead of them (migration 0051). */
export interface ImportLinesAheadTable {
  workspace_id: number;
  order_id: string;
}

export interface OrderLinesTable {
  workspace_id: number;
  order_id: string;
  line_no: number;
  sku: string | null;
  product_name: string | null;
  /** numeric: read as a decimal string. */
  quantity: string;
  /** numeric minor units (may carry fractions of a minor unit): read as a decimal string. */
  unit_price: string;
  amount: number;
}

export interface ProductsTable {
  workspace_id: number;
  sku: string;
  name: string | null;
  category: string | null;
  repurchase_days: number | null;
  created_at: Auto<Date>;
}

export interface StoresTable {
  workspace_id: number;
  /** What orders, coupon templates and members' stores carry. */
  code: string;
  name: string;
  city: string | null;
  active: Auto<boolean>;
  created_at: Auto<Date>;
}

/** Marketing spend per acquisition channel and month (src/acquisition). */
export interface MarketingSpendTable {
  workspace_id: number;
  /** The first day of the month. */
  month: DateString;
  channel: string;
  /** Minor units. */
  amount: number;
  updated_by: string;
  updated_at: Auto<Date>;
}

export interface EventsTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  type: string;
  occurred_at: Date;
  properties: Auto<Record<string, unknown>>;
  event_key: string;
  created_at: Auto<Date>;
}

export interface TagsTable {
  workspace_id: number;
  customer_id: number;
  tag: string;
  source: string;
  added_at: Auto<Date>;
}

export interface MergeLogTable {
  workspace_id: number;
  id: Generated<number>;
  survivor_id: number;
  merged_id: number;
  identity_type: string;
  identity_value: string;
  source: string;
  merged_at: Auto<Date>;
}

export interface ImportRunsTable {
  workspace_id: number;
  id: Generated<number>;
  kind: string;
  file_name: string;
  dry_run: boolean;
  status: string;
  started_at: Auto<Date>;
  finished_at: Date | null;
  stats: Auto<Record<string, unknown>>;
}

export interface TagHistoryTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  tag: string;
  action: 'added' | 'removed';
  source: string;
  at: Auto<Date>;
}

export interface SegmentsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  definition: unknown;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
  refreshed_at: Date | null;
}

export interface SegmentMembersTable {
  workspace_id: number;
  segment_id: number;
  customer_id: number;
  entered_at: Auto<Date>;
}

export interface SegmentEventsTable {
  workspace_id: number;
  id: Generated<number>;
  segment_id: number;
  customer_id: number;
  action: 'entered' | 'exited';
  at: Auto<Date>;
}

export interface CustomerStatesTable {
  workspace_id: number;
  customer_id: number;
  lifecycle: string;
  rfm_group: string | null;
  as_of: DateString;
  updated_at: Auto<Date>;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  name: string | null;
  created_at: Auto<Date>;
  disabled_at: Date | null;
}

export interface MembershipsTable {
  workspace_id: number;
  user_id: number;
  role: string;
  created_at: Auto<Date>;
  /** The member's WeCom (企业微信) userid: the sender of their customers' WeCom messages. */
  wecom_userid: Auto<string | null>;
  /** The stores the member works in (the `store` assignment rule). */
  stores: Auto<string[]>;
  /** The language of staff messages to them (escalations, digests); null: zh-CN. */
  language: Auto<'zh-CN' | 'en' | null>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  workspace_id: number;
  csrf_token: string;
  created_at: Auto<Date>;
  expires_at: Date;
}

export interface InvitationsTable {
  workspace_id: number;
  id: Generated<number>;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  created_at: Auto<Date>;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: number | null;
  revoked_at: Date | null;
}

/** Not workspace-scoped: attempts happen before a workspace is known. */
export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  address: string;
  at: Auto<Date>;
  succeeded: Auto<boolean>;
}

export interface ApiKeysTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  role: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: Auto<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  workspace_id: number;
  id: Generated<number>;
  at: Auto<Date>;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  detail: Auto<Record<string, unknown>>;
}

export interface CouponTemplatesTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  kind: 'amount_off' | 'percent_off' | 'gift';
  amount_off: number | null;
  percent_off: number | null;
  max_discount: number | null;
  gift_sku: string | null;
  threshold: Auto<number>;
  valid_from: Date | null;
  valid_until: Date | null;
  valid_days: number | null;
  per_customer_limit: number | null;
  budget_count: number | null;
  budget_amount: number | null;
  channels: string[] | null;
  stores: string[] | null;
  /** SKUs the coupon applies to; null for every product. */
  products: Auto<string[] | null>;
  stackable: Auto<boolean>;
  issued_count: Auto<number>;
  created_at: Auto<Date>;
}

export interface CouponsTable {
  workspace_id: number;
  code: string;
  template_id: number;
  customer_id: number | null;
  issued_at: Auto<Date>;
  starts_at: Date | null;
  expires_at: Date | null;
  source: string;
  source_ref: string | null;
  redeemed_at: Date | null;
  redeemed_order_id: string | null;
  discount: number | null;
}

export interface CouponRedemptionsTable {
  workspace_id: number;
  order_id: string;
  code: string;
  result: string;
  reason: string | null;
  discount: number | null;
  at: Auto<Date>;
}

export type PointsKind = 'earn' | 'bonus' | 'redeem' | 'expire' | 'adjust' | 'reverse';

export interface PointsLedgerTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  kind: PointsKind;
  points: number;
  reason: string;
  idempotency_key: string;
  order_id: string | null;
  /** numeric: read as a decimal string. */
  multiplier: string | null;
  expires_at: Date | null;
  at: Auto<Date>;
}

export interface CustomerTiersTable {
  workspace_id: number;
  customer_id: number;
  tier: string;
  since: Auto<Date>;
  below_since: DateString | null;
  evaluated_on: DateString;
}

export interface ReferralCodesTable {
  workspace_id: number;
  customer_id: number;
  code: string;
  created_at: Auto<Date>;
}

export interface ReferralsTable {
  workspace_id: number;
  referred_id: number;
  referrer_id: number;
  code: string;
  linked_at: Auto<Date>;
  converted_order_id: string | null;
  converted_at: Date | null;
  rewarded_at: Date | null;
}

export interface ChannelConfigsTable {
  workspace_id: number;
  channel: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  updated_at: Auto<Date>;
}

export interface MessageTemplatesTable {
  workspace_id: number;
  name: string;
  channel: string;
  purpose: 'marketing' | 'transactional';
  /** Per locale: `{ "zh-CN": "…", "en": "…" }`. */
  subject: Record<string, string>;
  body: Record<string, string>;
  updated_at: Auto<Date>;
}

export interface MessagesTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  channel: string;
  template: string;
  purpose: string;
  idempotency_key: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';
  reason: string | null;
  provider_id: string | null;
  created_at: Auto<Date>;
  sent_at: Date | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  /** When a queued message may go out (quiet hours and retries move it later). */
  due_at: Date | null;
  attempts: Auto<number>;
  /** Templates in channel-priority order; the first the customer can receive is sent. */
  candidates: string[] | null;
  variables: Record<string, unknown> | null;
  /** A journey webhook's JSON, posted as it is instead of a rendered template. */
  payload: Record<string, unknown> | null;
  journey_id: number | null;
  entry_id: number | null;
  step: string | null;
  /** Skipped when the customer has a valid order after this time (reminders). */
  skip_if_ordered_since: Date | null;
  /** While `sending`: until when the claiming worker holds it; past it, another worker recovers it. */
  lease_until: Date | null;
  /** How many times the message was recovered from a worker that died holding it and sent again. */
  resends: Auto<number>;
  /** When the provider confirmed the customer received it (WeCom customer contact). */
  delivered_at: Auto<Date | null>;
  /** The broadcast that queued it (its arm in `step`). */
  broadcast_id: Auto<number | null>;
}

/** A WeCom message task (add_msg_template) awaiting or holding its result. */
export interface WecomSendsTable {
  workspace_id: number;
  message_id: number;
  msgid: string;
  /** The staff member's WeCom userid the task was created for. */
  sender: string;
  external_userid: string;
  sent_at: Date;
  checked_at: Date | null;
  result: 'delivered' | 'failed' | null;
}

export interface JourneysTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  definition: unknown;
  /** `draft`: saved as a draft only, never published (version 0). */
  status: Auto<'active' | 'paused' | 'draft'>;
  scanned_to: Auto<Date>;
  active_from: Auto<Date>;
  dated_to: DateString | null;
  capped: Auto<number>;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
  /** The published version `definition` is (0 before the first publish). */
  version: Auto<number>;
  /** Unpublished edits, or null. */
  draft: unknown | null;
  draft_updated_at: Date | null;
  draft_by: string | null;
}

/** Each published definition of a journey, by version. */
export interface JourneyVersionsTable {
  workspace_id: number;
  journey_id: number;
  version: number;
  definition: unknown;
  published_at: Auto<Date>;
  published_by: string | null;
}

export interface JourneyEntriesTable {
  workspace_id: number;
  id: Generated<number>;
  journey_id: number;
  customer_id: number;
  occurrence: string;
  entered_at: Date;
  state: 'active' | 'waiting' | 'completed' | 'exited';
  step: string | null;
  wake_at: Date | null;
  wait_since: Date | null;
  arm: string | null;
  holdout: Auto<boolean>;
  vars: Auto<Record<string, unknown>>;
  exit_reason: string | null;
  updated_at: Auto<Date>;
  /** The journey version the entry runs on (the one published when it entered). */
  version: Auto<number>;
}

export interface JourneyStepsTable {
  workspace_id: number;
  id: Generated<number>;
  journey_id: number;
  entry_id: number;
  customer_id: number;
  step: string;
  outcome: string;
  at: Date;
}

export interface OptOutsTable {
  workspace_id: number;
  customer_id: number;
  channel: string;
  purpose: string;
  source: string;
  at: Auto<Date>;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_at: Auto<Date>;
}

export interface DailyTaskRunsTable {
  workspace_id: number;
  task: string;
  local_date: DateString;
  summary: ColumnType<Record<string, number>, string | undefined, string>;
  finished_at: Auto<Date>;
}

export interface StageCountsTable {
  workspace_id: number;
  as_of: DateString;
  kind: 'lifecycle' | 'rfm_group';
  code: string;
  customers: number;
}

export interface TasksTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  kind: string;
  title: string;
  assignee_id: number | null;
  due_at: Date;
  priority: Auto<'low' | 'normal' | 'high' | 'urgent'>;
  status: Auto<'open' | 'in_progress' | 'done' | 'cancelled'>;
  outcome: string | null;
  notes: string | null;
  created_by: string;
  source: 'manual' | 'journey' | 'bulk' | 'survey';
  source_ref: string | null;
  dedupe_key: string | null;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
  closed_at: Date | null;
}

export interface TaskHistoryTable {
  workspace_id: number;
  id: Generated<number>;
  task_id: number;
  at: Auto<Date>;
  actor: string;
  from_status: string | null;
  to_status: string;
  outcome: string | null;
  assignee_id: number | null;
  /** What happened besides a status change: `escalated_assignee`, `escalated_admins`, `requeued`. */
  event: Auto<string | null>;
  note: Auto<string | null>;
}

/** A staff message owed (escalation or digest), claimed before it is sent so it goes once. */
export interface TaskNoticesTable {
  workspace_id: number;
  notice_key: string;
  kind: 'escalation' | 'digest';
  task_id: number | null;
  level: 'assignee' | 'admins' | null;
  user_id: number | null;
  channel: string;
  status: 'sending' | 'sent' | 'failed';
  attempts: Auto<number>;
  claimed_at: Date;
  sent_at: Date | null;
  error: string | null;
}

export interface CustomerNotesTable {
  workspace_id: number;
  id: Generated<number>;
  customer_id: number;
  type: 'note' | 'call' | 'visit' | 'complaint' | 'ticket';
  summary: string;
  author: string;
  created_at: Auto<Date>;
  status: 'open' | 'resolved' | 'closed' | 'done' | null;
  occurred_at: Auto<Date>;
  author_user_id: number | null;
  source: Auto<'manual' | 'import'>;
  external_ref: string | null;
  import_key: string | null;
}

export interface SurveysTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  kind: 'nps' | 'csat' | 'custom';
  definition: ColumnType<Record<string, unknown>, string, string>;
  status: Auto<'active' | 'archived'>;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
}

export interface SurveyResponsesTable {
  workspace_id: number;
  id: Generated<number>;
  survey_id: number;
  customer_id: number;
  message_id: number;
  channel: string | null;
  journey_id: number | null;
  score: number | null;
  answers: ColumnType<Record<string, unknown>, string, string>;
  comment: string | null;
  locale: string;
  answered_at: Auto<Date>;
}

export interface PredictionFitsTable {
  workspace_id: number;
  id: Generated<number>;
  model: 'bgnbd' | 'paretonbd';
  unit: 'day' | 'week';
  calibration_end: DateString;
  params: ColumnType<Record<string, number>, string, string>;
  log_likelihood: number;
  spend_params: ColumnType<Record<string, number> | null, string | null, string | null>;
  spend_log_likelihood: number | null;
  customers: number;
  repeat_customers: number;
  repeat_purchases: number;
  triples: number;
  /** Calibration/holdout comparison per frequency bin, when the data reach past the calibration end. */
  holdout: ColumnType<unknown, string | null, string | null>;
  source: 'daily' | 'manual';
  created_by: string;
  fitted_at: Auto<Date>;
}

/** When a workspace's product associations were last computed, and from how much data. */
export interface AssociationRefreshesTable {
  workspace_id: number;
  as_of: DateString;
  orders: number;
  customers: number;
  products: number;
  associations: number;
  source: 'daily' | 'manual';
  refreshed_at: Auto<Date>;
}

/** A product as the associations name it (its SKU, else its name on lines without one). */
export interface AssociationProductsTable {
  workspace_id: number;
  item: string;
  name: string;
  orders: number;
  customers: number;
  last_sold: DateString;
}

/** One item-to-item association: `other` bought with (`together`) or after (`after`) `item`. */
export interface ProductAssociationsTable {
  workspace_id: number;
  item: string;
  kind: 'together' | 'after';
  other: string;
  pairs: number;
  support: number;
  confidence: number;
  lift: number;
}

export interface CustomerPredictionsTable {
  workspace_id: number;
  customer_id: number;
  fit_id: number;
  as_of: DateString;
  p_alive: number;
  expected_purchases_30d: number;
  expected_purchases_90d: number;
  expected_purchases_365d: number;
  /** Minor units. */
  expected_spend: number | null;
  /** Minor units. */
  predicted_clv: number | null;
  horizon_days: number;
  next_order_date: DateString | null;
  /** P(alive) of the refresh before this one (null for a customer it did not score). */
  previous_p_alive: Generated<number | null>;
}

/** A product's learned repurchase interval: days per unit bought, from its own or its category's repeats. */
export interface ProductIntervalsTable {
  workspace_id: number;
  sku: string;
  basis: 'sku' | 'category';
  category: string | null;
  /** Repeat intervals the figures come from. */
  intervals: number;
  customers: number;
  median_days: number;
  p25_days: number;
  p75_days: number;
  as_of: DateString;
  computed_at: Auto<Date>;
}

/** The whole schema as Kysely sees it. */
export interface Schema {
  workspaces: WorkspacesTable;
  customers: CustomersTable;
  identities: IdentitiesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  import_lines_ahead: ImportLinesAheadTable;
  products: ProductsTable;
  stores: StoresTable;
  marketing_spend: MarketingSpendTable;
  events: EventsTable;
  tags: TagsTable;
  merge_log: MergeLogTable;
  import_runs: ImportRunsTable;
  tag_history: TagHistoryTable;
  segments: SegmentsTable;
  segment_members: SegmentMembersTable;
  segment_events: SegmentEventsTable;
  customer_states: CustomerStatesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  invitations: InvitationsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  coupon_templates: CouponTemplatesTable;
  coupons: CouponsTable;
  coupon_redemptions: CouponRedemptionsTable;
  points_ledger: PointsLedgerTable;
  customer_tiers: CustomerTiersTable;
  referral_codes: ReferralCodesTable;
  referrals: ReferralsTable;
  channel_configs: ChannelConfigsTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  opt_outs: OptOutsTable;
  instance_secrets: InstanceSecretsTable;
  journeys: JourneysTable;
  journey_entries: JourneyEntriesTable;
  journey_versions: JourneyVersionsTable;
  journey_steps: JourneyStepsTable;
  daily_task_runs: DailyTaskRunsTable;
  stage_counts: StageCountsTable;
  tasks: TasksTable;
  task_history: TaskHistoryTable;
  customer_notes: CustomerNotesTable;
  surveys: SurveysTable;
  survey_responses: SurveyResponsesTable;
  wecom_sends: WecomSendsTable;
  task_notices: TaskNoticesTable;
  broadcasts: BroadcastsTable;
  broadcast_holdouts: BroadcastHoldoutsTable;
  broadcast_list: BroadcastListTable;
  prediction_fits: PredictionFitsTable;
  customer_predictions: CustomerPredictionsTable;
  association_refreshes: AssociationRefreshesTable;
  association_products: AssociationProductsTable;
  product_associations: ProductAssociationsTable;
  product_intervals: ProductIntervalsTable;
  import_mappings: ImportMappingsTable;
}

/** The column mapping last confirmed for a platform's export imported as a kind (field → header, '' = left out). */
export interface ImportMappingsTable {
  workspace_id: number;
  platform: string;
  kind: string;
  mapping: ColumnType<Record<string, string>, string, string>;
  updated_at: Auto<Date>;
}

/** A broadcast (群发): its definition (audience, arms, coupon, send time) and where it stands. */
export interface BroadcastsTable {
  workspace_id: number;
  id: Generated<number>;
  name: string;
  definition: unknown;
  status: 'draft' | 'pending_approval' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';
  /** While paused: the status it resumes to. */
  paused_from: string | null;
  /** When materialising starts (for a send in each customer's zone: the earliest zone's moment). */
  send_at: Date | null;
  created_by: string;
  approved_by: string | null;
  created_at: Auto<Date>;
  updated_at: Auto<Date>;
  started_at: Date | null;
  completed_at: Date | null;
  /** Customers up to this id are materialised. */
  cursor_id: number | null;
  materialised: Auto<boolean>;
  /** How its holdout and arm are drawn: 1 sha256 per draw (before 0042), 2 one hashint8extended. */
  draw_version: Auto<number>;
}

/** A customer of a broadcast's audience drawn into its holdout (sent nothing, compared for lift). */
export interface BroadcastHoldoutsTable {
  workspace_id: number;
  broadcast_id: number;
  customer_id: number;
}

/** A customer of a broadcast's uploaded list, as resolved when it was created. */
export interface BroadcastListTable {
  workspace_id: number;
  broadcast_id: number;
  customer_id: number;
}
