import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { inScope, sentInWindow } from './message-facts.ts';
import type { Cap } from './reach-rules.ts';

/** A message about to be sent: it needs a place under its customer's frequency cap. */
export interface CapRequest {
  id: number;
  customer_id: number;
  /** The channel chosen, recorded with the place so other rounds count it on that channel. */
  channel: string;
}

/** The key of a customer's lock: the two-key form keeps clear of the one-key workspace locks of imports and merges. */
const lockKey = (customerId: number) => Number(customerId) % 2_147_483_647;

const alone = new WeakMap<Kysely<Schema>, Promise<boolean>>();

/**
 * Whether the store runs every statement by itself: PGlite (PostgreSQL built for wasm32) has one
 * session, held by one process, and runs one statement at a time. Asked once per handle.
 */
export function runsAlone(db: Kysely<Schema>): Promise<boolean> {
  let answer = alone.get(db);
  if (!answer) {
    answer = sql<{ alone: boolean }>`select version() like '%wasm32%' as alone`
      .execute(db)
      .then((r) => r.rows[0]!.alone);
    answer.catch(() => alone.delete(db));
    alone.set(db, answer);
  }
  return answer;
}

/**
 * Takes places under a frequency cap for many messages at once (all of one reach rule's cap:
 * `cap.count` in `cap.days`, counting the messages of its scope). One statement counts
 * each customer's messages of the scope sent or being sent (their `sent_at` set here, before the
 * provider is called) in the window and gives the free places to the messages in id order,
 * setting their `sent_at`. On PostgreSQL it runs in a short transaction after the customers are
 * locked (in key order, so two workers taking places for overlapping customers cannot deadlock):
 * a concurrent worker, round or send waits for the lock and then counts these, so together they
 * never exceed the cap. On the embedded store the statement alone is enough (nothing runs beside
 * it). Returns the ids given a place; the others are over the cap.
 */
export async function takeCapPlaces(
  db: Kysely<Schema>,
  ws: number,
  requests: readonly CapRequest[],
  now: Date,
  cap: Cap,
): Promise<Set<number>> {
  if (!requests.length) return new Set();
  const keys = [...new Set(requests.map((r) => lockKey(r.customer_id)))].sort((a, b) => a - b);
  const customers = [...new Set(requests.map((r) => Number(r.customer_id)))];
  const ids = requests.map((r) => r.id);
  const place = (q: Kysely<Schema>) =>
    sql<{ id: number }>`
      with wanted as (
        select w.id, w.customer_id, w.channel from unnest(${ids}::bigint[], ${requests.map((r) => r.customer_id)}::bigint[],
          ${requests.map((r) => r.channel)}::text[]) as w(id, customer_id, channel)),
      -- Counted customer by customer: a lookup each through the customer index, whatever the
      -- planner believes of the table's size (the embedded store's statistics lag the day's sends).
      held as (
        select h.customer_id, (select count(*) from messages m
          where m.workspace_id = ${ws} and m.customer_id = h.customer_id and ${inScope(cap)}
            and m.status in ('sent', 'sending') and ${sentInWindow(now, cap.days)}
            and not (m.id = any(${ids}::bigint[])))::int as n
        from unnest(${customers}::bigint[]) as h(customer_id)),
      placed as (
        select w.id, w.channel, coalesce(h.n, 0) + row_number() over (partition by w.customer_id order by w.id) as place
        from wanted w left join held h on h.customer_id = w.customer_id)
      update messages m set sent_at = ${now}, channel = p.channel from placed p
      where m.workspace_id = ${ws} and m.id = p.id and p.place <= ${cap.count}
      returning m.id`.execute(q);
  const granted = (await runsAlone(db))
    ? await place(db)
    : await db.transaction().execute(async (trx) => {
        // unnest yields the keys in the array's order: the locks are taken in that order.
        await sql`select pg_advisory_xact_lock(${ws}::int, k) from unnest(${keys}::int[]) as k`.execute(trx);
        // A statement of its own, after the locks: its snapshot sees what the lock holders committed.
        return place(trx);
      });
  return new Set(granted.rows.map((r) => Number(r.id)));
}
