import { type Kysely, sql } from 'kysely';
import { type Actor, audited, recordAudit } from '../audit/index.ts';
import type { PointsKind, Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { issueCouponsInTransaction } from './coupon-issue.ts';
import { findCouponTemplate } from './coupon-template.ts';
import { pointsExpiry } from './points-earn.ts';

/** Not enough points for a redemption. */
export class InsufficientPointsError extends RetainError {
  constructor(balance: number, wanted: number) {
    super('conflict', `the customer has ${balance} points; ${wanted} were asked for`);
  }
}

/** A customer's balance: the sum of the ledger, never stored on its own. */
export async function pointsBalance(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<number> {
  const row = await db
    .selectFrom('points_ledger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('balance'))
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** A customer's ledger, oldest first. */
export async function pointsHistory(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  return db
    .selectFrom('points_ledger')
    .select(['id', 'kind', 'points', 'reason', 'order_id', 'expires_at', 'at', 'idempotency_key'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** A manual change or a redemption, as the CLI and API take it. */
export interface PointsChange {
  kind: 'adjust' | 'redeem';
  /** Positive; an adjustment may be negative. */
  points: number;
  reason: string;
  /** The same key twice records the change once (retries are safe). */
  idempotencyKey: string;
  /** For a redemption: the coupon template it buys, issued in the same transaction. */
  couponTemplate?: string;
  /** Who changes the points: audited in the same transaction when the change is recorded. */
  actor: Actor;
}

/**
 * Adds an adjustment (±) or a redemption (−) to a customer's ledger. The customer row is locked
 * while the balance is checked, so two redemptions racing for the last points cannot both pass.
 * Returns the new balance and whether the entry was new (false for a repeated idempotency key).
 */
export async function changePoints(
  db: Kysely<Schema>,
  workspace: Workspace,
  customerId: number,
  change: PointsChange,
): Promise<{ balance: number; recorded: boolean; coupon?: string }> {
  if (!Number.isInteger(change.points) || change.points === 0)
    throw new InvalidInputError('points must be a whole number other than 0');
  if (change.kind === 'redeem' && change.points < 0)
    throw new InvalidInputError('points to redeem must be positive');
  if (!change.reason.trim()) throw new InvalidInputError('a points change needs a reason');
  const ws = workspace.id;
  return db.transaction().execute(async (trx) => {
    const customer = await sql<{ id: number }>`
      select id from customers where workspace_id = ${ws} and id = ${customerId} and erased_at is null for update`.execute(
      trx,
    );
    if (!customer.rows[0]) throw new NotFoundError(`customer ${customerId} not found`);
    const repeated = await trx
      .selectFrom('points_ledger')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('idempotency_key', '=', change.idempotencyKey)
      .executeTakeFirst();
    if (repeated) return { balance: await pointsBalance(trx, ws, customerId), recorded: false };
    const balance = await pointsBalance(trx, ws, customerId);
    const delta = change.kind === 'redeem' ? -change.points : change.points;
    if (balance + delta < 0) throw new InsufficientPointsError(balance, -delta);
    const kind: PointsKind = change.kind;
    await sql`
      insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at)
      values (${ws}, ${customerId}, ${kind}, ${delta}, ${change.reason}, ${change.idempotencyKey},
        ${delta > 0 ? pointsExpiry(workspace, sql`now()`) : sql`null`})`.execute(trx);
    await recordAudit(trx, ws, change.actor, {
      action: `points.${change.kind}`,
      objectType: 'customer',
      objectId: customerId,
      detail: { points: change.points, reason: change.reason },
    });
    if (change.couponTemplate === undefined) return { balance: balance + delta, recorded: true };
    if (change.kind !== 'redeem') throw new InvalidInputError('only a redemption can buy a coupon');
    const template = await findCouponTemplate(trx, ws, change.couponTemplate);
    const issued = await issueCouponsInTransaction(trx, template, [customerId], {
      source: 'points',
      ref: change.idempotencyKey,
    });
    // No coupon (limit or budget reached): the transaction rolls back and no points are spent.
    if (issued.issued === 0)
      throw new RetainError(
        'conflict',
        `no "${template.name}" coupon can be issued to this customer (limit or budget reached)`,
      );
    return { balance: balance + delta, recorded: true, coupon: issued.codes[0]!.code };
  });
}

/**
 * Expires points whose lots ran out by the start of `asOf` (local midnight: run on 1 January, it
 * expires what ended with the old year), first in, first out:
 * what expires is what was earned in expired lots minus everything spent or expired so far. One
 * `expire` entry per customer and date, so running it twice changes nothing.
 */
export async function expirePoints(
  db: Kysely<Schema>,
  workspace: Workspace,
  asOf: string,
): Promise<{ customers: number; points: number }> {
  const ws = workspace.id;
  const cutoff = sql`(${asOf}::date::timestamp at time zone ${workspace.timezone})`;
  const result = await sql<{ customers: number; points: number }>`
    with due as (
      select customer_id,
        coalesce(sum(points) filter (where kind in ('earn', 'bonus', 'reverse', 'adjust') and points <> 0
          and expires_at is not null and expires_at <= ${cutoff}), 0)
        + coalesce(sum(points) filter (where kind in ('redeem', 'expire') or (kind = 'adjust' and points < 0)), 0) as n
      from points_ledger where workspace_id = ${ws} group by customer_id
    ), added as (
      insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, at)
      select ${ws}, customer_id, 'expire', -n, 'points expired by ' || ${asOf}, 'expire:' || customer_id || ':' || ${asOf}, ${cutoff}
      from due where n > 0
      on conflict (workspace_id, idempotency_key) do nothing
      returning -points as points
    ) select count(*)::int as customers, coalesce(sum(points), 0)::int as points from added`.execute(db);
  return result.rows[0]!;
}

/** {@link expirePoints} as people run it (API and CLI alike), audited in its transaction. */
export function expirePointsAs(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  asOf: string,
): Promise<{ customers: number; points: number }> {
  return audited(
    db,
    workspace.id,
    actor,
    (trx) => expirePoints(trx, workspace, asOf),
    (result) => ({
      action: 'points.expire',
      objectType: 'workspace',
      objectId: workspace.id,
      detail: { as_of: asOf, ...result },
    }),
  );
}

/**
 * Awards bonus points (a journey step, a campaign) inside the caller's transaction, once per
 * idempotency key; they expire like earned points. Returns whether the entry was new.
 */
export async function awardBonusPoints(
  trx: Kysely<Schema>,
  workspace: Workspace,
  customerId: number,
  award: { points: number; reason: string; idempotencyKey: string; at: Date },
): Promise<boolean> {
  if (!Number.isInteger(award.points) || award.points <= 0)
    throw new InvalidInputError('bonus points must be a positive whole number');
  const added = await sql`
    insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at, at)
    values (${workspace.id}, ${customerId}, 'bonus', ${award.points}, ${award.reason}, ${award.idempotencyKey},
      ${pointsExpiry(workspace, sql`${award.at}::timestamptz`)}, ${award.at})
    on conflict (workspace_id, idempotency_key) do nothing returning id`.execute(trx);
  return added.rows.length > 0;
}
