import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError } from '../shared/errors.ts';

/** A survey a template's `{{ "名称" | survey_link }}` names: its id and how long its links live. */
export interface SurveyRef {
  id: number;
  expiresDays: number;
}

/** The surveys a template names, by name. */
export type TemplateSurveys = ReadonlyMap<string, SurveyRef>;

// The filter's input must be the survey's name in quotes, so a template can be checked when it is
// saved (a variable could name a survey that does not exist, found only when a customer is sent it).
const FILTER = /\|\s*survey_link\b/g;
const NAMED = /(["'])((?:(?!\1)[^\n])*)\1\s*\|\s*survey_link\b/g;

/**
 * The survey names a Liquid text gives the `survey_link` filter (`{{ "购后NPS" | survey_link }}`);
 * a filter applied to anything but a quoted name is an error naming `where`.
 */
export function surveyNamesIn(text: string, where: string): string[] {
  const filters = text.match(FILTER)?.length ?? 0;
  if (filters === 0) return [];
  const names = [...text.matchAll(NAMED)].map((m) => m[2]!.trim());
  if (names.length !== filters || names.some((n) => n === ''))
    throw new InvalidInputError(
      `${where}: survey_link takes the survey's name in quotes, e.g. {{ "购后NPS" | survey_link }}`,
    );
  return names;
}

/** Every part of a template (subject and body per locale) with its field name. */
function parts(template: {
  subject?: Record<string, string | undefined> | null;
  body: Record<string, string | undefined>;
}): [field: string, text: string][] {
  const out: [string, string][] = [];
  for (const [part, texts] of [
    ['subject', template.subject ?? {}],
    ['body', template.body],
  ] as const)
    for (const [locale, text] of Object.entries(texts)) if (text) out.push([`${part}.${locale}`, text]);
  return out;
}

/**
 * The surveys a template's `survey_link` filters name, looked up in the workspace. An unknown
 * name is an error naming the template's field (`body.zh-CN`), when it is saved and when it is sent.
 */
export async function templateSurveys(
  db: Kysely<Schema>,
  workspaceId: number,
  template: {
    name: string;
    subject?: Record<string, string | undefined> | null;
    body: Record<string, string | undefined>;
  },
): Promise<TemplateSurveys> {
  const wanted = parts(template).flatMap(([field, text]) =>
    surveyNamesIn(text, `template "${template.name}" ${field}`).map((name) => ({ field, name })),
  );
  const found = new Map<string, SurveyRef>();
  if (wanted.length === 0) return found;
  const rows = await db
    .selectFrom('surveys')
    .select(['id', 'name', 'definition'])
    .where('workspace_id', '=', workspaceId)
    .where('name', 'in', [...new Set(wanted.map((w) => w.name))])
    .execute();
  for (const r of rows)
    found.set(r.name, { id: Number(r.id), expiresDays: Number(r.definition.expires_days) || 14 });
  const missing = wanted.filter((w) => !found.has(w.name));
  if (missing.length)
    throw new InvalidInputError(
      `template "${template.name}" ${missing[0]!.field}: no survey "${missing[0]!.name}" for survey_link`,
      missing.map((m) => ({ field: m.field, message: `no survey "${m.name}"` })),
    );
  return found;
}
