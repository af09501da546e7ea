import { type Kysely, sql } from 'kysely';
import { maskName } from '../access/pii-mask.ts';
import { customerContacts } from '../customers/customer-contacts.ts';
import type { Schema } from '../db/schema.ts';
import { sentWithVariable, sentWithVariableByCustomer } from '../messaging/message-history.ts';
import { npsGroup } from './survey-codes.ts';
import type { SurveyFigures, SurveyReport, SurveyResponse } from './survey-contract.ts';
import type { StoredSurvey } from './survey-service.ts';
import { csatOf, npsOf } from './survey-stats.ts';

/** The saved segments customers are members of now: members by segment name (the segments domain's answer). */
export type SegmentsOf = (customerIds: number[]) => Promise<Map<string, Set<number>>>;

interface Row {
  customer_id: number;
  score: number | null;
  channel: string | null;
  journey_id: number | null;
  month: string;
  answers: Record<string, unknown>;
}

function figures(survey: StoredSurvey, key: string, sent: number, rows: Row[]): SurveyFigures {
  const scores = rows.map((r) => r.score).filter((s): s is number => s !== null);
  const nps = survey.kind === 'nps' ? npsOf(scores) : null;
  const csat = survey.kind !== 'nps' ? csatOf(scores) : null;
  return {
    key,
    sent,
    responses: rows.length,
    response_rate: sent > 0 ? Math.round((rows.length / sent) * 1000) / 10 : null,
    nps: nps?.nps ?? null,
    nps_low: nps?.low ?? null,
    nps_high: nps?.high ?? null,
    promoters: nps?.promoters ?? null,
    passives: nps?.passives ?? null,
    detractors: nps?.detractors ?? null,
    csat_mean: csat?.mean ?? null,
    csat_satisfied_percent: csat?.satisfied_percent ?? null,
  };
}

function groupBy(
  survey: StoredSurvey,
  rows: Row[],
  sent: { key: string; n: number }[],
  keyOf: (r: Row) => string,
): SurveyFigures[] {
  const keys = new Set([...rows.map(keyOf), ...sent.map((s) => s.key)]);
  return [...keys].sort().map((key) =>
    figures(
      survey,
      key,
      sent.filter((s) => s.key === key).reduce((a, s) => a + s.n, 0),
      rows.filter((r) => keyOf(r) === key),
    ),
  );
}

/**
 * A survey's report: response rate (answers over survey messages sent), NPS with its 95% interval
 * or CSAT, overall and per local month, channel, journey (journeys by id; the caller names
 * them) and saved segment, the score distribution and each choice question's counts.
 */
export async function surveyReport(
  db: Kysely<Schema>,
  workspace: { id: number; timezone: string },
  survey: StoredSurvey,
  segmentsOf: SegmentsOf,
): Promise<SurveyReport> {
  const ws = workspace.id;
  const result = await sql<Row>`
    select customer_id, score, channel, journey_id, to_char(answered_at at time zone ${workspace.timezone}, 'YYYY-MM') as month, answers
    from survey_responses where workspace_id = ${ws} and survey_id = ${survey.id}`.execute(db);
  const rows = result.rows.map((r) => ({
    ...r,
    customer_id: Number(r.customer_id),
    journey_id: r.journey_id === null ? null : Number(r.journey_id),
  }));
  const sent = await sentWithVariable(db, ws, 'survey_id', String(survey.id), workspace.timezone);
  const total = sent.reduce((a, s) => a + s.n, 0);
  const [min, max] = survey.kind === 'nps' ? [0, 10] : [1, 5];
  const distribution = [];
  for (let score = min; score <= max; score++)
    distribution.push({ score, responses: rows.filter((r) => r.score === score).length });
  const choices = survey.definition.questions
    .filter((q) => q.type === 'single' || q.type === 'multiple')
    .map((q) => ({
      question: q.id,
      options: q.options!.map((o) => ({
        value: o.value,
        responses: rows.filter((r) => {
          const v = r.answers[q.id];
          return Array.isArray(v) ? v.includes(o.value) : v === o.value;
        }).length,
      })),
    }));
  const journeyKey = (id: number | null) => (id === null ? '-' : String(id));
  return {
    survey: { id: survey.id, name: survey.name, kind: survey.kind },
    total: figures(survey, 'all', total, rows),
    distribution,
    by_month: groupBy(
      survey,
      rows,
      sent.map((s) => ({ key: s.month, n: s.n })),
      (r) => r.month,
    ),
    by_channel: groupBy(
      survey,
      rows,
      sent.map((s) => ({ key: s.channel, n: s.n })),
      (r) => r.channel ?? '-',
    ),
    by_journey: groupBy(
      survey,
      rows,
      sent.map((s) => ({ key: journeyKey(s.journey_id), n: s.n })),
      (r) => journeyKey(r.journey_id),
    ),
    by_segment: await bySegment(db, ws, survey, rows, segmentsOf),
    choices,
  };
}

