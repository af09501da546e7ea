import { type RawBuilder, sql } from 'kysely';
import { VALID_ORDER } from '../orders/order-status.ts';
import { pAliveCrossings } from '../predict/p-alive-crossings.ts';
import { replenishmentNeeds } from '../products/replenishment-sql.ts';
import type { Trigger } from './journey-model.ts';

/** Where a trigger's candidates come from, for one scan. */
export interface TriggerScope {
  workspaceId: number;
  timezone: string;
  /** Changes committed in (since, upto] (database time) are new. */
  since: Date;
  upto: Date;
  /** The local date a date trigger is evaluated for. */
  day: string;
  /** Orders and events from before this time (the journey's apply or resume) never fire it. */
  activeFrom: Date;
}

/**
 * True when date `d` falls on the month and day of `day` — a 29 February on 28 February in years
 * without one — for birthdays and anniversaries alike.
 */
export function onMonthDay(d: RawBuilder<unknown>, day: RawBuilder<unknown>): RawBuilder<boolean> {
  // As one integer (month * 100 + day), which the customers_*_month_day indexes hold.
  return sql<boolean>`${monthDay(d)} = any(case when to_char(${day}, 'MM-DD') = '02-28'
      and extract(day from (date_trunc('year', ${day}) + interval '1 month 28 days')) <> 29
    then array[228, 229] else array[${monthDay(day)}] end)`;
}

/** A date's month and day as one integer (1231 for 31 December); immutable, so it can be indexed. */
export const monthDay = (d: RawBuilder<unknown>) =>
  sql<number>`(extract(month from ${d}) * 100 + extract(day from ${d}))::int`;

/** The events `e` whose properties hold every given value (all events when none is given). */
export const propsMatch = (properties: Record<string, string | undefined>) =>
  sql.join(
    [
      sql`true`,
      ...Object.entries(properties)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => sql`e.properties->>${k} = ${v}`),
    ],
    sql` and `,
  );

/** A `survey_answered` event `e` of the survey, NPS group and score range a trigger names. */
export const surveyAnswerMatch = (t: {
  survey?: string;
  nps_group?: string;
  score_min?: number;
  score_max?: number;
}) =>
  sql<boolean>`(${propsMatch({ survey: t.survey, nps_group: t.nps_group })}
    ${t.score_min === undefined ? sql`` : sql`and (e.properties->>'score')::int >= ${t.score_min}`}
    ${t.score_max === undefined ? sql`` : sql`and (e.properties->>'score')::int <= ${t.score_max}`})`;

/**
 * A recorded lifecycle stage or RFM group change `e` with the given from/to: a customer's first
 * recording (from none) sets the baseline and is no change, so recording a workspace for the first
 * time does not start a `to: lost` journey for every customer who has long been lost.
 */
export const stageChanged = (properties: Record<string, string | undefined>) =>
  sql<boolean>`(${propsMatch(properties)} and e.properties->>'from' is not null)`;

/**
 * Whether a customer did what a `wait_for_event` step awaits — the event with its properties, or
 * for `order_placed` a valid order — in (since, until], as SQL; the live run, its early wake-up
 * and the backtest all ask it this way.
 */
export function awaitedHappened(
  awaited: { event: string; properties?: Record<string, string> },
  ws: number,
  customer: RawBuilder<unknown> | number,
  since: RawBuilder<unknown> | Date,
  until: Date,
): RawBuilder<boolean> {
  if (awaited.event === 'order_placed')
    return sql<boolean>`exists (select 1 from orders o where o.workspace_id = ${ws} and o.customer_id = ${customer}
      and ${VALID_ORDER} and o.ordered_at > ${since} and o.ordered_at <= ${until})`;
  return sql<boolean>`exists (select 1 from events e where e.workspace_id = ${ws} and e.customer_id = ${customer}
    and e.type = ${awaited.event} and e.occurred_at > ${since} and e.occurred_at <= ${until}
    and ${propsMatch(awaited.properties ?? {})})`;
}

function eventsOf(type: string, match: RawBuilder<unknown>, s: TriggerScope) {
  return sql`select e.customer_id, 'event:' || e.id as occurrence from events e
    where e.workspace_id = ${s.workspaceId} and e.created_at > ${s.since} and e.created_at <= ${s.upto}
      and e.occurred_at >= ${s.activeFrom} and e.type = ${type} and ${match}`;
}

/** True when the trigger fires on a local date rather than on a change. */
export function isDateTrigger(t: Trigger): t is Extract<Trigger, { date: string }> {
  return 'date' in t;
}

