import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { previewDecision, renderForCustomer } from '../messaging/index.ts';
import { conditionFilter } from '../segments/index.ts';
import { clockNow } from '../shared/clock.ts';
import { NotFoundError, RetainError } from '../shared/errors.ts';
import { clockMinutes, nextWallTime } from '../shared/zoned-time.ts';
import { findSurvey } from '../surveys/survey-service.ts';
import type { Workspace } from '../workspaces/index.ts';
import { draw, pickArm } from './journey-entry.ts';
import { durationMs, type Journey, type Step } from './journey-model.ts';
import { findJourney } from './journey-service.ts';
import { awaitedHappened } from './journey-triggers.ts';

/** A message a test run rendered: what the guards would do with it, and its text. */
export interface TestRunMessage {
  template: string;
  channel: string;
  /** send, skip (the guards would not send it) or defer (quiet hours). */
  decision: 'send' | 'skip' | 'defer';
  reason: string | null;
  locale: string;
  subject: string | null;
  body: string;
}

/** One step of a test run's path. */
export interface TestRunStep {
  step: string;
  type: Step['type'];
  outcome: string;
  /** When the customer would reach the step, if they entered now. */
  at: Date;
  message: TestRunMessage | null;
}

/** The definition a test run walks: the draft or the published one. */
function definitionOf(
  journey: Awaited<ReturnType<typeof findJourney>>,
  source: 'draft' | 'published',
): Journey {
  if (source === 'draft') {
    if (!journey.draft) throw new RetainError('conflict', `journey "${journey.name}" has no draft`);
    return journey.draft;
  }
  if (journey.status === 'draft')
    throw new RetainError('conflict', `journey "${journey.name}" is not published yet: test the draft`);
  return journey.definition;
}

/**
 * Walks one customer through a journey's draft or published definition as if they entered now:
 * waits move a clock forward, branches read the customer as of now, splits and holdouts draw as
 * the live journey would, a wait for an event takes its timeout unless the event is already in
 * history. Each message is rendered by the sender's renderer with the guards' choice of template.
 * Nothing is sent, issued, queued or stored.
 */
export async function testRunJourney(
  db: Kysely<Schema>,
  workspace: Workspace,
  name: string,
  customerId: number,
  options: { source: 'draft' | 'published'; maskPersonal?: boolean; now?: Date },
) {
  const journey = await findJourney(db, workspace.id, name);
  const def = definitionOf(journey, options.source);
  const ws = workspace.id;
  const customer = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('id', '=', customerId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (!customer) throw new NotFoundError(`body.customer_id: no customer ${customerId}`);
  const render = (templates: string[], at: Date, variables: Record<string, unknown>) =>
    renderMessage(db, workspace, customerId, templates, at, variables, options.maskPersonal ?? false);
  const path: TestRunStep[] = [];
  let t = options.now ?? clockNow();
  let ended = 'loop_without_wait';
  let at: string | undefined = def.start;
  for (let taken = 0; at && taken < 100; taken++) {
    const stepName: string = at;
    const step: Step = def.steps[stepName]!;
    const reached = t;
    let outcome = 'would_run';
    let message: TestRunMessage | null = null;
    let next: string | undefined;
    switch (step.type) {
      case 'wait':
        t = new Date(t.getTime() + durationMs(step.duration));
        [outcome, next] = ['waited', step.next];
        break;
      case 'wait_until':
        t = nextWallTime(t, workspace.timezone, clockMinutes(step.time), step.weekday);
        [outcome, next] = ['waited', step.next];
        break;
      case 'wait_for_event': {
        const until = new Date(t.getTime() + durationMs(step.timeout));
        const happened = awaitedHappened(step, ws, customerId, t, until);
        const hit = (await sql<{ hit: boolean }>`select ${happened} as hit`.execute(db)).rows[0]!.hit;
        [outcome, next] = hit ? ['event', step.on_event] : ['timeout', step.on_timeout];
        if (!hit) t = until;
        break;
      }
      case 'branch': {
        const where = await conditionFilter(db, workspace, step.if);
        const hit = await sql<{ hit: boolean }>`select exists (select 1 from customers c
          where c.workspace_id = ${ws} and c.id = ${customerId} and ${where}) as hit`.execute(db);
        [outcome, next] = hit.rows[0]!.hit ? ['matched', step.then] : ['not_matched', step.else];
        break;
      }
      case 'split': {
        const arm: { name: string; next: string } = pickArm(
          step.arms,
          draw(journey.id, customerId, stepName),
        );
        [outcome, next] = [arm.name, arm.next];
        break;
      }
      case 'holdout':
        if (draw(journey.id, customerId, 'holdout') < step.percent) outcome = 'held_out';
        else [outcome, next] = ['treated', step.next];
        break;
      case 'send':
        message = await render(step.templates, t, {});
        [outcome, next] = [message.decision === 'skip' ? 'would_skip' : 'would_send', step.next];
        break;
      case 'send_survey': {
        const survey = await findSurvey(db, ws, step.survey).catch(() => undefined);
        const expires = Math.floor(t.getTime() / 1000) + (survey?.definition.expires_days ?? 0) * 86_400;
        message = await render(
          step.templates,
          t,
          survey ? { survey_id: survey.id, survey_expires: expires } : {},
        );
        [outcome, next] = [message.decision === 'skip' ? 'would_skip' : 'would_send', step.next];
        break;
      }
      case 'exit':
        outcome = 'exit';
        break;
      default:
        next = step.next;
    }
    path.push({ step: stepName, type: step.type, outcome, at: reached, message });
    if (!next) ended = outcome === 'held_out' ? 'held_out' : 'completed';
    at = next;
  }
  return {
    name,
    source: options.source,
    version: options.source === 'draft' ? null : journey.version,
    customer_id: customerId,
    path,
    ended,
  };
}

/** The template the guards would pick (else the first), rendered as the sender renders it. */
async function renderMessage(
  db: Kysely<Schema>,
  workspace: Workspace,
  customerId: number,
  templates: string[],
  at: Date,
  variables: Record<string, unknown>,
  maskPersonal: boolean,
): Promise<TestRunMessage> {
  const decision = await previewDecision(db, workspace, customerId, templates, at);
  const template = decision.kind === 'send' ? decision.candidate.template : templates[0]!;
  const r = await renderForCustomer(db, workspace, { template, customerId, variables, maskPersonal });
  return {
    template,
    channel: r.template.channel,
    decision: decision.kind,
    reason: decision.kind === 'send' ? null : decision.reason,
    locale: r.locale,
    subject: r.subject,
    body: r.body,
  };
}
