import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { CopyBinaryWriter } from '../db/copy-binary-writer.ts';
import type { Session, StoreOrKysely } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { vacuumReplaced } from '../db/table-statistics.ts';
import type { Workspace } from '../workspaces/index.ts';
import {
  byteOrderRanks,
  countAssociations,
  type MeasuredAssociation,
  measureAssociations,
} from './association-count.ts';
import { greatestLineNames, hashMemory, type ItemLines, readItemLines } from './item-lines.ts';
import type { LineWorkers } from './line-workers.ts';
import { dateOfDay } from './purchase-summary.ts';

/** A pair seen fewer times than this (orders, or customers for `after`) is noise, not an association. */
export const MIN_PAIRS = 2;
/** Associations kept per product and kind, the strongest by confidence × lift: enough for a top-N. */
export const KEPT_PER_PRODUCT = 30;
/**
 * Orders of more products than this are left out of the `together` counts, and buyers of more
 * distinct products out of the `after` counts: a wholesale basket pairs everything with
 * everything, says little about taste, and its pairs grow with the square of its size (on Online
 * Retail the caps keep 91% of orders and 88% of buyers and cut the pairs to count from 52M to 9M).
 */
export const MAX_BASKET = 50;
export const MAX_BUYER_PRODUCTS = 100;

/** A product as the associations know it: its SKU, else its name on lines without one. */
export { ITEM } from './item-lines.ts';

/** What a refresh computed from: the as-of date, the valid orders and buyers, products and pairs. */
export interface AssociationRefresh {
  as_of: string;
  orders: number;
  customers: number;
  products: number;
  associations: number;
  source: 'daily' | 'manual';
  refreshed_at: string;
}

/** What a refresh is asked for: data up to the as-of date (a local date); who asked (null: the worker). */
export interface AssociationRequest {
  asOf: string;
  actor: Actor | null;
}

/** The stored rows of one refresh: products with display names, and associations. */
interface RefreshRows {
  products: { item: string; name: string; orders: number; customers: number; lastSold: number }[];
  associations: MeasuredAssociation[];
  items: readonly string[];
}

/**
 * Counts both kinds of association in-process from the valid orders' lines up to the as-of date
 * (see {@link countAssociations}, {@link measureAssociations}). `together`: over valid orders (of
 * at most {@link MAX_BASKET} products), support = orders with both ÷ orders, confidence = orders
 * with both ÷ orders with `item`, lift = confidence ÷ (orders with `other` ÷ orders). `after`: over
 * buyers (of at most {@link MAX_BUYER_PRODUCTS} products), a customer counts for (item → other)
 * when an order of theirs with `other` came after one with `item`; the measures as above with
 * buyers in place of orders. Keeps pairs seen {@link MIN_PAIRS} times, {@link KEPT_PER_PRODUCT} a
 * product and kind. Products are named by the catalogue, else the name on their lines.
 */
async function computeRefresh(
  db: Kysely<Schema>,
  ws: number,
  asOf: string,
  lines: ItemLines,
  workers?: LineWorkers,
) {
  const rules = { maxBasket: MAX_BASKET, maxBuyer: MAX_BUYER_PRODUCTS };
  const counts = workers ? await workers.count(lines, rules) : countAssociations(lines, rules);
  const rank = byteOrderRanks(lines.items);
  const associations = measureAssociations(counts, rank, { minPairs: MIN_PAIRS, kept: KEPT_PER_PRODUCT });
  // In about the primary key's order, so its index takes the rows mostly at its end.
  associations.sort(
    (x, y) =>
      rank[x.item]! - rank[y.item]! || x.kind.localeCompare(y.kind) || rank[x.other]! - rank[y.other]!,
  );
  const names = await displayNames(db, ws, asOf, lines.items);
  const t = counts.products;
  const products = lines.items.map((item, i) => ({
    item,
    name: names[i]!,
    orders: t.orders[i]!,
    customers: t.customers[i]!,
    lastSold: t.lastDay[i]!,
  }));
  const rows: RefreshRows = { products, associations, items: lines.items };
  return { rows, orders: counts.orders, customers: counts.customers };
}

/** What a refresh computed: the rows it stores and the orders and buyers counted. */
export type ComputedRefresh = Awaited<ReturnType<typeof computeRefresh>>;

/**
 * Each item's display name: the catalogue's, else the greatest (in the database's collation)
 * name on its lines in valid orders up to the as-of date, else the item itself. Only items the
 * catalogue does not name are looked up on the lines.
 */
