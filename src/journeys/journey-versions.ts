import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { NotFoundError, RetainError } from '../shared/errors.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/index.ts';
import { backtestJourney } from './journey-backtest.ts';
import type { Journey } from './journey-model.ts';
import {
  checkReferences,
  findJourney,
  lockJourney,
  publishDefinition,
  type StoredJourney,
} from './journey-service.ts';

/** Days of history a publish shows its backtest over. */
export const PUBLISH_BACKTEST_DAYS = 30;

/** A fingerprint of a draft: publish names the draft its backtest was shown for. */
export const draftDigest = (draft: Journey) =>
  createHash('sha256').update(canonicalJson(draft)).digest('hex').slice(0, 32);

/**
 * Saves edits to a journey as its draft: the published definition keeps running until the draft
 * is published. A journey not yet there is created as a draft only (it runs nothing). The draft
 * is checked as a publish would check it, so errors show while editing.
 */
export async function saveDraft(db: Kysely<Schema>, workspaceId: number, actor: Actor, draft: Journey) {
  const name = draft.name;
  await checkReferences(db, workspaceId, draft);
  return db.transaction().execute(async (trx) => {
    const found = await lockJourney(trx, workspaceId, name);
    const json = JSON.stringify(draft);
    const now = new Date();
    if (found)
      await trx
        .updateTable('journeys')
        .set({
          draft: json,
          draft_updated_at: now,
          draft_by: actor.label,
          ...(found.status === 'draft' ? { definition: json } : {}),
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', found.id)
        .execute();
    else
      await trx
        .insertInto('journeys')
        .values({
          workspace_id: workspaceId,
          name,
          definition: json,
          status: 'draft',
          version: 0,
          draft: json,
          draft_updated_at: now,
          draft_by: actor.label,
        })
        .execute();
    await recordAudit(trx, workspaceId, actor, {
      action: 'journey.draft_save',
      objectType: 'journey',
      objectId: name,
    });
    return { name, version: found?.version ?? 0, draft_updated_at: now, created: !found };
  });
}

/** The journey with its draft, or a conflict when it has none. */
async function withDraft(journey: StoredJourney | undefined, name: string) {
  if (!journey) throw new NotFoundError(`no journey named "${name}"`);
  if (!journey.draft) throw new RetainError('conflict', `journey "${name}" has no draft`);
  return journey as StoredJourney & { draft: Journey };
}

/**
 * Throws the draft away; the published definition stays. A journey that was only ever a draft
 * is removed.
 */
export async function discardDraft(db: Kysely<Schema>, workspaceId: number, actor: Actor, name: string) {
  await db.transaction().execute(async (trx) => {
    const journey = await withDraft(await lockJourney(trx, workspaceId, name), name);
    if (journey.status === 'draft')
      await trx
        .deleteFrom('journeys')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', journey.id)
        .execute();
    else await clearDraft(trx, workspaceId, journey.id);
    await recordAudit(trx, workspaceId, actor, {
      action: 'journey.draft_discard',
      objectType: 'journey',
      objectId: name,
    });
  });
}

/** Forgets a published journey's draft (discarded, or just published). */
function clearDraft(trx: Kysely<Schema>, workspaceId: number, journeyId: number) {
  return trx
    .updateTable('journeys')
    .set({ draft: null, draft_updated_at: null, draft_by: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', journeyId)
    .execute();
}

/** Local days [from, to) of the last {@link PUBLISH_BACKTEST_DAYS} days, today included. */
export function publishPeriod(timezone: string, now?: Date) {
  const today = Date.parse(`${todayIn(timezone, now)}T00:00:00Z`);
  const day = (offset: number) => new Date(today + offset * 86_400_000).toISOString().slice(0, 10);
  return { from: day(1 - PUBLISH_BACKTEST_DAYS), to: day(1) };
}

/**
 * What publishing the draft would do: the version it becomes and the draft's backtest over the
 * last 30 days (entered, capped, reached each step), with the digest that publish must name.
 */
export async function previewPublish(db: Kysely<Schema>, workspace: Workspace, name: string) {
  const journey = await withDraft(await findJourney(db, workspace.id, name), name);
  await checkReferences(db, workspace.id, journey.draft);
  const backtest = await backtestJourney(db, workspace, journey.draft, publishPeriod(workspace.timezone));
  return {
    name,
    published_version: journey.version,
    next_version: journey.version + 1,
    draft_digest: draftDigest(journey.draft),
    backtest,
  };
}

/**
 * Publishes the draft the caller saw the backtest of (`digest`): it becomes the next version and
 * new entries run on it; customers already inside continue on the version they entered on.
 */
export async function publishDraft(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  name: string,
  digest: string,
) {
  const draft = (await withDraft(await findJourney(db, workspaceId, name), name)).draft;
  await checkReferences(db, workspaceId, draft);
  return db.transaction().execute(async (trx) => {
    const journey = await withDraft(await lockJourney(trx, workspaceId, name), name);
    if (draftDigest(journey.draft) !== digest)
      throw new RetainError(
        'conflict',
        `journey "${name}": the draft changed since its backtest was shown; preview it again`,
      );
    const before = journey.version;
    const version = await publishDefinition(trx, journey, journey.draft, actor.label);
    await clearDraft(trx, workspaceId, journey.id);
    await recordAudit(trx, workspaceId, actor, {
      action: 'journey.publish',
      objectType: 'journey',
      objectId: name,
      detail: { from_version: before, version },
    });
    return { name, version };
  });
}

/** The published versions of a journey, newest first, with the entries still on each. */
export async function listVersions(db: Kysely<Schema>, workspaceId: number, name: string) {
  const journey = await findJourney(db, workspaceId, name);
  const rows = await sql<{
    version: number;
    published_at: Date;
    published_by: string | null;
    steps: number;
    in_progress: number;
  }>`select v.version, v.published_at, v.published_by,
      (select count(*) from jsonb_object_keys(v.definition->'steps'))::int as steps,
      (select count(*) from journey_entries je where je.workspace_id = v.workspace_id and je.journey_id = v.journey_id
        and je.version = v.version and je.state in ('active', 'waiting'))::int as in_progress
    from journey_versions v where v.workspace_id = ${workspaceId} and v.journey_id = ${journey.id}
    order by v.version desc`.execute(db);
  return rows.rows.map((r) => ({ ...r, current: r.version === journey.version }));
}
