import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import {
  KEYS_AHEAD,
  PRODUCTS_AHEAD,
  STAGED_IDENTITIES,
  STAGING_TABLE,
  type StagedSummary,
} from '../importing/index.ts';

/**
 * Large order-lines files on the embedded store are prepared outside the import's transaction:
 * PGlite has one connection, and a transaction holds it from `begin` to `commit`, so every
 * statement in it keeps the server's other requests waiting. What does not need the transaction
 * is done here in short statements with the connection handed over between them: each order built
 * from its lines (`order_final`), the lines of orders that do not exist yet written to
 * `order_lines` (unseen: every read of lines goes through their order, which the transaction
 * creates); identity keys and products were gathered while reading (staged-summary.ts). The
 * transaction then only resolves identities, upserts orders and refreshes aggregates, from small
 * tables.
 */
export const LINES_AHEAD_MIN_ROWS = 20_000;

/** The longest a statement of the preparation should take: others' requests wait that long at most. */
const TARGET_MS = 40;
const FIRST_LINES = 2_000;
const MIN_LINES = 200;
const MAX_LINES = 50_000;

const stage = sql.table(STAGING_TABLE);

/** How far the preparation is; `lines` of `total` lines processed. */
export type AheadProgress = (lines: number) => void;

/** A range of orders `[from, to)` by order id; `to` undefined for the last. */
interface Range {
  from: string;
  to: string | undefined;
}

const inRange = (column: string, r: Range) =>
  r.to === undefined
    ? sql`${sql.ref(column)} >= ${r.from}`
    : sql`${sql.ref(column)} >= ${r.from} and ${sql.ref(column)} < ${r.to}`;

/**
 * Writes the summary's keys and products, then builds `order_final` (with `idkey` for the
 * customer, filled in later, and `ahead` for orders that do not exist yet) and writes the lines of
 * `ahead` orders, in ranges of orders sized to about {@link TARGET_MS} per statement, letting
 * others in between.
 */
export async function prepareLinesAhead(
  session: Session,
  ctx: { workspaceId: number; timezone: string; summary: StagedSummary },
  onProgress: AheadProgress,
): Promise<void> {
  const db = session.db;
  await createWorkTables(session);
  await ctx.summary.write(session);
  await session.breathe();
  const first = await sql<{ id: string | null }>`select min(order_id) as id from ${stage}`.execute(db);
  let from = first.rows[0]?.id ?? null;
  let lines = FIRST_LINES;
  let done = 0;
  while (from !== null) {
    const next = await sql<{ id: string }>`
      select order_id as id from ${stage} where order_id > ${from} order by order_id offset ${lines} limit 1`.execute(
      db,
    );
    const range: Range = { from, to: next.rows[0]?.id };
    const slowest = await prepareRange(session, ctx, range);
    done += lines;
    onProgress(done);
    // Size the next range so its slowest statement takes about the target.
    const scaled = Math.round((lines * TARGET_MS) / Math.max(slowest, 1));
    lines = Math.min(MAX_LINES, Math.max(MIN_LINES, Math.min(scaled, lines * 2)));
    from = range.to ?? null;
  }
  // A small sample: the transaction joins it by order id and key and needs little more than its size.
  await sql`set default_statistics_target = 10`.execute(db);
  try {
    await sql`analyze order_final`.execute(db);
  } finally {
    await sql`reset default_statistics_target`.execute(db);
  }
  await session.breathe();
}

async function createWorkTables(session: Session): Promise<void> {
  const db = session.db;
  for (const t of ['order_final', KEYS_AHEAD, PRODUCTS_AHEAD])
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  await sql`
    create temp table order_final (order_id text, line int, idkey text, customer_id bigint,
      ordered_at timestamptz, amount bigint, refunded bigint, status text, channel text, store text,
      coupon_code text, lines_hash text, identical bigint, ahead boolean)`.execute(db);
  // The transaction joins it to orders by order id (previous owners, the upsert): by index, whatever
  // the estimates of a table filled range by range.
  await sql`create index order_final_order on order_final (order_id)`.execute(db);
  const cols = STAGED_IDENTITIES.map(([, col]) => sql`${sql.ref(col)} text`);
  await sql`create temp table ${sql.table(KEYS_AHEAD)} (idkey text, first_line int, ${sql.join(cols)})`.execute(
    db,
  );
  await sql`create temp table ${sql.table(PRODUCTS_AHEAD)} (sku text, name text, line int)`.execute(db);
}

