import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { getUser } from '../access/user-service.ts';
import { audited, recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { checkTemplateSyntax } from '../messaging/template-render.ts';
import { findTemplate } from '../messaging/template-service.ts';
import { findSegment } from '../segments/index.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { clockNow } from '../shared/clock.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { findSurvey } from '../surveys/survey-service.ts';
import { requireKind } from '../tasks/task-model.ts';
import { workspaceById } from '../workspaces/index.ts';
import { type Journey, TIER_BIRTHDAY_COUPON } from './journey-model.ts';
import { parseJourney } from './journey-parse.ts';

/** A stored journey with its parsed definition. */
export interface StoredJourney {
  id: number;
  workspace_id: number;
  name: string;
  /** `draft`: never published; the definition is the draft's. */
  status: 'active' | 'paused' | 'draft';
  /** The published definition (of {@link StoredJourney.version}). */
  definition: Journey;
  version: number;
  /** Unpublished edits, or null. */
  draft: Journey | null;
  draft_updated_at: Date | null;
  draft_by: string | null;
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
 * Creates or replaces a journey and publishes it at once, from its definition (already parsed, or
 * JSON/YAML text). A new journey reacts to what happens from now on: triggers before it was
 * applied do not enter anyone. A changed definition becomes a new version; customers already in
 * the journey continue on the version they entered on. A pending draft is kept unless it is what
 * was applied. With an actor, the audit row is written in the same transaction.
 */
export async function applyJourney(
  db: Kysely<Schema>,
  workspaceId: number,
  input: Journey | string,
  actor?: Actor,
) {
  const journey = typeof input === 'string' ? parseJourney(input) : input;
  await checkReferences(db, workspaceId, journey);
  return db.transaction().execute(async (trx) => {
    const found = await lockJourney(trx, workspaceId, journey.name);
    let created = false;
    let version: number;
    if (found) version = await publishDefinition(trx, found, journey, actor?.label ?? null);
    else {
      created = true;
      const row = await trx
        .insertInto('journeys')
        .values({
          workspace_id: workspaceId,
          name: journey.name,
          definition: JSON.stringify(journey),
          active_from: clockNow(),
          version: 1,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      version = await recordVersion(trx, workspaceId, row.id, 1, journey, actor?.label ?? null);
    }
    if (actor)
      await recordAudit(trx, workspaceId, actor, {
        action: 'journey.apply',
        objectType: 'journey',
        objectId: journey.name,
        detail: { version },
      });
    const id = found?.id ?? (await findJourney(trx, workspaceId, journey.name)).id;
    return { id, name: journey.name, created, version };
  });
}

/** A journey row locked for a change, or undefined. */
export async function lockJourney(trx: Kysely<Schema>, workspaceId: number, name: string) {
  const row = await trx
    .selectFrom('journeys')
    .select(COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
  return row as StoredJourney | undefined;
}

/** Stores a published definition under its version; returns the version. */
export async function recordVersion(
  trx: Kysely<Schema>,
  workspaceId: number,
  journeyId: number,
  version: number,
  journey: Journey,
  by: string | null,
): Promise<number> {
  await trx
    .insertInto('journey_versions')
    .values({
      workspace_id: workspaceId,
      journey_id: journeyId,
      version,
      definition: JSON.stringify(journey),
      published_by: by,
    })
    .execute();
  return version;
}

/**
 * Makes a definition the journey's published one (in the caller's transaction): a new version
 * unless it equals the one published; a never-published journey starts running from now. A draft
 * equal to it is cleared. Returns the version now published.
 */
export async function publishDefinition(
  trx: Kysely<Schema>,
  found: StoredJourney,
  journey: Journey,
  by: string | null,
): Promise<number> {
  const ws = found.workspace_id;
  const clearDraft =
    found.draft !== null && canonicalJson(found.draft) === canonicalJson(journey) ? { draft: null } : {};
  const unchanged = found.status !== 'draft' && canonicalJson(found.definition) === canonicalJson(journey);
  const version = unchanged ? found.version : found.version + 1;
  if (!unchanged) await recordVersion(trx, ws, found.id, version, journey, by);
  await trx
    .updateTable('journeys')
    .set({
      definition: JSON.stringify(journey),
      version,
      updated_at: new Date(),
      ...clearDraft,
      ...(found.status === 'draft'
        ? { status: 'active' as const, active_from: clockNow(), scanned_to: sql<Date>`now()`, dated_to: null }
        : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', found.id)
    .execute();
  return version;
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
  'version',
  'draft',
  'draft_updated_at',
  'draft_by',
] as const;

/** The definition of one published version of a journey; a clear error when there is none. */
export async function journeyVersion(
  db: Kysely<Schema>,
  workspaceId: number,
  journeyId: number,
  version: number,
): Promise<Journey> {
  const row = await db
    .selectFrom('journey_versions')
    .select('definition')
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`journey ${journeyId} has no version ${version}`);
  return row.definition as Journey;
}

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
  if (journey.status === 'draft')
    throw new RetainError('conflict', `journey "${name}" is a draft: publish it first`);
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

/**
 * Pauses or resumes a journey as people do it (API and CLI alike): the change and its
 * `journey.pause` / `journey.resume` audit row commit together.
 */
export function pauseOrResumeJourney(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  name: string,
  status: 'active' | 'paused',
): Promise<void> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => setJourneyStatus(trx, workspaceId, name, status),
    () => ({
      action: status === 'paused' ? 'journey.pause' : 'journey.resume',
      objectType: 'journey',
      objectId: name,
    }),
  );
}
