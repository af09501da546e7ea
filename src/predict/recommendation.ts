import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { vacuumReplaced } from '../db/table-statistics.ts';
import { type LineSource, linesUpTo, readItemLines } from './item-lines.ts';
import { LineWorkers } from './line-workers.ts';
import {
  type AssociationRefresh,
  type AssociationRequest,
  inTransaction,
  REPLACED_TABLES,
  refreshFromLines,
} from './product-associations.ts';
import { dayNumber } from './purchase-summary.ts';
import {
  type AssociationIndex,
  associationIndex,
  readAssociationIndex,
  type ScoredColumns,
  type ScoreRules,
  scoreCustomers,
} from './recommend-score.ts';

/** Days before a customer's last order within which what they bought counts as bought recently. */
export const RECENT_DAYS = 90;
/**
 * A product not sold in this many days up to the workspace's last sale (as of the associations'
 * refresh) is taken as not sold any more: the catalogue has no "discontinued" flag.
 */
export const NOT_SOLD_DAYS = 180;
/** How many recommendations a customer gets unless asked for another number. */
export const DEFAULT_TOP = 10;

/** Up to this many customers, recommendFor reads only the associations of what they bought. */
const FEW_CUSTOMERS = 100;

/** A customer's products that seed their recommendations: the ones bought most recently. */
export const SEED_PRODUCTS = 50;

/** One recommended product for a customer, with the bought product that weighs most for it. */
export interface Recommendation {
  customer_id: number;
  rank: number;
  /** The product: its SKU, else its name on lines without one. */
  item: string;
  name: string;
  /** Σ confidence over the customer's products' associations (both kinds) that lead to it. */
  score: number;
  /** Display name of the customer's product whose association adds most to the score. */
  because: string;
}

/** Whose recommendations to read: some customers (or all), how many each, purchases up to a date. */
export interface RecommendQuery {
  customerIds?: readonly number[];
  top?: number;
  /** Only purchases on or before this local date count as the customer's (an offline split). */
  purchasesUpTo?: string;
}

/**
 * Each customer's top-N from the stored associations. A product's score is the sum of the
 * confidence of every association (same order, or a later order) leading to it from the
 * customer's {@link SEED_PRODUCTS} most recently bought products — the expected number of those
 * products' buyers' baskets it turns up in; ties by name. (Σ confidence × lift ranked rare
 * products first and hit less often on Online Retail: see README, benchmarks.) Left out: what
 * the customer bought in the {@link RECENT_DAYS} before their last order, and products not sold
 * any more ({@link NOT_SOLD_DAYS}). `because` is the bought product whose associations add most.
 * Scored in-process (see {@link scoreCustomers}); everyone's lines come by binary COPY when
 * `store` can. Empty before the first refresh.
 */
export async function recommendFor(
  store: LineSource,
  workspaceId: number,
  query: RecommendQuery = {},
): Promise<Recommendation[]> {
  const ids = query.customerIds;
  if (ids?.length === 0) return [];
  const db = 'copyOutBinary' in store ? store.db : store;
  const lines = await readItemLines(store, {
    workspaceId,
    upTo: query.purchasesUpTo,
    customerIds: ids,
    withOrders: false,
  });
  // A few customers (a profile, a message's variables) need only their own products'
  // associations, not the whole index (some 240,000 rows at a million customers).
  const few = ids !== undefined && ids.length <= FEW_CUSTOMERS;
  const ix = await readAssociationIndex(db, workspaceId, few ? lines.items : undefined);
  if (!ix) return [];
  return recommendations(scoreCustomers(lines, ix, scoreRules(query.top)), ix);
}

/** The rules of every customer's list (see {@link recommendFor}), `top` a customer. */
export function scoreRules(top = DEFAULT_TOP): ScoreRules {
  return { top, seeds: SEED_PRODUCTS, recentDays: RECENT_DAYS, notSoldDays: NOT_SOLD_DAYS };
}

/** The scored lists as recommendations, products and reasons by name. */
export function recommendations(scored: ScoredColumns, ix: AssociationIndex): Recommendation[] {
  return Array.from({ length: scored.n }, (_, i) => ({
    customer_id: scored.customer[i]!,
    rank: scored.rank[i]!,
    item: ix.items[scored.product[i]!]!,
    name: ix.names[scored.product[i]!]!,
    score: scored.score[i]!,
    because: ix.names[scored.because[i]!]!,
  }));
}

