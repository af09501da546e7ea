import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { BroadcastsTable, Schema } from '../db/schema.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { findTemplate } from '../messaging/template-service.ts';
import { findSegment, parseCondition } from '../segments/index.ts';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { clockNow } from '../shared/clock.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { clockMinutes, zonedInstant } from '../shared/zoned-time.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { armsOf, CURRENT_DRAW_VERSION, resolveList } from './broadcast-audience.ts';
import {
  type BroadcastDefinition,
  BroadcastDefinitionSchema,
  type BroadcastStatus,
  type BroadcastView,
  type SendTime,
} from './broadcast-contract.ts';

/** A broadcast as stored, its definition parsed. */
export type StoredBroadcast = Omit<Selectable<BroadcastsTable>, 'definition'> & {
  definition: BroadcastDefinition;
};

/** The earliest zone on Earth (UTC+14): a send in each customer's zone starts when it gets there. */
const EARLIEST_ZONE = 'Pacific/Kiritimati';

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError(`${field}: ${message}`, [{ field, message }]);
}

/** When materialising starts for a send time (null: when it is scheduled). */
export function sendInstant(send: SendTime, timezone: string): Date | null {
  if (send.at === 'now') return null;
  const date = send.at === 'scheduled' ? send.time.slice(0, 10) : send.date;
  const time = send.at === 'scheduled' ? send.time.slice(11) : send.time;
  if (!isCalendarDate(date))
    throw invalid(send.at === 'scheduled' ? 'send.time' : 'send.date', 'not a real date');
  return zonedInstant(date, clockMinutes(time), send.at === 'scheduled' ? timezone : EARLIEST_ZONE);
}

/** Checks what a definition names: templates, coupon, segment, condition; the error names the field. */
async function checkReferences(db: Kysely<Schema>, workspace: Workspace, def: BroadcastDefinition) {
  const ws = workspace.id;
  const check = async (field: string, look: () => Promise<unknown>) => {
    try {
      await look();
    } catch (error) {
      if (error instanceof RetainError) throw invalid(field, error.message);
      throw error;
    }
  };
  if (def.variants)
    for (const [i, v] of def.variants.entries())
      for (const [j, t] of v.templates.entries())
        await check(`variants.${i}.templates.${j}`, () => findTemplate(db, ws, t));
  else
    for (const [j, t] of def.templates!.entries())
      await check(`templates.${j}`, () => findTemplate(db, ws, t));
  if (def.coupon) await check('coupon', () => findCouponTemplate(db, ws, def.coupon!));
  if ('segment' in def.audience)
    await check('audience.segment', () => findSegment(db, ws, (def.audience as { segment: string }).segment));
  if ('condition' in def.audience) {
    const condition = def.audience.condition;
    await check('audience.condition', async () => parseCondition(condition));
  }
  sendInstant(def.send, workspace.timezone);
}

/** Reads a broadcast definition (a body, a file); a clear error names the field. */
export function parseBroadcast(input: unknown): BroadcastDefinition {
  const r = BroadcastDefinitionSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }));
  throw new InvalidInputError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

/** Creates a broadcast as a draft (an uploaded list resolved to customers now); audited. */
export async function createBroadcast(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  def: BroadcastDefinition,
): Promise<StoredBroadcast & { list_unmatched?: number }> {
  await checkReferences(db, workspace, def);
  const ws = workspace.id;
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('broadcasts')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('name', '=', def.name)
      .executeTakeFirst();
    if (taken) throw invalid('name', `a broadcast named "${def.name}" exists`);
    const row = await trx
      .insertInto('broadcasts')
      .values({
        workspace_id: ws,
        name: def.name,
        definition: JSON.stringify(def) as never,
        status: 'draft',
        send_at: sendInstant(def.send, workspace.timezone),
        created_by: actor.label,
        draw_version: CURRENT_DRAW_VERSION,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    let unmatched: number | undefined;
    if ('list' in def.audience) {
      const { ids, unmatched: missing } = await resolveList(trx, ws, def.audience.list);
      unmatched = missing;
      if (ids.length)
        await sql`insert into broadcast_list (workspace_id, broadcast_id, customer_id)
          select ${ws}, ${row.id}, x from unnest(${ids}::bigint[]) x`.execute(trx);
    }
    await recordAudit(trx, ws, actor, {
      action: 'broadcast.create',
      objectType: 'broadcast',
      objectId: row.id,
      detail: {
        name: def.name,
        arms: armsOf(def).length,
        ...(unmatched !== undefined ? { list_unmatched: unmatched } : {}),
      },
    });
    return { ...row, definition: def, ...(unmatched !== undefined ? { list_unmatched: unmatched } : {}) };
  });
}