/**
 * Figures per saved segment, over the customers who are its members now: their answers, and
 * the survey's links sent to them. A customer in two segments counts in both.
 */
async function bySegment(
  db: Kysely<Schema>,
  ws: number,
  survey: StoredSurvey,
  rows: Row[],
  segmentsOf: SegmentsOf,
) {
  const sentTo = await sentWithVariableByCustomer(db, ws, 'survey_id', String(survey.id));
  const members = await segmentsOf([...new Set([...sentTo.keys(), ...rows.map((r) => r.customer_id)])]);
  return [...members.keys()].sort().map((name) => {
    const ids = members.get(name)!;
    let sent = 0;
    for (const id of ids) sent += sentTo.get(id) ?? 0;
    return figures(
      survey,
      name,
      sent,
      rows.filter((r) => ids.has(r.customer_id)),
    );
  });
}

/**
 * Answers newest first (all of a survey, or all of a customer), after a `answered_at_id` cursor;
 * with `withText`, only those with written words (the verbatims).
 */
export async function listResponses(
  db: Kysely<Schema>,
  workspaceId: number,
  filter: { surveyId?: number; customerId?: number; withText?: boolean; before?: string; limit: number },
  options: { maskNames: boolean },
): Promise<{ items: SurveyResponse[]; next_cursor: string | null }> {
  let q = db
    .selectFrom('survey_responses as r')
    .innerJoin('surveys as s', (j) =>
      j.onRef('s.workspace_id', '=', 'r.workspace_id').onRef('s.id', '=', 'r.survey_id'),
    )
    .select([
      'r.id',
      'r.survey_id',
      's.name as survey_name',
      's.kind',
      'r.customer_id',
      'r.score',
      'r.comment',
      'r.answers',
      'r.channel',
      'r.answered_at',
    ])
    .where('r.workspace_id', '=', workspaceId)
    .orderBy('r.answered_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.surveyId !== undefined) q = q.where('r.survey_id', '=', filter.surveyId);
  if (filter.customerId !== undefined) q = q.where('r.customer_id', '=', filter.customerId);
  if (filter.withText) q = q.where('r.comment', 'is not', null);
  if (filter.before) {
    const [ms, id] = filter.before.split('_').map(Number) as [number, number];
    q = q.where((eb) =>
      eb.or([
        eb('r.answered_at', '<', new Date(ms)),
        eb.and([eb('r.answered_at', '=', new Date(ms)), eb('r.id', '<', id)]),
      ]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, filter.limit);
  const names = await customerContacts(
    db,
    workspaceId,
    page.map((r) => Number(r.customer_id)),
  );
  const items = page.map((r) => {
    const name = names.get(Number(r.customer_id))?.name ?? null;
    return {
      id: Number(r.id),
      survey_id: Number(r.survey_id),
      survey_name: r.survey_name,
      customer_id: Number(r.customer_id),
      customer_name: name && options.maskNames ? maskName(name) : name,
      score: r.score,
      nps_group: r.kind === 'nps' && r.score !== null ? npsGroup(r.score) : null,
      comment: r.comment,
      answers: r.answers as SurveyResponse['answers'],
      channel: r.channel,
      answered_at: r.answered_at.toISOString(),
    };
  });
  const last = page[page.length - 1];
  return {
    items,
    next_cursor: rows.length > filter.limit && last ? `${last.answered_at.getTime()}_${last.id}` : null,
  };
}

/** How many answers each survey has (or only the one survey asked for), by survey id. */
export async function responseCounts(
  db: Kysely<Schema>,
  workspaceId: number,
  surveyId?: number,
): Promise<Map<number, number>> {
  let query = db
    .selectFrom('survey_responses')
    .select(['survey_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId);
  if (surveyId !== undefined) query = query.where('survey_id', '=', surveyId);
  const rows = await query.groupBy('survey_id').execute();
  return new Map(rows.map((r) => [Number(r.survey_id), Number(r.n)]));
}
