import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../access/index.ts';
import { audited, recordAudit } from '../audit/index.ts';
import type { CouponTemplatesTable, Schema } from '../db/schema.ts';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { InvalidInputError, NotFoundError, parseInput, RetainError } from '../shared/errors.ts';
import { MAX_INT4 } from '../shared/safe-input.ts';
import type { Workspace } from '../workspaces/index.ts';

export type CouponTemplate = Selectable<CouponTemplatesTable>;

const Minor = z.number().int().positive();
const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists (YYYY-MM-DD)');

/** A coupon template as the CLI and API take it; money in minor units, dates local to the workspace. */
export const CouponTemplateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['amount_off', 'percent_off', 'gift']),
    amount_off: Minor.optional().describe('满减: money off, minor units'),
    percent_off: z.number().int().min(1).max(99).optional(),
    max_discount: Minor.optional().describe('cap of a percentage discount, minor units'),
    gift_sku: z.string().min(1).optional(),
    threshold: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('minimum order value before discount, minor units'),
    valid_from: LocalDate.optional(),
    valid_until: LocalDate.optional().describe('last valid day'),
    valid_days: z.number().int().positive().optional().describe('valid N days from issue'),
    per_customer_limit: z.number().int().positive().max(MAX_INT4).optional(),
    budget_count: z.number().int().positive().max(MAX_INT4).optional(),
    budget_amount: Minor.optional(),
    channels: z.array(z.string().min(1)).optional(),
    stores: z.array(z.string().min(1)).optional(),
    products: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'SKUs it applies to: the order needs one of them, and the threshold and a percentage count only their lines',
      ),
    stackable: z.boolean().default(false),
  })
  .strict()
  .superRefine((t, ctx) => {
    const need = (field: keyof typeof t, why: string) => {
      if (t[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (t.kind === 'amount_off') need('amount_off', 'an amount_off coupon needs amount_off');
    if (t.kind === 'percent_off') need('percent_off', 'a percent_off coupon needs percent_off');
    if (t.kind === 'gift') need('gift_sku', 'a gift coupon needs gift_sku');
    if (t.valid_days !== undefined && t.valid_until !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['valid_days'],
        message: 'give valid_days or valid_until, not both',
      });
    if (t.valid_from && t.valid_until && t.valid_until < t.valid_from)
      ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'is before valid_from' });
    if (t.budget_amount !== undefined && t.kind === 'percent_off' && t.max_discount === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['max_discount'],
        message: 'a percentage coupon with a budget_amount needs max_discount (the most one coupon can cost)',
      });
  });
export type CouponTemplateInput = z.input<typeof CouponTemplateInput>;

/** The most one coupon of the template can cost, when knowable at issue time. */
export function faceValue(t: CouponTemplate): number | null {
  return t.kind === 'amount_off' ? t.amount_off : t.kind === 'percent_off' ? t.max_discount : null;
}