/** One range's statements, each followed by a breath; returns the slowest one's milliseconds. */
async function prepareRange(
  session: Session,
  ctx: { workspaceId: number; timezone: string },
  range: Range,
): Promise<number> {
  const db = session.db;
  const ws = ctx.workspaceId;
  let slowest = 0;
  const step = async (query: ReturnType<typeof sql>) => {
    const start = performance.now();
    await query.execute(db);
    slowest = Math.max(slowest, performance.now() - start);
    await session.breathe();
  };
  // As processOrderLines builds it in one statement; the customer is that of the first line's key.
  await step(sql`
    insert into order_final
    select l.order_id, min(l.line), (array_agg(l.idkey order by l.line))[1], null::bigint,
      min(coalesce(l.ts_abs, l.ts_local at time zone ${ctx.timezone})), sum(l.amount)::bigint, 0::bigint,
      (array_agg(l.status order by l.line))[1], (array_agg(l.channel order by l.line))[1],
      (array_agg(l.store order by l.line))[1], null::text,
      md5(string_agg(concat_ws('|', l.sku, l.product_name, l.quantity::text, l.unit_price::text, l.amount::text), chr(10)
        order by l.sku, l.product_name, l.quantity, l.unit_price, l.line)),
      count(*) - count(distinct (l.idkey, l.ts_local, l.ts_abs, l.sku, l.product_name, l.quantity, l.unit_price,
        l.amount, l.status, l.channel, l.store)),
      not exists (select 1 from orders o where o.workspace_id = ${ws} and o.order_id = l.order_id)
    from ${stage} l where ${inRange('l.order_id', range)}
    group by l.order_id`);
  // The orders are listed in the same statement that writes their lines: whatever an interruption
  // leaves can be found and removed.
  await step(sql`
    with fresh as (
      select * from ${stage} s where ${inRange('s.order_id', range)}
        and not exists (select 1 from orders o where o.workspace_id = ${ws} and o.order_id = s.order_id)
    ), listed as (
      insert into import_lines_ahead (workspace_id, order_id) select distinct ${ws}::int, order_id from fresh
      on conflict do nothing
    )
    insert into order_lines (workspace_id, order_id, line_no, sku, product_name, quantity, unit_price, amount)
    select ${ws}, order_id, row_number() over (partition by order_id order by line), sku, product_name,
      quantity, unit_price, amount
    from fresh order by order_id, line`);
  return slowest;
}

/** Inside the import's transaction, once identities are resolved: each order's customer. */
export async function fillAheadCustomers(session: Session, idMap: string): Promise<void> {
  await sql`
    update order_final f set customer_id = m.customer_id from ${sql.table(idMap)} m
    where m.idkey = f.idkey`.execute(session.db);
}

/** Inside the transaction that creates the orders: their lines are theirs now, not left over. */
export async function keepLinesAhead(session: Session, workspaceId: number): Promise<void> {
  await sql`delete from import_lines_ahead where workspace_id = ${workspaceId}`.execute(session.db);
}

/**
 * Deletes the lines written ahead for orders that still do not exist (an import that failed, or
 * was interrupted by the process ending), on every workspace: imports on the embedded store run
 * one at a time, so any listed order is a leftover when this runs before or after one.
 */
export async function discardLinesAhead(session: Session): Promise<void> {
  const db = session.db;
  const listed = await sql`select 1 from import_lines_ahead limit 1`.execute(db);
  if (listed.rows.length === 0) return;
  await sql`
    delete from order_lines l using import_lines_ahead a
    where l.workspace_id = a.workspace_id and l.order_id = a.order_id
      and not exists (select 1 from orders o where o.workspace_id = a.workspace_id and o.order_id = a.order_id)`.execute(
    db,
  );
  await sql`delete from import_lines_ahead`.execute(db);
}
