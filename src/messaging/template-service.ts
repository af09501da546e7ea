import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Actor, audited } from '../audit/index.ts';
import { CHANNELS } from '../channels/channel.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError, parseInput } from '../shared/errors.ts';
import { checkTemplateSyntax, LOCALES, RENDER_LIMITS } from './template-render.ts';
import { templateSurveys } from './template-surveys.ts';

const PerLocale = z.partialRecord(z.enum(LOCALES), z.string().min(1).max(RENDER_LIMITS.templateChars));

/** A message template as files, the CLI and the API give it. */
export const TemplateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    channel: z.enum(CHANNELS),
    purpose: z.enum(['marketing', 'transactional']),
    subject: PerLocale.optional(),
    body: PerLocale.refine((b) => b['zh-CN'] !== undefined || b.en !== undefined, 'needs a zh-CN or en body'),
  })
  .strict();
export type TemplateInput = z.input<typeof TemplateInput>;

/** Creates or replaces templates (checked first: all or none are saved); returns their names. */
export async function saveTemplates(
  db: Kysely<Schema>,
  workspaceId: number,
  inputs: readonly unknown[],
): Promise<string[]> {
  const parsed = inputs.map((input, i) => {
    const t = parseInput(TemplateInput, input, `template ${i + 1}:`);
    for (const [locale, text] of Object.entries(t.body))
      checkTemplateSyntax(text, `template "${t.name}" body (${locale})`);
    for (const [locale, text] of Object.entries(t.subject ?? {}))
      checkTemplateSyntax(text, `template "${t.name}" subject (${locale})`);
    return t;
  });
  // A survey_link naming no survey is refused now, not found when a customer is sent an empty link.
  for (const t of parsed) await templateSurveys(db, workspaceId, t);
  const save = async (trx: Kysely<Schema>) => {
    for (const t of parsed) {
      const values = {
        workspace_id: workspaceId,
        name: t.name,
        channel: t.channel,
        purpose: t.purpose,
        subject: JSON.stringify(t.subject ?? {}) as never,
        body: JSON.stringify(t.body) as never,
      };
      await trx
        .insertInto('message_templates')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'name']).doUpdateSet({
            channel: t.channel,
            purpose: t.purpose,
            subject: values.subject,
            body: values.body,
            updated_at: new Date(),
          }),
        )
        .execute();
    }
  };
  // Inside the caller's transaction when there is one (an audited apply).
  await (db.isTransaction ? save(db) : db.transaction().execute(save));
  return parsed.map((t) => t.name);
}

/** A template by name. */
export async function findTemplate(db: Kysely<Schema>, workspaceId: number, name: string) {
  const t = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!t) throw new NotFoundError(`no message template "${name}"`);
  return t;
}

/** The workspace's templates. */
export async function listTemplates(db: Kysely<Schema>, workspaceId: number) {
  return db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

/**
 * {@link saveTemplates} as people do it (API and CLI alike): the templates and one
 * `template.apply` audit row naming them commit together, or nothing does.
 */
export function applyTemplates(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  inputs: readonly unknown[],
): Promise<string[]> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => saveTemplates(trx, workspaceId, inputs),
    (names) => ({
      action: 'template.apply',
      objectType: 'template',
      objectId: names.length === 1 ? names[0] : null,
      detail: { names },
    }),
  );
}