/**
 * The customer's top recommendation's name (see {@link recommendFor}), or null when nothing
 * qualifies (no purchases, nothing associated, or associations never refreshed).
 */
export async function topRecommendation(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<string | null> {
  const [first] = await recommendFor(db, workspaceId, { customerIds: [customerId], top: 1 });
  return first?.name ?? null;
}

/** `{{ recommendation }}` (the top name, when there is one) and `{{ recommendations }}` (the top names). */
export async function recommendationVariables(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<{ recommendation?: string; recommendations: string[] }> {
  const names = (await recommendFor(db, workspaceId, { customerIds: [customerId] })).map((r) => r.name);
  return { recommendation: names[0], recommendations: names };
}

/** Whether a template's text uses `{{ recommendation }}` or `{{ recommendations }}` (only those pay for the query). */
export function usesRecommendation(texts: Record<string, string>): boolean {
  return Object.values(texts).some((t) => /\brecommendations?\b/.test(t));
}

/** A recommendation as the CLI exports it; `customer_id` is the merchant's id (or ours). */
export type RecommendationExportRow = Omit<Recommendation, 'customer_id'> & { customer_id: string };

/** The recommendations with each customer's external id (or ours), in the same order. */
export async function withExternalIds(
  db: Kysely<Schema>,
  workspaceId: number,
  found: readonly Recommendation[],
): Promise<RecommendationExportRow[]> {
  const ids = [...new Set(found.map((r) => r.customer_id))];
  const refs = await sql<{ id: number; ref: string }>`
    select id::float8 as id, coalesce(external_id, id::text) as ref from customers
    where workspace_id = ${workspaceId} and id = any(${ids}::bigint[])`.execute(db);
  const byId = new Map(refs.rows.map((r) => [r.id, r.ref]));
  return found.map((r) => ({ ...r, customer_id: byId.get(r.customer_id) ?? String(r.customer_id) }));
}

/*
 * "Recommendations for everyone" as `retain recommend --refresh` asks for them: the associations
 * refreshed and every customer's top N from one read of the order lines, the lists scored from
 * the associations just computed rather than read back.
 */

/** The parts of the work, in order, for a caller that times them. */
export type EveryonePart =
  | 'read lines'
  | 'count pairs'
  | 'store associations'
  | 'score top N'
  | 'build lists';

/** Days from 1970-01-01 to 2000-01-01: the lines' dates count from the latter. */
const DAYS_1970_TO_2000 = 10_957;

/**
 * Refreshes the workspace's associations as of the request's date (see refreshAssociations) and
 * returns every customer's top `top` (see recommendFor: all their purchases count, as there).
 * The lines are read once, with every valid order: the associations count those up to the as-of
 * date. `onPart` is called as each part starts; counting and scoring use `given` threads (else
 * their own, see LineWorkers).
 */
export async function refreshAndRecommendAll(
  store: Database,
  ws: { id: number },
  req: AssociationRequest & { top?: number },
  onPart: (part: EveryonePart) => void = () => {},
  given?: LineWorkers,
): Promise<{ refresh: AssociationRefresh; recommendations: Recommendation[] }> {
  const workers = given ?? LineWorkers.start();
  try {
    const { lines, refresh, computed } = await store.withSession((session) =>
      inTransaction(session, async () => {
        onPart('read lines');
        const lines = await readItemLines(session, {
          workspaceId: ws.id,
          withOrders: true,
          embedded: store.kind === 'pglite',
        });
        onPart('count pairs');
        const counted = linesUpTo(lines, dayNumber(req.asOf) - DAYS_1970_TO_2000);
        const stored = () => onPart('store associations');
        const done = await refreshFromLines(session, ws, req, counted, stored, workers);
        return { lines, ...done };
      }),
    );
    await vacuumReplaced(store, REPLACED_TABLES);
    onPart('score top N');
    const { products, associations } = computed.rows;
    const ix = associationIndex(
      products.map((p) => ({ item: p.item, name: p.name, lastSold: p.lastSold })),
      associations,
    );
    const scored = await workers.score(lines, ix, scoreRules(req.top));
    onPart('build lists');
    return { refresh, recommendations: recommendations(scored, ix) };
  } finally {
    if (!given) await workers.close();
  }
}
