import { type RawBuilder, sql } from 'kysely';
import { isDistributed } from '../db/citus.ts';
import { ID_MAP } from '../identity/identity-resolve.ts';
import {
  PRODUCTS_AHEAD,
  STAGING_TABLE,
  type StageContext,
  type StageCounts,
  TOUCHED,
} from '../importing/index.ts';
import { fillAheadCustomers, keepLinesAhead } from './order-lines-ahead.ts';

const stage = sql.table(STAGING_TABLE);
const idMap = sql.table(ID_MAP);
const touched = sql.table(TOUCHED);

async function count(ctx: StageContext, query: ReturnType<typeof sql>): Promise<number> {
  const result = await (query as ReturnType<typeof sql<{ n: number }>>).execute(ctx.session.db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The secondary indexes of `orders` (as migrations 0001 and 0011 create them), rebuilt around bulk loads. */
const SECONDARY_INDEXES = [
  sql`create index orders_customer on orders (workspace_id, customer_id, ordered_at)`,
  sql`create index orders_local_date on orders (workspace_id, local_date)`,
  sql`create index orders_updated on orders (workspace_id, updated_at)`,
];
const BULK_MIN_ROWS = 100_000;

/**
 * A load at least as large as the table is faster without its secondary indexes: inserting 10M
 * rows into random places of two B-trees costs more than building them once afterwards. The drop
 * is part of the import's transaction, so a rollback (or a dry run) restores them.
 */
async function isBulkLoad(ctx: StageContext): Promise<boolean> {
  if (ctx.stagedRows < BULK_MIN_ROWS) return false;
  // On Citus the coordinator's `orders` is an empty placeholder (its estimate says nothing about
  // the shards), and index DDL there means every shard at once: never.
  if (await isDistributed(ctx.session.db, 'orders')) return false;
  const estimate = await sql<{
    rows: number;
  }>`select reltuples::float8 as rows from pg_class where oid = 'orders'::regclass`.execute(ctx.session.db);
  return ctx.stagedRows >= Math.max(0, estimate.rows[0]?.rows ?? 0);
}

/**
 * Upserts `order_final` into orders. A column the file does not carry keeps its stored value (an
 * orders file without a refund column does not erase a refund; an order-lines file never touches
 * refunds or coupons; an orders file never touches the lines' fingerprint), and a row without a
 * customer identity does not unlink the order from its customer. An order whose resulting values
 * are unchanged is left alone, so a re-import changes nothing. Old and new customers of changed
 * orders are recorded as touched, and changed order ids in `order_changed`.
 */
async function upsertOrders(
  ctx: StageContext,
  withLines: boolean,
): Promise<{ inserted: number; updated: number }> {
  const { session, workspaceId: ws, timezone, currency } = ctx;
  const db = session.db;
  const fromFile = (field: string, column: string) =>
    ctx.mappedFields.has(field) ? sql.ref(`excluded.${column}`) : sql.ref(`o.${column}`);
  const next: Record<string, RawBuilder<unknown>> = {
    customer_id: sql`coalesce(excluded.customer_id, o.customer_id)`,
    ordered_at: sql`excluded.ordered_at`,
    local_date: sql`excluded.local_date`,
    amount: sql`excluded.amount`,
    refunded_amount: withLines
      ? sql`o.refunded_amount`
      : sql`${fromFile('refunded_amount', 'refunded_amount')}`,
    status: sql`${fromFile('status', 'status')}`,
    channel: sql`${fromFile('channel', 'channel')}`,
    store: sql`${fromFile('store', 'store')}`,
    coupon_code: withLines ? sql`o.coupon_code` : sql`${fromFile('coupon_code', 'coupon_code')}`,
    lines_hash: withLines ? sql`excluded.lines_hash` : sql`o.lines_hash`,
  };
  const columns = Object.keys(next);
  await sql`drop table if exists order_changed`.execute(db);
  await sql`create temp table order_changed (order_id text, inserted boolean)`.execute(db);
  const bulk = await isBulkLoad(ctx);
  if (bulk)
    for (const index of ['orders_customer', 'orders_local_date', 'orders_updated'])
      await sql`drop index ${sql.ref(index)}`.execute(db);
  // Previous owners of orders that move to another customer need their aggregates refreshed too.
  await sql`
    insert into ${touched} select o.customer_id from orders o join order_final f on f.order_id = o.order_id
    where o.workspace_id = ${ws} and f.customer_id is not null and o.customer_id is distinct from f.customer_id`.execute(
    db,
  );
  await sql`
    with up as (
      insert into orders as o (workspace_id, order_id, customer_id, ordered_at, local_date, amount, refunded_amount,
        currency, status, channel, store, coupon_code, lines_hash)
      select ${ws}, f.order_id, f.customer_id, f.ordered_at, (f.ordered_at at time zone ${timezone})::date, f.amount,
        f.refunded, ${currency}, f.status, f.channel, f.store, f.coupon_code, f.lines_hash
      from order_final f order by f.order_id
      -- excluded.updated_at is the column default, now(): Citus takes no function in DO UPDATE.
      on conflict (workspace_id, order_id) do update set
        ${sql.join(columns.map((c) => sql`${sql.ref(c)} = ${next[c]}`))}, updated_at = excluded.updated_at
      where (${sql.join(columns.map((c) => sql.ref(`o.${c}`)))}) is distinct from (${sql.join(columns.map((c) => next[c]!))})
      returning o.order_id, o.customer_id, (xmax = 0) as inserted
    ), t as (insert into ${touched} select customer_id from up where customer_id is not null)
    insert into order_changed select order_id, inserted from up`.execute(db);
  if (bulk) for (const index of SECONDARY_INDEXES) await index.execute(db);
  if (withLines) {
    // Written ahead, nearly every changed order may be new: a lookup is cheaper than a scan of lines.
    const replaced = ctx.linesAhead
      ? await count(ctx, sql`select count(*) as n from order_changed where not inserted`)
      : 1;
    if (replaced > 0)
      await sql`
        delete from order_lines l using order_changed c
        where l.workspace_id = ${ws} and l.order_id = c.order_id and not c.inserted`.execute(db);
    // Orders created now whose lines were written ahead have them already.
    const ahead = ctx.linesAhead
      ? sql`join order_final f on f.order_id = c.order_id and not (c.inserted and f.ahead)`
      : sql``;
    const wanted = ctx.linesAhead
      ? await count(ctx, sql`select count(*) as n from order_changed c ${ahead}`)
      : 1;
    if (wanted > 0)
      await sql`
        insert into order_lines (workspace_id, order_id, line_no, sku, product_name, quantity, unit_price, amount)
        select ${ws}, s.order_id, row_number() over (partition by s.order_id order by s.line), s.sku, s.product_name,
          s.quantity, s.unit_price, s.amount
        from ${stage} s join order_changed c on c.order_id = s.order_id ${ahead}
        order by s.order_id, s.line`.execute(db);
    if (ctx.linesAhead) await keepLinesAhead(ctx.session, ws);
  }
  const inserted = await count(ctx, sql`select count(*) filter (where inserted) as n from order_changed`);
  const changed = await count(ctx, sql`select count(*) as n from order_changed`);
  return { inserted, updated: changed - inserted };
}

/**
 * A customer first met in an orders file has no name yet: the consignee (收货人) of their last row
 * names them. A name already known (from a customers file or an earlier order) is never replaced,
 * so a re-import changes nothing and a parcel sent to a relative does not rename the buyer.
 */
async function fillNames(ctx: StageContext): Promise<void> {
  if (!ctx.mappedFields.has('name')) return;
  await sql`
    update customers c set name = n.name, updated_at = now()
    from (
      select distinct on (m.customer_id) m.customer_id, s.name from ${stage} s join ${idMap} m on m.idkey = s.idkey
      where s.name is not null and m.customer_id is not null order by m.customer_id, s.line desc
    ) n
    where c.workspace_id = ${ctx.workspaceId} and c.id = n.customer_id and c.name is null and c.erased_at is null`.execute(
    ctx.session.db,
  );
}

/** Orders of this file that, after the upsert, belong to no customer. */
function countGuests(ctx: StageContext): Promise<number> {
  return count(
    ctx,
    sql`select count(*) as n from orders o join order_final f on f.order_id = o.order_id
      where o.workspace_id = ${ctx.workspaceId} and o.customer_id is null`,
  );
}

/**
 * Loads staged order rows. Within one file the last row of an order wins (as if applied in
 * order): an earlier row with other values counts as an update, an exact duplicate as unchanged;
 * `superseded_rows` says how many rows a later row of their order replaced.
 */
export async function processOrders(ctx: StageContext): Promise<StageCounts> {
  const db = ctx.session.db;
  // Most files name each order once; only then can the sort that picks each order's last row be skipped.
  const repeated = await count(
    ctx,
    sql`select count(*) as n from (select 1 from ${stage} group by order_id having count(*) > 1 limit 1) d`,
  );
  await sql`drop table if exists order_final`.execute(db);
  await sql`
    create temp table order_final as
    select ${repeated ? sql`distinct on (s.order_id)` : sql``} s.order_id, s.line, m.customer_id,
      coalesce(s.ts_abs, s.ts_local at time zone ${ctx.timezone}) as ordered_at, s.amount, s.refunded, s.status,
      s.channel, s.store, s.coupon_code, null::text as lines_hash
    from ${stage} s left join ${idMap} m on m.idkey = s.idkey
    ${repeated ? sql`order by s.order_id, s.line desc` : sql``}`.execute(db);
  await sql`analyze order_final`.execute(db);
  const orders = await count(ctx, sql`select count(*) as n from order_final`);
  const distinctRows = repeated
    ? await count(
        ctx,
        sql`select count(*) as n from (select distinct idkey, order_id, ts_local, ts_abs, amount, refunded, status, channel, store, coupon_code from ${stage}) d`,
      )
    : orders;
  const { inserted, updated } = await upsertOrders(ctx, false);
  await fillNames(ctx);
  const superseded = distinctRows - orders;
  return {
    inserted,
    updated: updated + superseded,
    unchanged: ctx.stagedRows - inserted - updated - superseded,
    guest: await countGuests(ctx),
    superseded_rows: ctx.stagedRows - orders,
  };
}

/**
 * Loads staged order lines. Every line is kept: two identical lines of one order are two lines (the
 * same item put in the cart twice), so the k-th identical line is its own line and a re-import of
 * the same file gives the same lines and changes nothing. An order's amount is the sum of its
 * lines; an order whose lines did not change is left alone. Counts are of orders, plus how many
 * lines repeated an earlier identical line of their order (`identical_lines`).
 */
export async function processOrderLines(ctx: StageContext): Promise<StageCounts> {
  const db = ctx.session.db;
  const ws = ctx.workspaceId;
  if (ctx.linesAhead) await fillAheadCustomers(ctx.session, ID_MAP);
  else await buildLinesFinal(ctx);
  const { inserted, updated } = await upsertOrders(ctx, true);
  await fillNames(ctx);
  await sql`
    insert into products (workspace_id, sku, name)
    ${
      ctx.linesAhead
        ? sql`select ${ws}, sku, name from ${sql.table(PRODUCTS_AHEAD)} order by sku`
        : sql`select distinct on (sku) ${ws}, sku, product_name from ${stage} where sku is not null
    order by sku, line desc`
    }
    on conflict (workspace_id, sku) do update set name = excluded.name
    where products.name is distinct from excluded.name and excluded.name is not null`.execute(db);
  const totals = await sql<{ orders: number; identical: number }>`
    select count(*)::int as orders, coalesce(sum(identical), 0)::int as identical from order_final`.execute(
    db,
  );
  const { orders = 0, identical = 0 } = totals.rows[0] ?? {};
  return {
    inserted,
    updated,
    unchanged: orders - inserted - updated,
    guest: await countGuests(ctx),
    identical_lines: identical,
  };
}

/** Each order of the staged lines, in one statement (see order-lines-ahead.ts for the ranged build). */
async function buildLinesFinal(ctx: StageContext): Promise<void> {
  const db = ctx.session.db;
  await sql`drop table if exists order_final`.execute(db);
  // The hash covers the order's lines as a multiset (sorted, repeats included): the same lines in
  // any file order are unchanged, one more or one fewer identical line is a change.
  await sql`
    create temp table order_final as
    select l.order_id, min(l.line) as line,
      (array_agg(m.customer_id order by l.line))[1] as customer_id,
      min(coalesce(l.ts_abs, l.ts_local at time zone ${ctx.timezone})) as ordered_at,
      sum(l.amount)::bigint as amount, 0::bigint as refunded,
      (array_agg(l.status order by l.line))[1] as status,
      (array_agg(l.channel order by l.line))[1] as channel,
      (array_agg(l.store order by l.line))[1] as store,
      null::text as coupon_code,
      md5(string_agg(concat_ws('|', l.sku, l.product_name, l.quantity::text, l.unit_price::text, l.amount::text), chr(10)
        order by l.sku, l.product_name, l.quantity, l.unit_price, l.line)) as lines_hash,
      count(*) - count(distinct (l.idkey, l.ts_local, l.ts_abs, l.sku, l.product_name, l.quantity, l.unit_price,
        l.amount, l.status, l.channel, l.store)) as identical
    from ${stage} l left join ${idMap} m on m.idkey = l.idkey
    group by l.order_id`.execute(db);
  await sql`analyze order_final`.execute(db);
}
