import { type Kysely, sql } from 'kysely';
import { outsideRequestScope } from '../db/request-scope.ts';
import type { Schema } from '../db/schema.ts';
import { insertKnownEvents, type KnownEvent } from '../events/index.ts';
import { awardEventBonuses } from '../loyalty/points-earn.ts';
import { trackingKey } from '../messaging/index.ts';
import { type MessageOrigin, messageOrigins } from '../messaging/message-history.ts';
import { GroupQueue } from '../shared/group-queue.ts';
import { type Workspace, workspaceById } from '../workspaces/index.ts';
import { type Answer, type FormProblem, readAnswer } from './survey-form.ts';
import { applySurveyRules } from './survey-rules.ts';
import { type StoredSurvey, surveysByIds } from './survey-service.ts';
import { readSurveyToken, type SurveyLink } from './survey-token.ts';

/** Why a link cannot take an answer, or the survey it opens. */
export type OpenedLink =
  | { state: 'invalid' | 'expired' | 'closed' }
  | { state: 'answered'; survey: StoredSurvey; link: SurveyLink; locale: 'zh-CN' | 'en' }
  | { state: 'open'; survey: StoredSurvey; link: SurveyLink; locale: 'zh-CN' | 'en'; origin: MessageOrigin };

/** A link someone opened or answered through, with their browser's language and the time. */
export interface LinkVisit {
  token: string;
  browserLocale: 'zh-CN' | 'en';
  now: Date;
}

/**
 * What a survey link leads to: nothing (not genuine, or its message or survey is gone), an
 * expired or closed survey, one already answered, or the survey to answer, in the language its
 * message was sent in (else the browser's).
 */
export async function openLink(db: Kysely<Schema>, visit: LinkVisit): Promise<OpenedLink> {
  return (await openLinks(db, [visit]))[0]!;
}

/**
 * {@link openLink} for several visits at once: three statements whatever their number, two
 * without `seekAnswered` (every genuine link of an active survey then reads as open; an expired
 * one, or one of a closed survey, is still looked up, so a customer who answered hears that rather
 * than "expired" or "closed").
 */
async function openLinks(
  db: Kysely<Schema>,
  visits: readonly LinkVisit[],
  seekAnswered = true,
): Promise<OpenedLink[]> {
  const key = await trackingKey(db);
  const links = visits.map((v) => readSurveyToken(key, v.token));
  const expired = links.map((link, i) => !!link && link.expires * 1000 <= visits[i]!.now.getTime());
  const genuine = links.filter((l): l is SurveyLink => !!l);
  const [origins, surveys, answered] = await Promise.all([
    messageOrigins(db, genuine),
    surveysByIds(db, genuine),
    answeredLinks(db, seekAnswered ? genuine : links.filter((l, i): l is SurveyLink => !!l && expired[i]!)),
  ]);
  // Without `seekAnswered`, a closed survey's links are asked after: its answerers hear "answered".
  const closed = new Map<number, Extract<OpenedLink, { state: 'answered' }>>();
  const opened = links.map((link, i): OpenedLink => {
    if (!link) return { state: 'invalid' };
    const origin = origins.get(`${link.workspaceId}:${link.messageId}`);
    const survey = surveys.get(`${link.workspaceId}:${link.surveyId}`);
    if (!origin || !survey) return { state: expired[i] ? 'expired' : 'invalid' };
    const locale = origin.locale ?? visits[i]!.browserLocale;
    // Answered first: whoever answered is told so, however long ago, whatever became of the survey.
    if (answered.has(linkKey(link))) return { state: 'answered', survey, link, locale };
    if (expired[i]) return { state: 'expired' };
    if (survey.status !== 'active') {
      if (!seekAnswered) closed.set(i, { state: 'answered', survey, link, locale });
      return { state: 'closed' };
    }
    return { state: 'open', survey, link, locale, origin };
  });
  if (closed.size === 0) return opened;
  const answeredClosed = await answeredLinks(
    db,
    [...closed.values()].map((c) => c.link),
  );
  for (const [i, answer] of closed) if (answeredClosed.has(linkKey(answer.link))) opened[i] = answer;
  return opened;
}

