import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { replayPAliveCrossings } from '../predict/p-alive-replay.ts';
import { effectiveIntervals, lastsDays, purchaseDays } from '../products/replenishment-sql.ts';
import { conditionFilter } from '../segments/index.ts';
import { clockMinutes, nextWallTime, zonedInstant } from '../shared/zoned-time.ts';
import type { Workspace } from '../workspaces/index.ts';
import { draw, pickArm } from './journey-entry.ts';
import { durationMs, type Journey, type Step, type Trigger } from './journey-model.ts';
import {
  awaitedHappened,
  onMonthDay,
  propsMatch,
  stageChanged,
  surveyAnswerMatch,
} from './journey-triggers.ts';

/** What a journey would have done over past days, without sending or saving anything. */
export interface BacktestResult {
  from: string;
  to: string;
  /** Trigger firings in the period (before conditions, re-entry and cap). */
  triggered: number;
  not_eligible: number;
  entered: number;
  capped: number;
  /** Entries still on their way when the period ended (a wait reaching past `to`). */
  in_progress_at_end: number;
  steps: { step: string; type: string; reached: number; outcomes: string }[];
}

interface Firing {
  customer_id: number;
  at: Date;
}

/** Every firing of the trigger on local days [from, to), read from history, in time order. */
function firings(t: Trigger, ws: number, tz: string, from: string, to: string): RawBuilder<Firing> {
  const inDays = (col: RawBuilder<unknown>) => sql`${col} >= ${from}::date and ${col} < ${to}::date`;
  const midnight = (day: RawBuilder<unknown>) => sql`(${day}::timestamp at time zone ${tz})`;
  const days = sql`generate_series(${from}::date, ${to}::date - 1, interval '1 day')::date`;
  const eventsOf = (type: string, match: RawBuilder<unknown>) =>
    sql<Firing>`select e.customer_id, e.occurred_at as at from events e
      where e.workspace_id = ${ws} and e.type = ${type} and ${inDays(sql`(e.occurred_at at time zone ${tz})::date`)}
      and ${match}`;
  if ('order_placed' in t)
    return sql<Firing>`select o.customer_id, o.ordered_at as at from orders o where o.workspace_id = ${ws}
      and o.customer_id is not null and ${VALID_ORDER} and ${inDays(sql`o.local_date`)}
      ${t.order_placed.channel ? sql`and o.channel = ${t.order_placed.channel}` : sql``}`;
  if ('first_order' in t)
    return sql<Firing>`select c.id as customer_id, c.first_order_at as at from customers c
      where c.workspace_id = ${ws} and ${inDays(sql`c.first_order_date`)}`;
  if ('event' in t) return eventsOf(t.event, propsMatch(t.properties ?? {}));
  if ('lifecycle_changed' in t) return eventsOf('lifecycle_changed', stageChanged(t.lifecycle_changed));
  if ('rfm_group_changed' in t) return eventsOf('rfm_group_changed', stageChanged(t.rfm_group_changed));
  if ('tier_changed' in t) return eventsOf('tier_changed', propsMatch(t.tier_changed));
  if ('survey_answered' in t) return eventsOf('survey_answered', surveyAnswerMatch(t.survey_answered));
  if ('p_alive_below' in t)
    return sql<Firing>`select null::bigint as customer_id, null::timestamptz as at where false`;
  if ('segment' in t)
    return sql<Firing>`select se.customer_id, se.at from segment_events se
      join segments sg on sg.workspace_id = se.workspace_id and sg.id = se.segment_id
      where se.workspace_id = ${ws} and sg.name = ${t.segment} and se.action = ${t.on}
        and ${inDays(sql`(se.at at time zone ${tz})::date`)}`;
  switch (t.date) {
    case 'birthday':
      return sql<Firing>`select c.id as customer_id, ${midnight(sql`d.day`)} as at from customers c
        join (select ${days} as day) d on ${onMonthDay(sql`c.birthday`, sql`d.day`)}
        where c.workspace_id = ${ws} and c.birthday is not null and c.erased_at is null`;
    case 'first_order_anniversary':
      return sql<Firing>`select c.id as customer_id, ${midnight(sql`d.day`)} as at from customers c
        join (select ${days} as day) d on ${onMonthDay(sql`c.first_order_date`, sql`d.day`)} and c.first_order_date < d.day
        where c.workspace_id = ${ws}`;
    case 'days_after_last_order':
    case 'days_without_order':
      // A valid order on day L with none in the N days after it fires on L + N.
      return sql<Firing>`with v as (select distinct o.customer_id, o.local_date from orders o
          where o.workspace_id = ${ws} and o.customer_id is not null and ${VALID_ORDER})
        select v.customer_id, ${midnight(sql`(v.local_date + ${t.days}::int)`)} as at from v
        where ${inDays(sql`(v.local_date + ${t.days}::int)`)} and not exists (select 1 from v later
          where later.customer_id = v.customer_id and later.local_date > v.local_date and later.local_date <= v.local_date + ${t.days}::int)`;
    case 'replenishment':
      // Each purchase fires on its day + interval × quantity − N, unless the customer bought the
      // product again by then (intervals as they are now: learned ones are not kept per day).
      return sql<Firing>`with b as (${purchaseDays(ws)}),
        f as (select b.customer_id, b.sku, b.day, b.day + ${lastsDays(sql`e.days`, sql`b.qty`)} - ${t.days_before}::int as fire
          from b join (${effectiveIntervals(ws)}) e on e.sku = b.sku)
        select distinct f.customer_id, ${midnight(sql`f.fire`)} as at from f
        where ${inDays(sql`f.fire`)} and not exists (select 1 from b later where later.customer_id = f.customer_id
          and later.sku = f.sku and later.day > f.day and later.day <= f.fire)`;
    case 'points_expiring':
      // The balance then is not replayed: lots expiring in the period's window, whatever was spent.
      return sql<Firing>`select distinct l.customer_id, ${midnight(sql`((l.expires_at at time zone ${tz})::date - ${t.days_before}::int)`)} as at
        from points_ledger l where l.workspace_id = ${ws} and l.points > 0 and l.expires_at is not null
          and ${inDays(sql`((l.expires_at at time zone ${tz})::date - ${t.days_before}::int)`)}`;
  }
}