async function displayNames(
  db: Kysely<Schema>,
  ws: number,
  asOf: string,
  items: string[],
): Promise<string[]> {
  const names = [...items];
  const catalogue = await sql<{ sku: string; name: string }>`
    select sku, name from products
    where workspace_id = ${ws} and name is not null and sku = any(${items}::text[])`.execute(db);
  const index = new Map(items.map((item, i) => [item, i]));
  const named = new Set<number>();
  for (const r of catalogue.rows) {
    names[index.get(r.sku)!] = r.name;
    named.add(index.get(r.sku)!);
  }
  const unnamed = items.filter((_, i) => !named.has(i));
  if (!unnamed.length) return names;
  for (const [item, name] of await greatestLineNames(db, ws, asOf, unnamed)) names[index.get(item)!] = name;
  return names;
}

/** Days from 1970-01-01 to 2000-01-01: the lines' dates count from the latter. */
const DAYS_1970_TO_2000 = 10_957;

/** The rows by binary COPY into both tables, inside the session's open transaction. */
async function writeByCopy(session: Session, ws: number, rows: RefreshRows): Promise<void> {
  const products = new CopyBinaryWriter(rows.products.length * 96 + 64);
  for (const p of rows.products) {
    products.row(6);
    products.int4(ws);
    products.text(p.item);
    products.text(p.name);
    products.int4(p.orders);
    products.int4(p.customers);
    products.date(p.lastSold + DAYS_1970_TO_2000);
  }
  const PRODUCT_COLUMNS = ['workspace_id', 'item', 'name', 'orders', 'customers', 'last_sold'];
  await session.copyIn('association_products', PRODUCT_COLUMNS, [products.bytes()], 'binary');
  const pairs = new CopyBinaryWriter(rows.associations.length * 96 + 64);
  for (const a of rows.associations) {
    pairs.row(8);
    pairs.int4(ws);
    pairs.text(rows.items[a.item]!);
    pairs.text(a.kind);
    pairs.text(rows.items[a.other]!);
    pairs.int4(a.pairs);
    pairs.float8(a.support);
    pairs.float8(a.confidence);
    pairs.float8(a.lift);
  }
  const PAIR_COLUMNS = ['workspace_id', 'item', 'kind', 'other', 'pairs', 'support', 'confidence', 'lift'];
  await session.copyIn('product_associations', PAIR_COLUMNS, [pairs.bytes()], 'binary');
}

/** The same by batched inserts (a bare Kysely, as some tests hold). */
async function writeBatched(db: Kysely<Schema>, ws: number, rows: RefreshRows): Promise<void> {
  const BATCH = 1000;
  for (let from = 0; from < rows.products.length; from += BATCH)
    await db
      .insertInto('association_products')
      .values(
        rows.products.slice(from, from + BATCH).map((p) => ({
          workspace_id: ws,
          item: p.item,
          name: p.name,
          orders: p.orders,
          customers: p.customers,
          last_sold: dateOfDay(p.lastSold + DAYS_1970_TO_2000),
        })),
      )
      .execute();
  for (let from = 0; from < rows.associations.length; from += BATCH)
    await db
      .insertInto('product_associations')
      .values(
        rows.associations.slice(from, from + BATCH).map((a) => ({
          workspace_id: ws,
          item: rows.items[a.item]!,
          kind: a.kind,
          other: rows.items[a.other]!,
          pairs: a.pairs,
          support: a.support,
          confidence: a.confidence,
          lift: a.lift,
        })),
      )
      .execute();
}

/**
 * Recomputes the workspace's product associations from its valid orders up to the as-of date and
 * replaces the stored ones in one transaction (with an audit row when a person asked), so reads
 * never see half a refresh.
 */
export async function refreshAssociations(
  store: StoreOrKysely,
  ws: Workspace,
  req: AssociationRequest,
): Promise<AssociationRefresh> {
  if (!('withSession' in store))
    return store.transaction().execute(async (trx) => {
      const lines = await readItemLines(trx, { workspaceId: ws.id, upTo: req.asOf, withOrders: true });
      const computed = await computeRefresh(trx, ws.id, req.asOf, lines);
      return storeRefresh(trx, ws, req, computed, (rows) => writeBatched(trx, ws.id, rows));
    });
  const refresh = await store.withSession((session) =>
    inTransaction(session, async () => {
      const lines = await readItemLines(session, {
        workspaceId: ws.id,
        upTo: req.asOf,
        withOrders: true,
        embedded: store.kind === 'pglite',
      });
      return (await refreshFromLines(session, ws, req, lines)).refresh;
    }),
  );
  await vacuumReplaced(store, REPLACED_TABLES);
  return refresh;
}

