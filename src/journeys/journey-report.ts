import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { type Funnel, messageFunnel } from '../messaging/message-funnel.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { compareProportions, type ProportionComparison } from '../shared/proportions.ts';
import type { StoredJourney } from './journey-service.ts';

/** Conversion of a group of entries anchored at the moment they passed a step. */
export interface GroupConversion {
  group: string;
  customers: number;
  converted: number;
  conversion_rate: number | null;
}

/** Everything `retain journeys show` and the API report about a journey. */
export interface JourneyReport {
  name: string;
  status: string;
  entries: {
    total: number;
    active: number;
    waiting: number;
    completed: number;
    exited: number;
    capped: number;
  };
  /**
   * Per step: entries that reached it (those that left it, by outcome, and those there now) and
   * entries there now. A message step's `queued` counts only messages still waiting; those the
   * worker handled count as `sent`, `failed` or `skipped`, and `not_sent` says why (reason →
   * messages skipped or failed).
   */
  steps: {
    step: string;
    type: string;
    reached: number;
    outcomes: Record<string, number>;
    not_sent: Record<string, number>;
    now_at: number;
  }[];
  funnel: Funnel;
  funnel_by_step: (Funnel & { step: string })[];
  holdout:
    | (ProportionComparison & { step: string; treated: GroupConversion; held_out: GroupConversion })
    | null;
  splits: { step: string; arms: (GroupConversion & ProportionComparison)[] }[];
}

const rate = (x: number, n: number) => (n === 0 ? null : x / n);

/** Per outcome of a step: customers and those with a valid order within the window after it. */
async function conversionsAt(db: Kysely<Schema>, ws: number, journeyId: number, step: string, days: number) {
  const r = await sql<{ outcome: string; customers: number; converted: number }>`
    with passed as (
      select distinct on (s.customer_id) s.customer_id, s.outcome, s.at from journey_steps s
      where s.workspace_id = ${ws} and s.journey_id = ${journeyId} and s.step = ${step} order by s.customer_id, s.at
    ) select p.outcome, count(*)::int as customers,
        count(*) filter (where exists (select 1 from orders o where o.workspace_id = ${ws} and o.customer_id = p.customer_id
          and ${VALID_ORDER} and o.ordered_at > p.at and o.ordered_at <= p.at + ${days}::int * interval '1 day'))::int as converted
      from passed p group by p.outcome`.execute(db);
  return new Map(r.rows.map((x) => [x.outcome, x]));
}

const group = (name: string, row?: { customers: number; converted: number }): GroupConversion => ({
  group: name,
  customers: row?.customers ?? 0,
  converted: row?.converted ?? 0,
  conversion_rate: rate(row?.converted ?? 0, row?.customers ?? 0),
});

/** A journey's entries by state and, per step, entries that reached it by outcome and are there now. */
export type JourneyCounts = Pick<JourneyReport, 'entries' | 'steps'>;

