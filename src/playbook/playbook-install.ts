import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import type { Journey } from '../journeys/index.ts';
import { parseJourney } from '../journeys/journey-parse.ts';
import { checkReferences, recordVersion } from '../journeys/journey-service.ts';
import { CouponTemplateInput, createCouponTemplate } from '../loyalty/coupon-template.ts';
import { checkTemplateSyntax } from '../messaging/template-render.ts';
import { TemplateInput } from '../messaging/template-service.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { parseInput } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { PlaybookItem, PlaybookResult } from './playbook-contract.ts';

/** Where the playbook's files are: the example journeys and their templates, and its coupons. */
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** The seed playbook as data, checked by the same rules as files the operator applies. */
export interface Playbook {
  templates: TemplateInput[];
  coupons: ReturnType<typeof CouponTemplateInput.parse>[];
  journeys: Journey[];
}

/** Reads the playbook: examples/journeys/templates.json, examples/playbook/coupons.json and every journey file. */
export function readPlaybook(dir = EXAMPLES): Playbook {
  const json = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as unknown[];
  const templates = json('journeys/templates.json').map((t, i) => {
    const parsed = parseInput(TemplateInput, t, `journeys/templates.json template ${i + 1}:`);
    for (const [locale, text] of Object.entries({ ...parsed.subject }))
      checkTemplateSyntax(text, `template "${parsed.name}" subject (${locale})`);
    for (const [locale, text] of Object.entries(parsed.body))
      checkTemplateSyntax(text, `template "${parsed.name}" body (${locale})`);
    return parsed;
  });
  const coupons = json('playbook/coupons.json').map((c, i) =>
    parseInput(CouponTemplateInput, c, `playbook/coupons.json coupon ${i + 1}:`),
  );
  const files = readdirSync(join(dir, 'journeys'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const journeys = files.map((f) => parseJourney(readFileSync(join(dir, 'journeys', f), 'utf8'), f));
  return { templates, coupons, journeys };
}

const canonical = canonicalJson;

const COUPON_FIELDS = [
  'kind',
  'amount_off',
  'percent_off',
  'max_discount',
  'gift_sku',
  'threshold',
  'valid_days',
  'per_customer_limit',
  'budget_count',
  'budget_amount',
  'channels',
  'stores',
  'products',
  'stackable',
] as const;

/**
 * Installs the seed playbook into a workspace in one transaction: the message templates, the
 * coupon templates the journeys issue, and the journeys themselves, paused until the operator
 * resumes each. What is already there is never overwritten: as the playbook has it, it is
 * `unchanged`; edited since, it is `kept`. So a second install changes nothing. An install that
 * created something is audited in the same transaction.
 */
export async function installPlaybook(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  playbook: Playbook = readPlaybook(),
): Promise<PlaybookResult> {
  return db.transaction().execute(async (trx) => {
    const ws = workspace.id;
    const items: PlaybookItem[] = [];
    for (const t of playbook.templates) {
      const found = await trx
        .selectFrom('message_templates')
        .select(['channel', 'purpose', 'subject', 'body'])
        .where('workspace_id', '=', ws)
        .where('name', '=', t.name)
        .executeTakeFirst();
      if (found) {
        const same =
          found.channel === t.channel &&
          found.purpose === t.purpose &&
          canonical(found.subject) === canonical(t.subject ?? {}) &&
          canonical(found.body) === canonical(t.body);
        items.push({ kind: 'message_template', name: t.name, outcome: same ? 'unchanged' : 'kept' });
        continue;
      }
      await trx
        .insertInto('message_templates')
        .values({
          workspace_id: ws,
          name: t.name,
          channel: t.channel,
          purpose: t.purpose,
          subject: JSON.stringify(t.subject ?? {}) as never,
          body: JSON.stringify(t.body) as never,
        })
        .execute();
      items.push({ kind: 'message_template', name: t.name, outcome: 'created' });
    }
    for (const c of playbook.coupons) {
      const found = await trx
        .selectFrom('coupon_templates')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('name', '=', c.name)
        .executeTakeFirst();
      if (found) {
        const same =
          COUPON_FIELDS.every((f) => canonical(found[f] ?? null) === canonical(c[f] ?? null)) &&
          found.valid_from === null &&
          found.valid_until === null;
        items.push({ kind: 'coupon_template', name: c.name, outcome: same ? 'unchanged' : 'kept' });
        continue;
      }
      await createCouponTemplate(trx, workspace, c);
      items.push({ kind: 'coupon_template', name: c.name, outcome: 'created' });
    }
    for (const journey of playbook.journeys) {
      const found = await trx
        .selectFrom('journeys')
        .select('definition')
        .where('workspace_id', '=', ws)
        .where('name', '=', journey.name)
        .executeTakeFirst();
      if (found) {
        const same = canonical(found.definition) === canonical(journey);
        items.push({ kind: 'journey', name: journey.name, outcome: same ? 'unchanged' : 'kept' });
        continue;
      }
      // What it names (templates, coupons, a task kind) must be there: the ones just installed,
      // or the workspace's own under the same name.
      await checkReferences(trx, ws, journey);
      const row = await trx
        .insertInto('journeys')
        .values({
          workspace_id: ws,
          name: journey.name,
          definition: JSON.stringify(journey),
          status: 'paused',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordVersion(trx, ws, row.id, 1, journey, actor.label);
      items.push({ kind: 'journey', name: journey.name, outcome: 'created' });
    }
    const count = (outcome: PlaybookItem['outcome']) => items.filter((i) => i.outcome === outcome).length;
    const result = { items, created: count('created'), unchanged: count('unchanged'), kept: count('kept') };
    if (result.created > 0)
      await recordAudit(trx, ws, actor, {
        action: 'playbook.install',
        objectType: 'workspace',
        objectId: ws,
        detail: {
          created: items.filter((i) => i.outcome === 'created').map((i) => `${i.kind}:${i.name}`),
          unchanged: result.unchanged,
          kept: result.kept,
        },
      });
    return result;
  });
}