/** The tables every refresh replaces whole, for the embedded store to vacuum after it. */
export const REPLACED_TABLES = ['product_associations', 'association_products'];

/** `work` in one transaction of the session, with room to hash the order lines' join in memory. */
export async function inTransaction<T>(session: Session, work: () => Promise<T>): Promise<T> {
  await sql`begin`.execute(session.db);
  try {
    await hashMemory(session.db);
    const done = await work();
    await sql`commit`.execute(session.db);
    return done;
  } catch (error) {
    await sql`rollback`.execute(session.db).catch(() => {});
    throw error;
  }
}

/**
 * {@link refreshAssociations} from lines already read (with their orders, up to the as-of date),
 * inside the session's open transaction; with what it computed. `computedAll` is called before
 * the rows are stored; `workers` count on two cores.
 */
export async function refreshFromLines(
  session: Session,
  ws: { id: number },
  req: AssociationRequest,
  lines: ItemLines,
  computedAll: () => void = () => {},
  workers?: LineWorkers,
): Promise<{ refresh: AssociationRefresh; computed: ComputedRefresh }> {
  const computed = await computeRefresh(session.db, ws.id, req.asOf, lines, workers);
  computedAll();
  const refresh = await storeRefresh(session.db, ws, req, computed, (rows) =>
    writeByCopy(session, ws.id, rows),
  );
  return { refresh, computed };
}

/** Replaces the stored rows, records the refresh (and the audit row when a person asked). */
async function storeRefresh(
  trx: Kysely<Schema>,
  ws: { id: number },
  req: AssociationRequest,
  computed: ComputedRefresh,
  write: (rows: RefreshRows) => Promise<void>,
): Promise<AssociationRefresh> {
  for (const table of ['product_associations', 'association_products'] as const)
    await trx.deleteFrom(table).where('workspace_id', '=', ws.id).execute();
  await write(computed.rows);
  const c = {
    orders: computed.orders,
    customers: computed.customers,
    products: computed.rows.products.length,
    associations: computed.rows.associations.length,
  };
  const source = req.actor ? 'manual' : 'daily';
  const row = { as_of: req.asOf, ...c, source } as const;
  const stored = await trx
    .insertInto('association_refreshes')
    .values({ workspace_id: ws.id, ...row })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet((eb) => ({
        as_of: eb.ref('excluded.as_of'),
        orders: eb.ref('excluded.orders'),
        customers: eb.ref('excluded.customers'),
        products: eb.ref('excluded.products'),
        associations: eb.ref('excluded.associations'),
        source: eb.ref('excluded.source'),
        refreshed_at: eb.ref('excluded.refreshed_at'),
      })),
    )
    .returning('refreshed_at')
    .executeTakeFirstOrThrow();
  if (req.actor)
    await recordAudit(trx, ws.id, req.actor, {
      action: 'predict.associations',
      objectType: 'workspace',
      objectId: ws.id,
      detail: { ...row },
    });
  return { ...row, refreshed_at: stored.refreshed_at.toISOString() };
}

/** When the workspace's associations were last refreshed, or null before the first. */
export async function lastAssociationRefresh(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<AssociationRefresh | null> {
  const row = await db
    .selectFrom('association_refreshes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return null;
  const { workspace_id: _, refreshed_at, ...rest } = row;
  return { ...rest, refreshed_at: refreshed_at.toISOString() };
}

/** One stored association of a product, with the other product's display name. */
export interface AssociationView {
  kind: 'together' | 'after';
  item: string;
  name: string;
  pairs: number;
  support: number;
  confidence: number;
  lift: number;
}

/**
 * A product's stored associations (both kinds, or one), strongest first by confidence × lift,
 * ties by name; with the product's own display name (null when the product is unknown).
 */
export async function associationsOf(
  db: Kysely<Schema>,
  workspaceId: number,
  product: string,
  kind?: 'together' | 'after',
): Promise<{ name: string | null; associations: AssociationView[] }> {
  const own = await db
    .selectFrom('association_products')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('item', '=', product)
    .executeTakeFirst();
  const rows = await sql<AssociationView>`
    select a.kind, a.other as item, p.name, a.pairs, a.support, a.confidence, a.lift
    from product_associations a
    join association_products p on p.workspace_id = a.workspace_id and p.item = a.other
    where a.workspace_id = ${workspaceId} and a.item = ${product} ${kind ? sql`and a.kind = ${kind}` : sql``}
    order by a.confidence * a.lift desc, p.name collate "C", a.other collate "C"`.execute(db);
  return { name: own?.name ?? null, associations: rows.rows };
}
