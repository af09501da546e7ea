import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { issueCouponsInTransaction } from '../loyalty/coupon-issue.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { findTemplate } from '../messaging/template-service.ts';
import type { Workspace } from '../workspaces/index.ts';
import { armIndexSql, armsOf, audienceFilter, heldSql, knownZones, zoneSql } from './broadcast-audience.ts';
import type { BroadcastDefinition } from './broadcast-contract.ts';

/** What a worker pass did to broadcasts. */
export interface BroadcastRunCounts {
  started: number;
  queued: number;
  held_out: number;
  completed: number;
}

/** Customers (by id) materialised in one transaction (`RETAIN_BROADCAST_BATCH`, default 100,000). */
function batchSize(): number {
  const n = Number(process.env.RETAIN_BROADCAST_BATCH);
  return Number.isSafeInteger(n) && n > 0 ? n : 100_000;
}

/** The coupon-code ref of a broadcast's coupons: its results count their redemptions. */
export const couponRef = (broadcastId: number) => `broadcast:${broadcastId}`;

/** The instant each customer's message is due: the time of the send, or their own local time. */
function dueSql(def: BroadcastDefinition, workspace: Workspace, zones: readonly string[], now: Date) {
  if (def.send.at !== 'customer_local') return sql<Date>`${now}::timestamptz`;
  return sql<Date>`greatest(${now}::timestamptz,
    ((${def.send.date}::date + ${def.send.time}::time) at time zone ${zoneSql(workspace, zones)}))`;
}

/**
 * Materialises one batch of a sending broadcast: the audience's customers with ids in the next
 * range are drawn (holdout, arm — deterministic per broadcast and customer), the held out recorded,
 * the coupon issued to the others, and their messages put in the outbox with the key
 * `broadcast:ID:customer` — all set-based, in one transaction with the broadcast's cursor, so a
 * crash repeats nothing. False when there was nothing left (or another worker holds it).
 */