/** The counts of {@link JourneyReport} alone: two grouped reads, cheap enough for a list of journeys. */
export async function journeyCounts(db: Kysely<Schema>, journey: StoredJourney): Promise<JourneyCounts> {
  const ws = journey.workspace_id;
  const def = journey.definition;
  const states = await sql<{ state: string; step: string | null; n: number }>`
    select state, step, count(*)::int as n from journey_entries where workspace_id = ${ws} and journey_id = ${journey.id}
    group by state, step`.execute(db);
  const reached = await sql<{ step: string; outcome: string; n: number }>`
    select step, outcome, count(*)::int as n from journey_steps where workspace_id = ${ws} and journey_id = ${journey.id}
    group by step, outcome`.execute(db);
  // What became of each step's messages: a queued step outcome is only a message handed to the worker.
  const sent = await sql<{ step: string; status: string; reason: string | null; n: number }>`
    select step, status, case when status = 'skipped' then reason when status = 'failed' and reason like 'wecom\_%' then reason
      when status = 'failed' then 'provider_error' end as reason, count(*)::int as n
    from messages where workspace_id = ${ws} and journey_id = ${journey.id} and step is not null
    group by 1, 2, 3`.execute(db);
  const count = (state: string) => states.rows.filter((r) => r.state === state).reduce((s, r) => s + r.n, 0);
  const steps = Object.entries(def.steps).map(([step, s]) => {
    const outcomes: Record<string, number> = Object.fromEntries(
      reached.rows.filter((r) => r.step === step).map((r) => [r.outcome, r.n]),
    );
    const reachedCount = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const notSent: Record<string, number> = {};
    if (outcomes.queued) {
      for (const m of sent.rows.filter((r) => r.step === step && !['queued', 'sending'].includes(r.status))) {
        outcomes[m.status] = (outcomes[m.status] ?? 0) + m.n;
        outcomes.queued -= m.n;
        if (m.reason !== null) notSent[m.reason] = (notSent[m.reason] ?? 0) + m.n;
      }
      if (outcomes.queued <= 0) delete outcomes.queued;
    }
    const nowAt = states.rows
      .filter((r) => r.step === step && (r.state === 'active' || r.state === 'waiting'))
      .reduce((a, r) => a + r.n, 0);
    return {
      step,
      type: s.type,
      // A step is recorded when an entry leaves it: those still there (a wait's customers) have
      // reached it too, as the backtest counts them.
      reached: reachedCount + nowAt,
      outcomes,
      not_sent: notSent,
      now_at: nowAt,
    };
  });
  return {
    entries: {
      total: states.rows.reduce((s, r) => s + r.n, 0),
      active: count('active'),
      waiting: count('waiting'),
      completed: count('completed'),
      exited: count('exited'),
      capped: journey.capped,
    },
    steps,
  };
}

/**
 * A journey's results: entries by state, per-step counts, the funnel touched → delivered → opened →
 * clicked → added to cart → converted with revenue (a conversion is a valid order within the
 * journey's attribution window after the first delivered message), lift over the holdout (both
 * groups anchored when they passed the holdout step) and each A/B split's arms.
 */
export async function journeyReport(db: Kysely<Schema>, journey: StoredJourney): Promise<JourneyReport> {
  const ws = journey.workspace_id;
  const def = journey.definition;
  const days = def.attribution_days;
  const { entries, steps } = await journeyCounts(db, journey);
  const sendSteps = Object.entries(def.steps).filter(
    ([, s]) => s.type === 'send' || s.type === 'send_survey',
  );
  const holdoutStep = Object.entries(def.steps).find(([, s]) => s.type === 'holdout')?.[0];
  let holdout: JourneyReport['holdout'] = null;
  if (holdoutStep) {
    const at = await conversionsAt(db, ws, journey.id, holdoutStep, days);
    const treated = group('treated', at.get('treated'));
    const held = group('held_out', at.get('held_out'));
    holdout = {
      step: holdoutStep,
      treated,
      held_out: held,
      ...compareProportions(treated.converted, treated.customers, held.converted, held.customers),
    };
  }
  const splits: JourneyReport['splits'] = [];
  for (const [step, s] of Object.entries(def.steps)) {
    if (s.type !== 'split') continue;
    const at = await conversionsAt(db, ws, journey.id, step, days);
    const arms = s.arms.map((a) => group(a.name, at.get(a.name)));
    const base = arms[0]!;
    splits.push({
      step,
      arms: arms.map((a) => ({
        ...a,
        ...compareProportions(a.converted, a.customers, base.converted, base.customers),
      })),
    });
  }
  return {
    name: def.name,
    status: journey.status,
    entries,
    steps,
    funnel: await messageFunnel(db, ws, { journeyId: journey.id }, days),
    funnel_by_step: await Promise.all(
      sendSteps.map(async ([step]) => ({
        step,
        ...(await messageFunnel(db, ws, { journeyId: journey.id, step }, days)),
      })),
    ),
    holdout,
    splits,
  };
}