/**
 * The customers a trigger fires for, as SQL rows `(customer_id, occurrence)`: change triggers read
 * what was written in the scan window, date triggers what holds on the scope's local day. The
 * occurrence names the firing (an order, an event, a year's birthday), so a firing seen twice
 * enters once.
 */
export function triggerCandidates(t: Trigger, s: TriggerScope): RawBuilder<unknown> {
  const ws = s.workspaceId;
  const D = sql`${s.day}::date`;
  if ('order_placed' in t)
    return sql`select o.customer_id, 'order:' || o.order_id as occurrence from orders o
      where o.workspace_id = ${ws} and o.updated_at > ${s.since} and o.updated_at <= ${s.upto}
        and o.ordered_at >= ${s.activeFrom} and o.customer_id is not null and ${VALID_ORDER}
        ${t.order_placed.channel ? sql`and o.channel = ${t.order_placed.channel}` : sql``}`;
  if ('first_order' in t)
    return sql`select o.customer_id, 'first_order' as occurrence from orders o
      join customers fc on fc.workspace_id = o.workspace_id and fc.id = o.customer_id and fc.first_order_at = o.ordered_at
      where o.workspace_id = ${ws} and o.updated_at > ${s.since} and o.updated_at <= ${s.upto}
        and o.ordered_at >= ${s.activeFrom} and ${VALID_ORDER}`;
  if ('event' in t) return eventsOf(t.event, propsMatch(t.properties ?? {}), s);
  if ('lifecycle_changed' in t) return eventsOf('lifecycle_changed', stageChanged(t.lifecycle_changed), s);
  if ('rfm_group_changed' in t) return eventsOf('rfm_group_changed', stageChanged(t.rfm_group_changed), s);
  if ('tier_changed' in t) return eventsOf('tier_changed', propsMatch(t.tier_changed), s);
  if ('survey_answered' in t) return eventsOf('survey_answered', surveyAnswerMatch(t.survey_answered), s);
  if ('segment' in t)
    return sql`select se.customer_id, 'segment:' || se.id as occurrence from segment_events se
      join segments sg on sg.workspace_id = se.workspace_id and sg.id = se.segment_id
      where se.workspace_id = ${ws} and sg.name = ${t.segment} and se.action = ${t.on}
        and se.at > ${s.since} and se.at <= ${s.upto}`;
  if ('p_alive_below' in t)
    return pAliveCrossings(ws, t.p_alive_below.threshold, { since: s.since, upto: s.upto });
  switch (t.date) {
    case 'birthday':
      return sql`select c.id as customer_id, 'birthday:' || extract(year from ${D})::int as occurrence from customers c
        where c.workspace_id = ${ws} and c.birthday is not null and c.erased_at is null and ${onMonthDay(sql`c.birthday`, D)}`;
    case 'days_after_last_order':
      return sql`select c.id as customer_id, 'after:' || c.last_order_date as occurrence from customers c
        where c.workspace_id = ${ws} and c.last_order_date = ${D} - ${t.days}::int`;
    case 'days_without_order':
      return sql`select c.id as customer_id, 'quiet:' || q.since as occurrence from customers c
        cross join lateral (select coalesce(c.last_order_date, (c.created_at at time zone ${s.timezone})::date) as since) q
        where c.workspace_id = ${ws} and q.since = ${D} - ${t.days}::int`;
    case 'first_order_anniversary':
      return sql`select c.id as customer_id, 'anniversary:' || extract(year from ${D})::int as occurrence from customers c
        where c.workspace_id = ${ws} and c.first_order_date < ${D} and ${onMonthDay(sql`c.first_order_date`, D)}`;
    case 'replenishment':
      // The last purchase of each product with a hand-set or learned interval: a later one moves it.
      return sql`select r.customer_id, 'replenish:' || r.sku || ':' || r.last_day as occurrence
        from (${replenishmentNeeds(ws)}) r where r.need_date - ${t.days_before}::int = ${D}`;
    case 'points_expiring':
      return sql`select l.customer_id, 'points:' || (${D} + ${t.days_before}::int) as occurrence from points_ledger l
        where l.workspace_id = ${ws} and l.points > 0 and l.expires_at is not null
          and (l.expires_at at time zone ${s.timezone})::date = ${D} + ${t.days_before}::int
          and (select sum(b.points) from points_ledger b where b.workspace_id = ${ws} and b.customer_id = l.customer_id) > 0
        group by l.customer_id`;
  }
}
