import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A message taken by a delivery round, with what it needs to be sent. */
export interface Claimed {
  id: number;
  customer_id: number;
  template: string;
  idempotency_key: string;
  candidates: string[] | null;
  variables: Record<string, unknown> | null;
  payload: Record<string, unknown> | null;
  skip_if_ordered_since: Date | null;
  attempts: number;
  /** Taken over from a worker whose lease ran out: it may have been sent already (a re-send). */
  recovered: boolean;
}

/**
 * How long a claim holds before another worker may recover it, in milliseconds
 * (`RETAIN_DELIVERY_LEASE_SECONDS`, default 60). A live worker renews its leases every third of it.
 */
export function leaseMilliseconds(): number {
  const seconds = Number(process.env.RETAIN_DELIVERY_LEASE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

/**
 * The database's clock, read in a statement of its own: Citus refuses volatile functions such as
 * clock_timestamp() in an UPDATE of a distributed table, and every worker agrees on this value.
 */
async function databaseClock(db: Kysely<Schema>): Promise<Date> {
  return (await sql<{ at: Date }>`select clock_timestamp() as at`.execute(db)).rows[0]!.at;
}

/**
 * The database's clock without asking it each time: read once, then moved on by this process's
 * monotonic clock (a round lasts seconds; the two drift apart by microseconds).
 */
export async function roundClock(db: Kysely<Schema>): Promise<() => Date> {
  const at = (await databaseClock(db)).getTime();
  const started = performance.now();
  return () => new Date(at + (performance.now() - started));
}

/**
 * Claims up to `size` messages of the workspace: queued ones that are due, in due order straight
 * from the queue's index, and `sending` ones whose lease ran out (their worker died between
 * claiming and recording an outcome). Each gets a lease measured on the database's clock (`at`,
 * else read now), so workers on several machines agree; a recovered one counts one more in
 * `resends`. Messages of a paused broadcast are held (left queued). With `ids`, only those; never
 * those in `exclude` (the round's own, whose lease may have run out while a blocked event loop
 * could not renew it).
 */
export async function claimDue(
  db: Kysely<Schema>,
  ws: number,
  now: Date,
  options: {
    size: number;
    leaseMs: number;
    ids?: readonly number[];
    exclude?: readonly number[];
    at?: Date;
  },
): Promise<Claimed[]> {
  const at = options.at ?? (await databaseClock(db));
  const only = sql`${options.ids ? sql`and id = any(${options.ids}::bigint[])` : sql``}
    ${options.exclude?.length ? sql`and not (id = any(${options.exclude}::bigint[]))` : sql``}
    -- A paused broadcast's messages are held (still queued) until it resumes.
    and (broadcast_id is null or not exists (select 1 from broadcasts b
      where b.workspace_id = ${ws} and b.id = messages.broadcast_id and b.status = 'paused'))`;
  const rows = await sql<Claimed>`
    with queued as (
      select id, due_at, false as recovered from messages
      where workspace_id = ${ws} and status = 'queued' and due_at <= ${now} ${only}
      order by due_at, id limit ${options.size} for update skip locked),
    lapsed as (
      select id, due_at, true as recovered from messages
      where workspace_id = ${ws} and status = 'sending' and (lease_until is null or lease_until < ${at}) ${only}
      order by due_at, id limit ${options.size} for update skip locked),
    picked as (
      select * from queued union all select * from lapsed order by due_at, id limit ${options.size})
    update messages m set status = 'sending', attempts = m.attempts + 1,
      lease_until = ${at}::timestamptz + ${options.leaseMs}::int * interval '1 millisecond',
      resends = m.resends + picked.recovered::int
    from picked where m.workspace_id = ${ws} and m.id = picked.id
    returning m.id, m.customer_id, m.template, m.idempotency_key, m.candidates, m.variables, m.payload,
      m.skip_if_ordered_since, m.attempts, picked.recovered`.execute(db);
  return rows.rows;
}

/**
 * Keeps the leases of a round's messages alive while it works on them: every third of the lease
 * it extends those still held. A message leaves once its outcome is written.
 */
export class LeaseKeeper {
  private readonly held = new Set<number>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly ws: number,
    private readonly leaseMs: number,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  /** Messages just claimed. */
  hold(ids: readonly number[]): void {
    for (const id of ids) this.held.add(id);
  }

  /** The messages held now. */
  ids(): number[] {
    return [...this.held];
  }

  /** Messages whose outcome is written. */
  release(ids: readonly number[]): void {
    for (const id of ids) this.held.delete(id);
  }

  private renew(): void {
    if (!this.held.size) return;
    const ids = [...this.held];
    // A failed renewal only shortens the lease; the next one tries again.
    this.renewing = databaseClock(this.db)
      .then((at) =>
        sql`update messages set lease_until = ${at}::timestamptz + ${this.leaseMs}::int * interval '1 millisecond'
        where workspace_id = ${this.ws} and id = any(${ids}::bigint[]) and status = 'sending'`.execute(
          this.db,
        ),
      )
      .catch(() => {});
  }

  /** Stops renewing (after the round's outcomes are written). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }
}
