import { type Kysely, sql } from 'kysely';
import { getUser } from '../access/user-service.ts';
import type { Schema } from '../db/schema.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { checkTemplateSyntax } from '../messaging/template-render.ts';
import { findTemplate } from '../messaging/template-service.ts';
import { findSegment } from '../segments/segment-service.ts';
import { clockNow } from '../shared/clock.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { findSurvey } from '../surveys/survey-service.ts';
import { requireKind } from '../tasks/task-model.ts';
import { workspaceById } from '../workspaces/workspace-service.ts';
import { type Journey, TIER_BIRTHDAY_COUPON } from './journey-model.ts';
import { parseJourney } from './journey-parse.ts';

/** A stored journey with its parsed definition. */
export interface StoredJourney {
  id: number;
  workspace_id: number;
  name: string;
  status: 'active' | 'paused';
  definition: Journey;
  scanned_to: Date;
  active_from: Date;
  dated_to: string | null;
  capped: number;
  updated_at: Date;
}

/**
 * Checks what a journey names in the workspace: message templates, coupon templates, a trigger
 * segment, a task's kind and user must exist, a task's title must parse (a clear error names the step).
 */
export async function checkReferences(db: Kysely<Schema>, workspaceId: number, journey: Journey) {
  const must = async (where: string, check: () => Promise<unknown>) => {
    try {
      await check();
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new InvalidInputError(`journey "${journey.name}": ${where}: ${error.message}`);
      throw error;
    }
  };
  const answered = 'survey_answered' in journey.trigger ? journey.trigger.survey_answered.survey : undefined;
  if (answered) await must('trigger.survey_answered.survey', () => findSurvey(db, workspaceId, answered));
  if ('segment' in journey.trigger) {
    const name = journey.trigger.segment;
    await must('trigger.segment', () => findSegment(db, workspaceId, name));
  }
  for (const [name, step] of Object.entries(journey.steps)) {
    if (step.type === 'send' || step.type === 'send_survey')
      for (const [i, template] of step.templates.entries())
        await must(`steps.${name}.templates.${i}`, () => findTemplate(db, workspaceId, template));
    if (step.type === 'send_survey')
      await must(`steps.${name}.survey`, () => findSurvey(db, workspaceId, step.survey));
    if (step.type === 'issue_coupon' && step.template !== TIER_BIRTHDAY_COUPON)
      await must(`steps.${name}.template`, () => findCouponTemplate(db, workspaceId, step.template));
    if (step.type === 'create_task') {
      const where = `journey "${journey.name}": steps.${name}`;
      checkTemplateSyntax(step.title, `${where}.title`);
      requireKind(await workspaceById(db, workspaceId), step.kind, `${where}.kind`);
      const rule = step.assign;
      if (rule.rule === 'user')
        await must(`steps.${name}.assign.user_id`, () => getUser(db, workspaceId, rule.user_id));
    }
  }
}

/**
 * Creates or replaces a journey from its definition (already parsed, or JSON/YAML text). A new
 * journey reacts to what happens from now on: triggers before it was applied do not enter anyone.
 * Customers already in a replaced journey continue at their step (or exit if it was removed).
 */
export async function applyJourney(db: Kysely<Schema>, workspaceId: number, input: Journey | string) {
  const journey = typeof input === 'string' ? parseJourney(input) : input;
  await checkReferences(db, workspaceId, journey);
  const row = await db
    .insertInto('journeys')
    .values({
      workspace_id: workspaceId,
      name: journey.name,
      definition: JSON.stringify(journey),
      active_from: clockNow(),
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'name'])
        .doUpdateSet({ definition: JSON.stringify(journey), updated_at: new Date() }),
    )
    .returning(['id', sql<boolean>`xmax = 0`.as('created')])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: journey.name, created: row.created };
}

const COLUMNS = [
  'id',
  'workspace_id',
  'name',
  'status',
  'definition',
  'scanned_to',
  'active_from',
  'dated_to',
  'capped',
  'updated_at',
] as const;

/** A journey by name; a clear error when there is none. */
export async function findJourney(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
): Promise<StoredJourney> {
  const row = await db
    .selectFrom('journeys')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no journey named "${name}"`);
  return row as StoredJourney;
}

/** The workspace's journeys, by name; only active ones when asked. */
export async function listJourneys(
  db: Kysely<Schema>,
  workspaceId: number,
  options: { activeOnly?: boolean } = {},
): Promise<StoredJourney[]> {
  let query = db.selectFrom('journeys').select(COLUMNS).where('workspace_id', '=', workspaceId);
  if (options.activeOnly) query = query.where('status', '=', 'active');
  return (await query.orderBy('name').execute()) as StoredJourney[];
}

/**
 * Pauses or resumes a journey. A paused journey enters no one and moves no one on; on resume,
 * customers whose wait ended meanwhile continue at once, and triggers while paused are not replayed.
 */
export async function setJourneyStatus(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
  status: 'active' | 'paused',
) {
  const journey = await findJourney(db, workspaceId, name);
  if (journey.status === status) throw new RetainError('conflict', `journey "${name}" is already ${status}`);
  await db
    .updateTable('journeys')
    .set({
      status,
      updated_at: new Date(),
      ...(status === 'active'
        ? { scanned_to: sql<Date>`now()`, dated_to: null, active_from: clockNow() }
        : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', journey.id)
    .execute();
}
