import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema, SurveysTable } from '../db/schema.ts';
import { NotFoundError, parseInput, RetainError } from '../shared/errors.ts';
import { assertSafeInput } from '../shared/safe-input.ts';
import { requireKind } from '../tasks/task-model.ts';
import type { Workspace } from '../workspaces/index.ts';
import { type SurveyDefinition, SurveyInput } from './survey-model.ts';

/** A stored survey with its parsed definition. */
export interface StoredSurvey {
  id: number;
  name: string;
  kind: SurveyDefinition['kind'];
  status: 'active' | 'archived';
  definition: SurveyDefinition;
  created_at: Date;
  updated_at: Date;
}

// Parsed definitions by their JSON text: every answer through the public page reads its survey.
const parsed = new Map<string, SurveyDefinition>();

function stored(row: Selectable<SurveysTable>): StoredSurvey {
  const text = JSON.stringify(row.definition);
  let definition = parsed.get(text);
  if (!definition) {
    // Stored definitions were checked on the way in; parsing again fills defaults added since.
    definition = SurveyInput.parse(row.definition);
    if (parsed.size >= 500) parsed.clear();
    parsed.set(text, definition);
  }
  return { ...row, id: Number(row.id), definition };
}

/** Checks a definition (field errors name the path) and the task kinds its rules use. */
export function parseSurvey(workspace: Workspace, value: unknown): SurveyDefinition {
  assertSafeInput(value, 'survey');
  const def = parseInput(SurveyInput, value, 'survey');
  for (const [i, rule] of def.rules.entries()) requireKind(workspace, rule.task.kind, `rules.${i}.task.kind`);
  return def;
}

/** Creates a survey; its name is unique in the workspace. */
export async function createSurvey(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  value: unknown,
): Promise<StoredSurvey> {
  const def = parseSurvey(workspace, value);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('surveys')
      .values({ workspace_id: workspace.id, name: def.name, kind: def.kind, definition: JSON.stringify(def) })
      .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new RetainError('conflict', `a survey named "${def.name}" exists already`);
    await recordAudit(trx, workspace.id, actor, {
      action: 'survey.create',
      objectType: 'survey',
      objectId: row.id,
      detail: { name: def.name, kind: def.kind },
    });
    return stored(row);
  });
}

/** Replaces a survey's definition (its kind stays: answers already given keep their meaning). */
export async function updateSurvey(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  id: number,
  changes: { definition?: unknown; status?: 'active' | 'archived' },
): Promise<StoredSurvey> {
  return db.transaction().execute(async (trx) => {
    const current = await getSurvey(trx, workspace.id, id);
    const def =
      changes.definition === undefined ? current.definition : parseSurvey(workspace, changes.definition);
    if (def.kind !== current.kind)
      throw new RetainError('conflict', `the kind of survey "${current.name}" cannot change once made`);
    const row = await trx
      .updateTable('surveys')
      .set({
        name: def.name,
        definition: JSON.stringify(def),
        status: changes.status ?? current.status,
        updated_at: new Date(),
      })
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: { code?: string }) => {
        if (error.code === '23505')
          throw new RetainError('conflict', `a survey named "${def.name}" exists already`);
        throw error;
      });
    await recordAudit(trx, workspace.id, actor, {
      action: 'survey.update',
      objectType: 'survey',
      objectId: id,
      detail: { name: def.name, status: row.status },
    });
    return stored(row);
  });
}

/** One survey of the workspace by id. */
export async function getSurvey(db: Kysely<Schema>, workspaceId: number, id: number): Promise<StoredSurvey> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no survey ${id}`);
  return stored(row);
}

/** Several surveys by workspace and id in one statement, keyed `workspace:survey`. */
export async function surveysByIds(
  db: Kysely<Schema>,
  refs: readonly { workspaceId: number; surveyId: number }[],
): Promise<Map<string, StoredSurvey>> {
  const found = new Map<string, StoredSurvey>();
  if (refs.length === 0) return found;
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where((eb) =>
      eb.or(refs.map((r) => eb.and([eb('workspace_id', '=', r.workspaceId), eb('id', '=', r.surveyId)]))),
    )
    .execute();
  for (const row of rows) found.set(`${row.workspace_id}:${row.id}`, stored(row));
  return found;
}

/** One survey of the workspace by name (journeys and the CLI name surveys). */
export async function findSurvey(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
): Promise<StoredSurvey> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no survey "${name}"`);
  return stored(row);
}

/** The workspace's surveys, newest first. */
export async function listSurveys(db: Kysely<Schema>, workspaceId: number): Promise<StoredSurvey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(stored);
}
