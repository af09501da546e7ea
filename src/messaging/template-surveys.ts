import type { Kysely } from 'kysely';
import { type FilteredValueToken, type QuotedToken, type TagToken, Tokenizer, TokenKind } from 'liquidjs';
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
const FILTER = 'survey_link';

/**
 * The filtered values of a Liquid text, as liquidjs reads them: each `{{ … }}`, and the value of
 * each `echo` and `assign` (in a `{% liquid %}` block too). Plain text and `raw` blocks hold none.
 */
function filteredValues(text: string): FilteredValueToken[] {
  const sources: string[] = [];
  const fromTag = (name: string, args: string) => {
    if (name === 'echo') sources.push(args);
    else if (name === 'assign') sources.push(args.slice(args.indexOf('=') + 1));
    else if (name === 'liquid')
      for (const line of args.split('\n')) {
        const [, inner = '', rest = ''] = /^\s*(\w+)\s*([\s\S]*)$/.exec(line) ?? [];
        fromTag(inner, rest);
      }
  };
  for (const token of new Tokenizer(text).readTopLevelTokens()) {
    if (token.kind === TokenKind.Output) sources.push((token as unknown as { content: string }).content);
    else if (token.kind === TokenKind.Tag) fromTag((token as TagToken).name, (token as TagToken).args);
  }
  return sources.map((source) => new Tokenizer(source).readFilteredValue());
}

/**
 * The survey names a Liquid text gives the `survey_link` filter (`{{ "购后NPS" | survey_link }}`);
 * a filter applied to anything but a quoted name is an error naming `where`. Text Liquid cannot
 * read names none: the template's own check says what is wrong with it.
 */
export function surveyNamesIn(text: string, where: string): string[] {
  if (!text.includes(FILTER)) return [];
  let values: FilteredValueToken[];
  try {
    values = filteredValues(text);
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const value of values)
    for (const [k, filter] of value.filters.entries()) {
      if (filter.name !== FILTER) continue;
      const initial = value.initial.postfix;
      const quoted = k === 0 && initial.length === 1 && initial[0]!.kind === TokenKind.Quoted;
      const name = quoted ? (initial[0] as QuotedToken).content.trim() : '';
      if (name === '')
        throw new InvalidInputError(
          `${where}: survey_link takes the survey's name in quotes, e.g. {{ "购后NPS" | survey_link }}`,
        );
      names.push(name);
    }
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