/** Creates a template; a clear error names the field at fault. */
export async function createCouponTemplate(
  db: Kysely<Schema>,
  workspace: Workspace,
  input: unknown,
): Promise<CouponTemplate> {
  const t = parseInput(CouponTemplateInput, input, 'coupon template', 'body');
  const tz = workspace.timezone;
  const localStart = (d: string | undefined, plusDays = 0) =>
    d === undefined ? null : sql<Date>`((${d}::date + ${plusDays}::int)::timestamp at time zone ${tz})`;
  const created = await db
    .insertInto('coupon_templates')
    .values({
      workspace_id: workspace.id,
      name: t.name,
      kind: t.kind,
      amount_off: t.amount_off ?? null,
      percent_off: t.percent_off ?? null,
      max_discount: t.max_discount ?? null,
      gift_sku: t.gift_sku ?? null,
      threshold: t.threshold,
      valid_from: localStart(t.valid_from),
      valid_until: localStart(t.valid_until, 1),
      valid_days: t.valid_days ?? null,
      per_customer_limit: t.per_customer_limit ?? null,
      budget_count: t.budget_count ?? null,
      budget_amount: t.budget_amount ?? null,
      channels: t.channels ?? null,
      stores: t.stores ?? null,
      products: t.products ?? null,
      stackable: t.stackable,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!created) throw new RetainError('conflict', `coupon template "${t.name}" already exists`);
  return created;
}

/** {@link createCouponTemplate} as people do it (API and CLI alike), audited in its transaction. */
export function addCouponTemplate(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  input: unknown,
): Promise<CouponTemplate> {
  return audited(
    db,
    workspace.id,
    actor,
    (trx) => createCouponTemplate(trx, workspace, input),
    (template) => ({
      action: 'coupon_template.create',
      objectType: 'coupon_template',
      objectId: template.id,
      detail: { name: template.name, kind: template.kind },
    }),
  );
}

/** A template by name or id; not found for other workspaces'. */
export async function findCouponTemplate(db: Kysely<Schema>, workspaceId: number, ref: string | number) {
  let query = db.selectFrom('coupon_templates').selectAll().where('workspace_id', '=', workspaceId);
  query = typeof ref === 'number' ? query.where('id', '=', ref) : query.where('name', '=', ref);
  const found = await query.executeTakeFirst();
  if (!found) throw new NotFoundError(`no coupon template ${typeof ref === 'number' ? ref : `"${ref}"`}`);
  return found;
}

/** The workspace's templates, by name. */
export async function listCouponTemplates(db: Kysely<Schema>, workspaceId: number) {
  return db
    .selectFrom('coupon_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
}

/**
 * `PATCH /coupon-templates/:id`: what may change once coupons exist — the name, the validity of
 * coupons issued from now on (given together: a part left out is cleared), limits, budget and
 * stacking. The kind and value stay: issued coupons carry them.
 */
export const CouponTemplateChange = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    valid_from: LocalDate.nullable().optional(),
    valid_until: LocalDate.nullable().optional(),
    valid_days: z.number().int().positive().max(36_500).nullable().optional(),
    per_customer_limit: z.number().int().positive().max(MAX_INT4).nullable().optional(),
    budget_count: z.number().int().positive().max(MAX_INT4).nullable().optional(),
    budget_amount: Minor.max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    stackable: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.valid_days != null && t.valid_until != null)
      ctx.addIssue({
        code: 'custom',
        path: ['valid_days'],
        message: 'give valid_days or valid_until, not both',
      });
    if (t.valid_from && t.valid_until && t.valid_until < t.valid_from)
      ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'is before valid_from' });
  });
export type CouponTemplateChange = z.infer<typeof CouponTemplateChange>;

/** Applies a change to a template and audits it in one transaction; a clear error names the field at fault. */
export function changeCouponTemplate(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  id: number,
  change: CouponTemplateChange,
): Promise<CouponTemplate> {
  const tz = workspace.timezone;
  const localStart = (d: string | null | undefined, plusDays = 0) =>
    d == null ? null : sql<Date>`((${d}::date + ${plusDays}::int)::timestamp at time zone ${tz})`;
  const validity =
    change.valid_from !== undefined || change.valid_until !== undefined || change.valid_days !== undefined;
  return db.transaction().execute(async (trx) => {
    const found = await findCouponTemplate(trx, workspace.id, id);
    if (change.budget_amount != null && found.kind === 'percent_off' && found.max_discount === null)
      throw new InvalidInputError(
        'budget_amount: a percentage coupon without max_discount cannot have a budget_amount',
        [{ field: 'budget_amount', message: 'needs max_discount on the template' }],
      );
    if (change.name !== undefined && change.name !== found.name) {
      const taken = await trx
        .selectFrom('coupon_templates')
        .select('id')
        .where('workspace_id', '=', workspace.id)
        .where('name', '=', change.name)
        .executeTakeFirst();
      if (taken) throw new RetainError('conflict', `name: coupon template "${change.name}" already exists`);
    }
    const { valid_from, valid_until, valid_days, ...rest } = change;
    const changed = await trx
      .updateTable('coupon_templates')
      .set({
        ...rest,
        ...(validity
          ? {
              valid_from: localStart(valid_from),
              valid_until: localStart(valid_until, 1),
              valid_days: valid_days ?? null,
            }
          : {}),
      })
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, workspace.id, actor, {
      action: 'coupon_template.change',
      objectType: 'coupon_template',
      objectId: id,
      detail: { name: changed.name, set: Object.keys(change) },
    });
    return changed;
  });
}