async function materialiseBatch(
  db: Kysely<Schema>,
  workspace: Workspace,
  id: number,
  now: Date,
  counts: BroadcastRunCounts,
): Promise<boolean> {
  const ws = workspace.id;
  return db.transaction().execute(async (trx) => {
    const b = await sql<{ definition: BroadcastDefinition; cursor_id: string | null; draw_version: number }>`
      select definition, cursor_id, draw_version from broadcasts where workspace_id = ${ws} and id = ${id}
        and status = 'sending' and not materialised for update skip locked`.execute(trx);
    const row = b.rows[0];
    if (!row) return false;
    const def = row.definition;
    const lo = row.cursor_id === null ? 0 : Number(row.cursor_id);
    const top = await sql<{ hi: string | null }>`
      select max(id) as hi from (select id from customers where workspace_id = ${ws} and id > ${lo}
        order by id limit ${batchSize()}) x`.execute(trx);
    const hi = top.rows[0]?.hi == null ? null : Number(top.rows[0].hi);
    if (hi === null) {
      await sql`update broadcasts set materialised = true where workspace_id = ${ws} and id = ${id}`.execute(
        trx,
      );
      return false;
    }
    const filter = await audienceFilter(trx, workspace, id, def.audience, { after: lo, upTo: hi });
    const inBatch = sql`c.workspace_id = ${ws} and c.id > ${lo} and c.id <= ${hi} and ${filter}`;
    const draws = { id, draw_version: row.draw_version };
    const held = heldSql(draws, def.holdout_percent);
    if (def.holdout_percent) {
      const h = await sql`insert into broadcast_holdouts (workspace_id, broadcast_id, customer_id)
        select ${ws}, ${id}, c.id from customers c where ${inBatch} and ${held}
        on conflict do nothing`.execute(trx);
      counts.held_out += Number(h.numAffectedRows ?? 0);
    }
    let coupon: RawBuilder<unknown> = sql`null::jsonb`;
    let couponJoin: RawBuilder<unknown> = sql``;
    if (def.coupon) {
      const template = await findCouponTemplate(trx, ws, def.coupon);
      const ids = await sql<{
        id: string;
      }>`select c.id from customers c where ${inBatch} and not ${held}`.execute(trx);
      await issueCouponsInTransaction(
        trx,
        template,
        ids.rows.map((r) => Number(r.id)),
        { source: 'campaign', ref: couponRef(id) },
      );
      couponJoin = sql`left join coupons cp on cp.workspace_id = ${ws} and cp.customer_id = a.id
        and cp.template_id = ${template.id} and cp.source_ref = ${couponRef(id)}`;
      coupon = sql`case when cp.code is not null then jsonb_build_object('coupon_code', cp.code) end`;
    }
    const arms = armsOf(def);
    const zones = def.send.at === 'customer_local' ? await knownZones(trx, ws) : [];
    const armRows = await Promise.all(
      arms.map(async (a) => ({ a, t: await findTemplate(trx, ws, a.templates[0]!) })),
    );
    // Each arm's columns as a row joined on the arm drawn: the draw is computed once per customer
    // (a CASE per column would repeat it in every column once the subquery is pulled up).
    const armTable = sql`(values ${sql.join(
      armRows.map(
        (x, i) =>
          sql`(${i}::int, ${x.t.channel}::text, ${x.a.templates[0]}::text, ${x.t.purpose}::text, ${x.a.templates}::text[], ${x.a.name}::text)`,
      ),
    )}) v(arm, channel, template, purpose, candidates, step)`;
    const q = await sql`
      insert into messages (workspace_id, customer_id, channel, template, purpose, idempotency_key, status,
        due_at, candidates, variables, broadcast_id, step)
      select ${ws}, a.id, v.channel, v.template, v.purpose, ${`broadcast:${id}:`}::text || a.id::text, 'queued', a.due,
        v.candidates, ${coupon}, ${id}, v.step
      from (select c.id, ${armIndexSql(draws, arms)} as arm, ${dueSql(def, workspace, zones, now)} as due
        from customers c where ${inBatch} and not ${held}) a
      join ${armTable} on v.arm = a.arm
      ${couponJoin}
      on conflict (workspace_id, idempotency_key) do nothing`.execute(trx);
    counts.queued += Number(q.numAffectedRows ?? 0);
    await sql`update broadcasts set cursor_id = ${hi} where workspace_id = ${ws} and id = ${id}`.execute(trx);
    return true;
  });
}

/**
 * A worker's part for broadcasts at `now`: those scheduled and due start sending; every sending
 * one is materialised batch by batch (a pause or cancel between batches stops it); one fully
 * materialised whose messages have all gone out (sent, skipped or failed) is completed. The
 * messages themselves are delivered by `deliverDue`, like every journey message.
 */
export async function runBroadcasts(
  db: Kysely<Schema>,
  workspace: Workspace,
  now: Date,
): Promise<BroadcastRunCounts> {
  const ws = workspace.id;
  const counts: BroadcastRunCounts = { started: 0, queued: 0, held_out: 0, completed: 0 };
  const started = await sql`update broadcasts set status = 'sending', started_at = ${now}, updated_at = ${now}
    where workspace_id = ${ws} and status = 'scheduled' and send_at <= ${now}`.execute(db);
  counts.started = Number(started.numAffectedRows ?? 0);
  const sending = await sql<{ id: string }>`select id from broadcasts
    where workspace_id = ${ws} and status = 'sending' and not materialised order by id`.execute(db);
  for (const { id } of sending.rows) {
    let more = true;
    while (more) more = await materialiseBatch(db, workspace, Number(id), now, counts);
  }
  const done =
    await sql`update broadcasts b set status = 'completed', completed_at = ${now}, updated_at = ${now}
    where b.workspace_id = ${ws} and b.status = 'sending' and b.materialised and not exists (
      select 1 from messages m where m.workspace_id = ${ws} and m.broadcast_id = b.id and m.status in ('queued', 'sending'))`.execute(
      db,
    );
  counts.completed = Number(done.numAffectedRows ?? 0);
  return counts;
}
