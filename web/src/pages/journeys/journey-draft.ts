// A journey as the no-code builder holds it (strings, as typed) and the journey JSON it stands for
// (README, Journeys). The server's parser checks the JSON; fields left empty are left out, so its
// error names them.
import { type Rule, segmentCondition } from '../segments/segment-rule.ts';

/** The kinds of step the builder offers. */
export const STEP_KINDS = [
  'wait',
  'wait_until',
  'wait_for_event',
  'branch',
  'split',
  'holdout',
  'send',
  'send_survey',
  'tag',
  'webhook',
  'issue_coupon',
  'award_points',
  'create_task',
  'exit',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The kinds of trigger; `birthday` … `points_expiring` are the model's `date` triggers. */
export const TRIGGER_KINDS = [
  'order_placed',
  'first_order',
  'event',
  'lifecycle_changed',
  'rfm_group_changed',
  'tier_changed',
  'segment',
  'survey_answered',
  'p_alive_below',
  'birthday',
  'days_after_last_order',
  'days_without_order',
  'first_order_anniversary',
  'replenishment',
  'points_expiring',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
/** Triggers that are a date of the customer's, not a change. */
export const DATE_TRIGGERS: readonly TriggerKind[] = TRIGGER_KINDS.slice(TRIGGER_KINDS.indexOf('birthday'));

export const DURATION_UNITS = ['m', 'h', 'd', 'w'] as const;
export interface DurationDraft {
  amount: string;
  unit: (typeof DURATION_UNITS)[number];
}
/** A key and a text value; `raw` keeps a loaded non-text value while its text is unchanged. */
export interface Pair {
  key: string;
  value: string;
  raw?: unknown;
}
/** Rules joined by all/any; `kept` holds a loaded condition the rules cannot show, until replaced. */
export interface ConditionDraft {
  rules: Rule[];
  join: 'all' | 'any';
  kept?: unknown;
}
export interface ArmDraft {
  name: string;
  weight: string;
  next: string;
}
/** A template to send, chosen by channel first. */
export interface SendDraft {
  channel: string;
  template: string;
}

/** One step with the fields of every kind, so changing its kind keeps what was typed. */
export interface StepDraft {
  id: string;
  kind: StepKind;
  next: string;
  duration: DurationDraft;
  weekday: string;
  time: string;
  event: string;
  properties: Pair[];
  timeout: DurationDraft;
  onEvent: string;
  onTimeout: string;
  condition: ConditionDraft;
  ifTrue: string;
  ifFalse: string;
  arms: ArmDraft[];
  percent: string;
  sends: SendDraft[];
  skipIfOrdered: boolean;
  /** The survey a `send_survey` step sends the link of. */
  survey: string;
  add: string[];
  remove: string[];
  data: Pair[];
  coupon: string;
  points: string;
  reason: string;
  /** create_task: the task's kind, title template, hours to its due time, priority and who gets it. */
  task: TaskStepDraft;
}

/** Where a journey's task goes: the rules of the task API (`user` keeps a loaded user id). */
export const TASK_RULES = ['owner', 'store', 'round_robin', 'queue', 'user'] as const;
export interface TaskStepDraft {
  kind: string;
  title: string;
  dueHours: string;
  priority: string;
  rule: (typeof TASK_RULES)[number];
  role: string;
  userId: string;
}

export interface TriggerDraft {
  kind: TriggerKind;
  channel: string;
  event: string;
  properties: Pair[];
  from: string;
  to: string;
  segment: string;
  on: 'entered' | 'exited';
  days: string;
  daysBefore: string;
  /** `survey_answered`: the survey, NPS group and score range (empty: any). */
  survey: string;
  npsGroup: string;
  scoreMin: string;
  scoreMax: string;
  /** `p_alive_below`: the threshold as a percentage (30 for P(alive) < 0.3). */
  threshold: string;
}

export interface JourneyDraft {
  name: string;
  description: string;
  trigger: TriggerDraft;
  entry: ConditionDraft;
  reentry: 'once' | 'always' | 'every';
  reentryDays: string;
  maxEntries: string;
  attributionDays: string;
  /** In order; the first is where customers start. */
  steps: StepDraft[];
}

export const emptyCondition = (): ConditionDraft => ({ rules: [], join: 'all' });

/** A new step of a kind, with an id and sensible defaults. */
export function newStep(kind: StepKind, id: string): StepDraft {
  return {
    id,
    kind,
    next: '',
    duration: { amount: '1', unit: 'd' },
    weekday: '',
    time: '10:00',
    event: 'order_placed',
    properties: [],
    timeout: { amount: '1', unit: 'd' },
    onEvent: '',
    onTimeout: '',
    condition: emptyCondition(),
    ifTrue: '',
    ifFalse: '',
    arms: [
      { name: 'A', weight: '50', next: '' },
      { name: 'B', weight: '50', next: '' },
    ],
    percent: '10',
    sends: [{ channel: '', template: '' }],
    skipIfOrdered: false,
    survey: '',
    add: [],
    remove: [],
    data: [],
    coupon: '',
    points: '100',
    reason: '',
    task: {
      kind: 'callback',
      title: '',
      dueHours: '24',
      priority: 'normal',
      rule: 'owner',
      role: 'service',
      userId: '',
    },
  };
}

/** An id for a new step of a kind, not yet taken (`wait_2`). */
export function freshStepId(kind: StepKind, steps: StepDraft[]): string {
  for (let n = 1; ; n++) {
    const id = `${kind}_${n}`;
    if (!steps.some((s) => s.id === id)) return id;
  }
}

export const newTrigger = (kind: TriggerKind = 'first_order'): TriggerDraft => ({
  kind,
  channel: '',
  event: '',
  properties: [],
  from: '',
  to: '',
  segment: '',
  on: 'entered',
  days: '30',
  daysBefore: kind === 'points_expiring' ? '30' : '0',
  survey: '',
  npsGroup: '',
  scoreMin: '',
  scoreMax: '',
  threshold: '30',
});

/** A new journey: first order → exit. */
export function newJourney(): JourneyDraft {
  return {
    name: '',
    description: '',
    trigger: newTrigger(),
    entry: emptyCondition(),
    reentry: 'once',
    reentryDays: '30',
    maxEntries: '',
    attributionDays: '7',
    steps: [newStep('exit', 'exit_1')],
  };
}

/** A number typed in a field; undefined when empty (NaN stays NaN, for the server to name). */
const num = (text: string) => (text.trim() === '' ? undefined : Number(text));
const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
const duration = (d: DurationDraft) => (d.amount.trim() === '' ? undefined : `${d.amount.trim()}${d.unit}`);
const pairs = (list: Pair[], keepRaw: boolean) => {
  const out: Record<string, unknown> = {};
  for (const p of list) {
    if (!p.key.trim()) continue;
    const rawText = p.raw === undefined ? undefined : JSON.stringify(p.raw);
    out[p.key.trim()] = keepRaw && rawText === p.value ? p.raw : p.value;
  }
  return Object.keys(out).length ? out : undefined;
};

/** The condition JSON of a draft condition, or undefined when it has no complete rule. */
export function conditionJson(c: ConditionDraft, minorPerUnit: number): unknown {
  if (c.kept !== undefined) return c.kept;
  const joined = segmentCondition(c.rules, c.join, minorPerUnit) as Record<string, unknown[]> | undefined;
  // One rule needs no all/any around it.
  const parts = joined && Object.values(joined)[0];
  return parts?.length === 1 ? parts[0] : joined;
}

/** The trigger JSON. */
export function triggerJson(t: TriggerDraft): Record<string, unknown> {
  const change = (key: string) => ({ [key]: { from: text(t.from), to: text(t.to) } });
  switch (t.kind) {
    case 'order_placed':
      return { order_placed: { channel: text(t.channel) } };
    case 'first_order':
      return { first_order: {} };
    case 'event':
      return { event: text(t.event), properties: pairs(t.properties, false) };
    case 'lifecycle_changed':
    case 'rfm_group_changed':
    case 'tier_changed':
      return change(t.kind);
    case 'segment':
      return { segment: text(t.segment), on: t.on };
    case 'survey_answered':
      return {
        survey_answered: {
          survey: text(t.survey),
          nps_group: text(t.npsGroup),
          score_min: num(t.scoreMin),
          score_max: num(t.scoreMax),
        },
      };
    case 'p_alive_below': {
      const pct = num(t.threshold);
      // Rounded so 30 % is 0.3, not 0.30000000000000004.
      return { p_alive_below: { threshold: pct === undefined ? undefined : Math.round(pct * 1e4) / 1e6 } };
    }
    case 'days_after_last_order':
    case 'days_without_order':
      return { date: t.kind, days: num(t.days) };
    case 'replenishment':
    case 'points_expiring':
      return { date: t.kind, days_before: num(t.daysBefore) };
    default:
      return { date: t.kind };
  }
}

/** The step JSON of one draft step. */
export function stepJson(s: StepDraft, minorPerUnit: number): Record<string, unknown> {
  const next = text(s.next);
  switch (s.kind) {
    case 'wait':
      return { type: 'wait', duration: duration(s.duration), next };
    case 'wait_until':
      return { type: 'wait_until', weekday: num(s.weekday), time: text(s.time), next };
    case 'wait_for_event':
      return {
        type: 'wait_for_event',
        event: text(s.event),
        properties: pairs(s.properties, false),
        timeout: duration(s.timeout),
        on_event: text(s.onEvent),
        on_timeout: text(s.onTimeout),
      };
    case 'branch':
      return {
        type: 'branch',
        if: conditionJson(s.condition, minorPerUnit),
        // biome-ignore lint/suspicious/noThenProperty: the model's branch reads if/then/else; plain data
        then: text(s.ifTrue),
        else: text(s.ifFalse),
      };
    case 'split':
      return {
        type: 'split',
        arms: s.arms.map((a) => ({ name: text(a.name), weight: num(a.weight), next: text(a.next) })),
      };
    case 'holdout':
      return { type: 'holdout', percent: num(s.percent), next };
    case 'send':
      return {
        type: 'send',
        templates: s.sends.map((x) => x.template).filter(Boolean),
        skip_if_ordered: s.skipIfOrdered,
        next,
      };
    case 'send_survey':
      return {
        type: 'send_survey',
        survey: text(s.survey),
        templates: s.sends.map((x) => x.template).filter(Boolean),
        next,
      };
    case 'tag':
      return { type: 'tag', add: s.add, remove: s.remove, next };
    case 'webhook':
      return { type: 'webhook', data: pairs(s.data, true), next };
    case 'issue_coupon':
      return { type: 'issue_coupon', template: text(s.coupon), next };
    case 'award_points':
      return { type: 'award_points', points: num(s.points), reason: s.reason, next };
    case 'create_task':
      return {
        type: 'create_task',
        kind: text(s.task.kind),
        title: text(s.task.title),
        due_in_hours: num(s.task.dueHours),
        priority: s.task.priority,
        assign:
          s.task.rule === 'round_robin'
            ? { rule: 'round_robin', role: s.task.role }
            : s.task.rule === 'user'
              ? { rule: 'user', user_id: num(s.task.userId) }
              : { rule: s.task.rule },
        next,
      };
    case 'exit':
      return { type: 'exit' };
  }
}

/** Drops undefined values (JSON would anyway; this keeps the object equal to what is sent). */
const clean = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_, v) => (Number.isNaN(v) ? 'NaN' : v)));

/** The journey JSON for `PUT /journeys`; `minorPerUnit` converts money in conditions. */
export function journeyJson(d: JourneyDraft, minorPerUnit: number): Record<string, unknown> {
  const entry = conditionJson(d.entry, minorPerUnit);
  return clean({
    name: text(d.name),
    description: text(d.description),
    trigger: triggerJson(d.trigger),
    entry,
    reentry: d.reentry === 'every' ? { every_days: num(d.reentryDays) } : d.reentry,
    max_entries: num(d.maxEntries),
    attribution_days: num(d.attributionDays),
    start: d.steps[0]?.id,
    steps: Object.fromEntries(d.steps.map((s) => [s.id, stepJson(s, minorPerUnit)])),
  }) as Record<string, unknown>;
}