/** The trigger's firings in the period, in time order; P(alive) is replayed with the latest fit. */
async function firedInPeriod(
  db: Kysely<Schema>,
  t: Trigger,
  ws: number,
  tz: string,
  period: { from: string; to: string },
): Promise<Firing[]> {
  if ('p_alive_below' in t)
    return (await replayPAliveCrossings(db, ws, t.p_alive_below.threshold, period))
      .map((c) => ({ customer_id: c.customer_id, at: zonedInstant(c.day, 0, tz) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.customer_id - b.customer_id);
  return (
    await sql<Firing>`select f.customer_id, f.at from (${firings(t, ws, tz, period.from, period.to)}) f
    order by f.at, f.customer_id`.execute(db)
  ).rows;
}

/**
 * Replays a journey over local days [from, to) of the workspace's history: who its trigger fired
 * for, who met the entry condition (evaluated as of the period's last day), the re-entry policy
 * and the cap, and how many entries reached each step — waits advance in time, waits for an event
 * look it up in history, branches use the condition as of that day, splits and holdouts draw as
 * the live journey would. Nothing is sent, issued or stored.
 */
export async function backtestJourney(
  db: Kysely<Schema>,
  workspace: Workspace,
  journey: Journey,
  period: { from: string; to: string },
): Promise<BacktestResult> {
  const ws = workspace.id;
  const tz = workspace.timezone;
  const lastDay = new Date(Date.parse(`${period.to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const end = zonedInstant(period.to, 0, tz);
  const fired = await firedInPeriod(db, journey.trigger, ws, tz, period);
  const ids = [...new Set(fired.map((f) => Number(f.customer_id)))];
  const matching = async (condition: Parameters<typeof conditionFilter>[2]) => {
    const where = await conditionFilter(db, workspace, condition, lastDay);
    const rows = await sql<{ id: number }>`select c.id from customers c where c.workspace_id = ${ws}
      and c.id = any(${ids}::bigint[]) and ${where}`.execute(db);
    return new Set(rows.rows.map((r) => Number(r.id)));
  };
  const eligible = journey.entry ? await matching(journey.entry) : new Set(ids);
  const applied = await db
    .selectFrom('journeys')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('name', '=', journey.name)
    .executeTakeFirst();
  const journeyId = applied?.id ?? 0;
  const branches = new Map<string, Set<number>>();
  for (const [name, step] of Object.entries(journey.steps))
    if (step.type === 'branch') branches.set(name, await matching(step.if));

  const result: BacktestResult = {
    ...period,
    triggered: fired.length,
    not_eligible: 0,
    entered: 0,
    capped: 0,
    in_progress_at_end: 0,
    steps: [],
  };
  const reached = new Map<string, Map<string, number>>();
  const mark = (step: string, outcome: string) => {
    const m = reached.get(step) ?? new Map<string, number>();
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
    reached.set(step, m);
  };
  const lastEntry = new Map<number, number>();
  for (const f of fired) {
    const cid = Number(f.customer_id);
    const at = new Date(f.at);
    if (!eligible.has(cid)) {
      result.not_eligible++;
      continue;
    }
    const prev = lastEntry.get(cid);
    const policy = journey.reentry;
    if (
      prev !== undefined &&
      (policy === 'once' ||
        (typeof policy === 'object' && at.getTime() - prev < policy.every_days * 86_400_000))
    )
      continue;
    if (journey.max_entries !== undefined && result.entered >= journey.max_entries) {
      result.capped++;
      continue;
    }
    result.entered++;
    lastEntry.set(cid, at.getTime());
    let t = at;
    let name: string | undefined = journey.start;
    for (let taken = 0; name && taken < 100; taken++) {
      const step: Step = journey.steps[name]!;
      if (t >= end) {
        result.in_progress_at_end++;
        break;
      }
      let outcome = 'passed';
      let next: string | undefined;
      switch (step.type) {
        case 'wait':
          t = new Date(t.getTime() + durationMs(step.duration));
          next = step.next;
          break;
        case 'wait_until':
          t = nextWallTime(t, tz, clockMinutes(step.time), step.weekday);
          next = step.next;
          break;
        case 'wait_for_event': {
          const until = new Date(t.getTime() + durationMs(step.timeout));
          const happened = awaitedHappened(step, ws, cid, t, until);
          const hit: boolean = (await sql<{ hit: boolean }>`select ${happened} as hit`.execute(db)).rows[0]!
            .hit;
          outcome = hit ? 'event' : 'timeout';
          next = hit ? step.on_event : step.on_timeout;
          if (!hit) t = until;
          break;
        }
        case 'branch':
          outcome = branches.get(name)!.has(cid) ? 'matched' : 'not_matched';
          next = outcome === 'matched' ? step.then : step.else;
          break;
        case 'split': {
          const arm: { name: string; next: string } = pickArm(step.arms, draw(journeyId, cid, name));
          outcome = arm.name;
          next = arm.next;
          break;
        }
        case 'holdout':
          outcome = draw(journeyId, cid, 'holdout') < step.percent ? 'held_out' : 'treated';
          next = outcome === 'treated' ? step.next : undefined;
          break;
        case 'exit':
          outcome = 'exit';
          break;
        default:
          outcome =
            step.type === 'send' || step.type === 'send_survey' || step.type === 'webhook'
              ? 'would_send'
              : 'would_run';
          next = step.next;
      }
      mark(name, outcome);
      name = next;
    }
  }
  result.steps = Object.entries(journey.steps).map(([step, s]) => {
    const m = reached.get(step) ?? new Map();
    return {
      step,
      type: s.type,
      reached: [...m.values()].reduce((a, b) => a + b, 0),
      outcomes: [...m.entries()].map(([k, v]) => `${k} ${v}`).join(', '),
    };
  });
  return result;
}