const linkKey = (l: SurveyLink) => `${l.workspaceId}:${l.surveyId}:${l.messageId}`;

/** The links among these that already carry an answer. */
async function answeredLinks(db: Kysely<Schema>, links: readonly SurveyLink[]): Promise<Set<string>> {
  if (links.length === 0) return new Set();
  const rows = await sql<{ workspace_id: number; survey_id: number; message_id: string }>`
    select r.workspace_id, r.survey_id, r.message_id from survey_responses r
    join unnest(${links.map((l) => l.workspaceId)}::int[], ${links.map((l) => l.surveyId)}::int[],
      ${links.map((l) => l.messageId)}::bigint[]) as w(ws, survey, message)
      on r.workspace_id = w.ws and r.survey_id = w.survey and r.message_id = w.message`.execute(db);
  return new Set(rows.rows.map((r) => `${r.workspace_id}:${r.survey_id}:${r.message_id}`));
}

/** What a submitted answer did. */
export type SubmitResult =
  | Exclude<OpenedLink, { state: 'open' }>
  | { state: 'problems'; problems: FormProblem[]; survey: StoredSurvey; locale: 'zh-CN' | 'en' }
  | { state: 'recorded'; survey: StoredSurvey; locale: 'zh-CN' | 'en'; tasks: number };

/** An answer posted through a link. */
export interface PostedAnswer extends LinkVisit {
  form: URLSearchParams;
}

/**
 * Records answers given through links, each once: the response, a `survey_answered` event on the
 * customer's profile (score, NPS group, text — for segments, journeys and points) and the tasks
 * the survey's rules call for, all of a group in one transaction (see {@link surveyAnswerQueue}).
 * A second answer through the same link changes nothing.
 */
export async function submitAnswers(
  db: Kysely<Schema>,
  posted: readonly PostedAnswer[],
): Promise<SubmitResult[]> {
  // Whether a link was answered before shows when its answer is inserted (the unique key refuses
  // a second): only a form with problems needs asking, to say "already answered" instead.
  const opened = await openLinks(db, posted, false);
  const results: SubmitResult[] = [];
  const toRecord: (ToRecord & { index: number })[] = [];
  const refused: number[] = [];
  for (const [i, o] of opened.entries()) {
    if (o.state !== 'open') {
      results.push(o);
      continue;
    }
    const read = readAnswer(o.survey.definition, posted[i]!.form, o.locale);
    if ('problems' in read) {
      results.push({ state: 'problems', problems: read.problems, survey: o.survey, locale: o.locale });
      refused.push(i);
    } else {
      results.push({ state: 'recorded', survey: o.survey, locale: o.locale, tasks: 0 });
      toRecord.push({ index: i, ...o, answer: read.answer });
    }
  }
  await markAnswered(db, refused, opened, results);
  if (toRecord.length === 0) return results;
  await db.transaction().execute(async (trx) => {
    const tasks = await record(
      trx,
      toRecord,
      toRecord.map((r) => posted[r.index]!),
    );
    for (const [k, r] of toRecord.entries()) {
      const made = tasks[k];
      results[r.index] =
        made === undefined
          ? { state: 'answered', survey: r.survey, link: r.link, locale: r.locale }
          : { state: 'recorded', survey: r.survey, locale: r.locale, tasks: made };
    }
  });
  return results;
}

/** Turns the refused forms whose link was answered before into "already answered". */
async function markAnswered(
  db: Kysely<Schema>,
  refused: readonly number[],
  opened: readonly OpenedLink[],
  results: SubmitResult[],
): Promise<void> {
  const open = refused.map((i) => opened[i] as Extract<OpenedLink, { state: 'open' }>);
  if (open.length === 0) return;
  const answered = await answeredLinks(
    db,
    open.map((o) => o.link),
  );
  for (const [k, o] of open.entries())
    if (answered.has(linkKey(o.link)))
      results[refused[k]!] = { state: 'answered', survey: o.survey, link: o.link, locale: o.locale };
}