/** A broadcast of the workspace, by id. */
export async function getBroadcast(
  db: Kysely<Schema>,
  workspaceId: number,
  id: number,
): Promise<StoredBroadcast> {
  const row = await db
    .selectFrom('broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no broadcast ${id}`);
  return { ...row, id: Number(row.id), definition: row.definition as BroadcastDefinition };
}

/** The workspace's broadcasts, newest first. */
export async function listBroadcasts(db: Kysely<Schema>, workspaceId: number): Promise<StoredBroadcast[]> {
  const rows = await db
    .selectFrom('broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), definition: r.definition as BroadcastDefinition }));
}

/** A broadcast as the API and the CLI show it. */
export function presentBroadcast(b: StoredBroadcast & { list_unmatched?: number }): BroadcastView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: Number(b.id),
    name: b.name,
    status: b.status,
    definition: b.definition as unknown as Record<string, unknown>,
    send_at: iso(b.send_at),
    created_by: b.created_by,
    approved_by: b.approved_by,
    created_at: b.created_at.toISOString(),
    started_at: iso(b.started_at),
    completed_at: iso(b.completed_at),
    ...(b.list_unmatched !== undefined ? { list_unmatched: b.list_unmatched } : {}),
  };
}

/**
 * Moves a broadcast from one of `from` to `to` in one statement (two callers cannot both move
 * it), with its audit row in the same transaction; a conflict names the status it is in.
 */
async function transition(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  id: number,
  from: readonly BroadcastStatus[],
  action: string,
  set: (trx: Kysely<Schema>, current: StoredBroadcast) => Promise<Partial<Selectable<BroadcastsTable>>>,
): Promise<StoredBroadcast> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('broadcasts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new NotFoundError(`no broadcast ${id}`);
    const stored = {
      ...current,
      id: Number(current.id),
      definition: current.definition as BroadcastDefinition,
    };
    if (!from.includes(current.status))
      throw new RetainError(
        'conflict',
        `broadcast ${id} is ${current.status}: it cannot be ${action}d from there`,
      );
    const values = await set(trx, stored);
    const row = await trx
      .updateTable('broadcasts')
      .set({ ...values, updated_at: clockNow() } as never)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, workspaceId, actor, {
      action: `broadcast.${action}`,
      objectType: 'broadcast',
      objectId: id,
      detail: { from: current.status, to: row.status },
    });
    return { ...row, id: Number(row.id), definition: row.definition as BroadcastDefinition };
  });
}

/**
 * Schedules a draft: it is sent at its time by the worker, or first waits for an admin's approval
 * when the workspace requires it (`broadcasts.require_approval`).
 */
export async function scheduleBroadcast(db: Kysely<Schema>, workspace: Workspace, actor: Actor, id: number) {
  const approval = readSettings(workspace.settings).broadcasts.require_approval;
  return transition(db, workspace.id, actor, id, ['draft'], 'schedule', async (trx, b) => {
    // Inside the transaction: the embedded store has one connection.
    await checkReferences(trx, workspace, b.definition);
    return {
      status: approval ? 'pending_approval' : 'scheduled',
      send_at: sendInstant(b.definition.send, workspace.timezone) ?? clockNow(),
    };
  });
}

/** An admin approves a broadcast waiting for it: it is then sent at its time. */
export async function approveBroadcast(db: Kysely<Schema>, workspace: Workspace, actor: Actor, id: number) {
  return transition(db, workspace.id, actor, id, ['pending_approval'], 'approve', async (_trx, b) => ({
    status: 'scheduled',
    approved_by: actor.label,
    // A send "now" prepared before approval goes when it is approved.
    send_at: b.definition.send.at === 'now' ? clockNow() : b.send_at,
  }));
}

/** Pauses a scheduled or sending broadcast: its queued messages are held until it resumes. */
export async function pauseBroadcast(db: Kysely<Schema>, workspace: Workspace, actor: Actor, id: number) {
  return transition(db, workspace.id, actor, id, ['scheduled', 'sending'], 'pause', async (_trx, b) => ({
    status: 'paused',
    paused_from: b.status,
  }));
}

/** Resumes a paused broadcast where it was: held messages go out again. */
export async function resumeBroadcast(db: Kysely<Schema>, workspace: Workspace, actor: Actor, id: number) {
  return transition(db, workspace.id, actor, id, ['paused'], 'resume', async (_trx, b) => ({
    status: (b.paused_from ?? 'scheduled') as BroadcastStatus,
    paused_from: null,
  }));
}

/** Cancels a broadcast: nothing more is queued, and its queued messages are skipped (`broadcast_cancelled`). */
export async function cancelBroadcast(db: Kysely<Schema>, workspace: Workspace, actor: Actor, id: number) {
  const ws = workspace.id;
  return transition(
    db,
    ws,
    actor,
    id,
    ['draft', 'pending_approval', 'scheduled', 'sending', 'paused'],
    'cancel',
    async (trx) => {
      await sql`update messages set status = 'skipped', reason = 'broadcast_cancelled'
        where workspace_id = ${ws} and broadcast_id = ${id} and status = 'queued'`.execute(trx);
      return { status: 'cancelled', paused_from: null, completed_at: clockNow() };
    },
  );
}
