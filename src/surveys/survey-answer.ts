import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { insertKnownEvents } from '../events/events-import.ts';
import { awardEventBonuses } from '../loyalty/points-earn.ts';
import { messageOrigin } from '../messaging/message-history.ts';
import { trackingKey } from '../messaging/tracking-token.ts';
import { workspaceById } from '../workspaces/workspace-service.ts';
import { type Answer, type FormProblem, readAnswer } from './survey-form.ts';
import { applySurveyRules } from './survey-rules.ts';
import { getSurvey, type StoredSurvey } from './survey-service.ts';
import { readSurveyToken, type SurveyLink } from './survey-token.ts';

/** Why a link cannot take an answer, or the survey it opens. */
export type OpenedLink =
  | { state: 'invalid' | 'expired' | 'closed' }
  | { state: 'answered'; survey: StoredSurvey; link: SurveyLink; locale: 'zh-CN' | 'en' }
  | { state: 'open'; survey: StoredSurvey; link: SurveyLink; locale: 'zh-CN' | 'en'; origin: Origin };

type Origin = NonNullable<Awaited<ReturnType<typeof messageOrigin>>>;

/**
 * What a survey link leads to: nothing (not genuine, or its message or survey is gone), an
 * expired or closed survey, one already answered, or the survey to answer, in the language its
 * message was sent in (else the browser's).
 */
export async function openLink(
  db: Kysely<Schema>,
  token: string,
  browserLocale: 'zh-CN' | 'en',
  now: Date,
): Promise<OpenedLink> {
  const link = readSurveyToken(await trackingKey(db), token);
  if (!link) return { state: 'invalid' };
  if (link.expires * 1000 <= now.getTime()) return { state: 'expired' };
  const origin = await messageOrigin(db, link.workspaceId, link.messageId);
  if (!origin) return { state: 'invalid' };
  const survey = await getSurvey(db, link.workspaceId, link.surveyId).catch(() => undefined);
  if (!survey) return { state: 'invalid' };
  if (survey.status !== 'active') return { state: 'closed' };
  const answered = await db
    .selectFrom('survey_responses')
    .select('id')
    .where('workspace_id', '=', link.workspaceId)
    .where('survey_id', '=', link.surveyId)
    .where('message_id', '=', link.messageId)
    .executeTakeFirst();
  const locale = origin.locale ?? browserLocale;
  return answered
    ? { state: 'answered', survey, link, locale }
    : { state: 'open', survey, link, locale, origin };
}

/** What a submitted answer did. */
export type SubmitResult =
  | Exclude<OpenedLink, { state: 'open' }>
  | { state: 'problems'; problems: FormProblem[]; survey: StoredSurvey; locale: 'zh-CN' | 'en' }
  | { state: 'recorded'; survey: StoredSurvey; locale: 'zh-CN' | 'en'; tasks: number };

/**
 * Records an answer given through a link, once: the response, a `survey_answered` event on the
 * customer's profile (score, NPS group, text — for segments, journeys and points) and the tasks
 * the survey's rules call for, all in one transaction. A second answer changes nothing.
 */
export async function submitAnswer(
  db: Kysely<Schema>,
  token: string,
  form: URLSearchParams,
  browserLocale: 'zh-CN' | 'en',
  now: Date,
): Promise<SubmitResult> {
  const opened = await openLink(db, token, browserLocale, now);
  if (opened.state !== 'open') return opened;
  const { survey, link, locale, origin } = opened;
  const read = readAnswer(survey.definition, form, locale);
  if ('problems' in read) return { state: 'problems', problems: read.problems, survey, locale };
  return db.transaction().execute(async (trx) => {
    const tasks = await record(trx, survey, link, origin, read.answer, locale, now);
    return tasks === undefined
      ? { state: 'answered', survey, link, locale }
      : { state: 'recorded', survey, locale, tasks };
  });
}

async function record(
  trx: Kysely<Schema>,
  survey: StoredSurvey,
  link: SurveyLink,
  origin: Origin,
  answer: Answer,
  locale: string,
  now: Date,
): Promise<number | undefined> {
  const ws = link.workspaceId;
  const row = await trx
    .insertInto('survey_responses')
    .values({
      workspace_id: ws,
      survey_id: survey.id,
      customer_id: origin.customerId,
      message_id: link.messageId,
      channel: origin.channel,
      journey_id: origin.journeyId,
      score: answer.score,
      answers: JSON.stringify(answer.answers),
      comment: answer.comment,
      locale,
      answered_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'survey_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return undefined;
  const workspace = await workspaceById(trx, ws);
  const properties = {
    survey: survey.name,
    survey_id: survey.id,
    kind: survey.kind,
    score: answer.score,
    nps_group: answer.npsGroup,
    text: answer.comment,
    channel: origin.channel,
  };
  await insertKnownEvents(trx, [
    {
      workspaceId: ws,
      timezone: workspace.timezone,
      customerId: origin.customerId,
      type: 'survey_answered',
      local: null,
      absolute: now.toISOString(),
      properties: JSON.stringify(properties),
    },
  ]);
  await awardEventBonuses(trx, workspace);
  return applySurveyRules(
    trx,
    workspace,
    survey,
    answer,
    { id: Number(row.id), customerId: origin.customerId },
    now,
  );
}