/** One answer posted through a link: see {@link submitAnswers}. */
export async function submitAnswer(db: Kysely<Schema>, posted: PostedAnswer): Promise<SubmitResult> {
  return (await submitAnswers(db, [posted]))[0]!;
}

/**
 * The public page's writer: answers posted while a group is being written are written together
 * as the next group (one read of their links, one insert, one commit).
 */
export function surveyAnswerQueue(db: Kysely<Schema>): GroupQueue<PostedAnswer, SubmitResult> {
  return new GroupQueue((posted) => outsideRequestScope(() => submitAnswers(db, posted)));
}

interface ToRecord {
  survey: StoredSurvey;
  link: SurveyLink;
  origin: MessageOrigin;
  answer: Answer;
  locale: 'zh-CN' | 'en';
}

/** Writes a group's answers; per answer, the tasks its rules made, or undefined if it was answered already. */
async function record(
  trx: Kysely<Schema>,
  group: readonly ToRecord[],
  posted: readonly PostedAnswer[],
): Promise<(number | undefined)[]> {
  const rows = await trx
    .insertInto('survey_responses')
    .values(
      group.map((r, k) => ({
        workspace_id: r.link.workspaceId,
        survey_id: r.survey.id,
        customer_id: r.origin.customerId,
        message_id: r.link.messageId,
        channel: r.origin.channel,
        journey_id: r.origin.journeyId,
        score: r.answer.score,
        answers: JSON.stringify(r.answer.answers),
        comment: r.answer.comment,
        locale: r.locale,
        answered_at: posted[k]!.now,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'survey_id', 'message_id']).doNothing())
    .returning(['id', 'workspace_id', 'survey_id', 'message_id'])
    .execute();
  const ids = new Map(rows.map((r) => [`${r.workspace_id}:${r.survey_id}:${r.message_id}`, Number(r.id)]));
  const workspaces = new Map<number, Workspace>();
  for (const ws of new Set(group.map((r) => r.link.workspaceId)))
    workspaces.set(ws, await workspaceById(trx, ws));
  const written = group.flatMap((r, k) => {
    const id = ids.get(linkKey(r.link));
    // The same link twice in one group: the first is recorded, the second finds it answered.
    if (id === undefined) return [];
    ids.delete(linkKey(r.link));
    return [{ ...r, id, k, workspace: workspaces.get(r.link.workspaceId)! }];
  });
  await insertKnownEvents(
    trx,
    written.map((r) => answeredEvent(r, posted[r.k]!.now)),
  );
  for (const workspace of workspaces.values()) await awardEventBonuses(trx, workspace);
  const made = await applySurveyRules(
    trx,
    written.map((r) => ({
      workspace: r.workspace,
      survey: r.survey,
      answer: r.answer,
      response: { id: r.id, customerId: r.origin.customerId },
      answeredAt: posted[r.k]!.now,
    })),
    posted[0]!.now,
  );
  const tasks: (number | undefined)[] = group.map(() => undefined);
  for (const [j, r] of written.entries()) tasks[r.k] = made[j];
  return tasks;
}

/** The `survey_answered` event an answer puts on the customer's profile. */
function answeredEvent(r: ToRecord & { workspace: Workspace }, now: Date): KnownEvent {
  const properties = {
    survey: r.survey.name,
    survey_id: r.survey.id,
    kind: r.survey.kind,
    score: r.answer.score,
    nps_group: r.answer.npsGroup,
    text: r.answer.comment,
    channel: r.origin.channel,
  };
  return {
    workspaceId: r.workspace.id,
    timezone: r.workspace.timezone,
    customerId: r.origin.customerId,
    type: 'survey_answered',
    local: null,
    absolute: now.toISOString(),
    properties: JSON.stringify(properties),
  };
}
