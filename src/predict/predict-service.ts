import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import type { PredictionFitsTable, Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import type { CountModelName, TimeUnit } from './count-model.ts';
import {
  type CustomerPrediction,
  type FitOutcome,
  fitModels,
  type Holdout,
  type PredictionColumns,
  scoreCustomers,
} from './predict-model.ts';
import { type PredictionBatch, writePredictionsBatched, writePredictionsByCopy } from './prediction-write.ts';
import { readPurchaseSummaries } from './purchase-summary.ts';

/** Minor units per major unit of a currency (100 for CNY and USD, 1 for JPY). */
export function minorPerMajor(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return 10 ** (digits ?? 2);
}

/** A stored fit as the CLI and API show it. */
export interface FitView {
  id: number;
  model: CountModelName;
  unit: TimeUnit;
  calibration_end: string;
  params: Record<string, number>;
  log_likelihood: number;
  spend: { p: number; q: number; gamma: number; log_likelihood: number } | null;
  customers: number;
  repeat_customers: number;
  repeat_purchases: number;
  triples: number;
  holdout: Holdout | null;
  source: 'daily' | 'manual';
  fitted_at: string;
}

const PARAM_ORDER: Record<CountModelName, string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  paretonbd: ['r', 'alpha', 's', 'beta'],
};

function viewOf(row: Selectable<PredictionFitsTable>): FitView {
  const spend = row.spend_params as { p: number; q: number; gamma: number } | null;
  return {
    id: Number(row.id),
    model: row.model,
    unit: row.unit,
    calibration_end: row.calibration_end,
    // jsonb keeps keys in its own order; the published order reads better.
    params: Object.fromEntries(PARAM_ORDER[row.model].map((k) => [k, row.params[k]!])),
    log_likelihood: row.log_likelihood,
    spend: spend ? { ...spend, log_likelihood: row.spend_log_likelihood ?? Number.NaN } : null,
    customers: row.customers,
    repeat_customers: row.repeat_customers,
    repeat_purchases: row.repeat_purchases,
    triples: row.triples,
    holdout: (row.holdout as Holdout | null) ?? null,
    source: row.source,
    fitted_at: row.fitted_at.toISOString(),
  };
}

async function insertFit(
  db: Kysely<Schema>,
  ws: Workspace,
  fit: FitOutcome,
  source: 'daily' | 'manual',
  createdBy: string,
): Promise<FitView> {
  const row = await db
    .insertInto('prediction_fits')
    .values({
      workspace_id: ws.id,
      model: fit.model.name,
      unit: fit.unit,
      calibration_end: fit.calibrationEnd,
      params: JSON.stringify(fit.model.params),
      log_likelihood: fit.model.logLikelihood,
      spend_params: fit.spend ? JSON.stringify(fit.spend.params) : null,
      spend_log_likelihood: fit.spend?.logLikelihood ?? null,
      customers: fit.customers,
      repeat_customers: fit.repeatCustomers,
      repeat_purchases: fit.repeatPurchases,
      triples: fit.triples,
      holdout: fit.holdout ? JSON.stringify(fit.holdout) : null,
      source,
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return viewOf(row);
}

/** What a fit is asked for; unset fields come from the workspace's prediction settings. */
export interface FitRequest {
  calibrationEnd: string;
  model?: CountModelName;
  unit?: TimeUnit;
}

/**
 * Fits the models on purchases up to the calibration end and checks them against every purchase
 * after it (per frequency bin), and stores the fit with an audit row; predictions stay as they are.
 */
export async function fitAndCheck(
  store: StoreOrKysely,
  ws: Workspace,
  actor: Actor,
  req: FitRequest,
): Promise<FitView> {
  const db = kyselyOf(store);
  const settings = readSettings(ws.settings).prediction;
  const summaries = await readPurchaseSummaries(store, ws.id, req.calibrationEnd, null);
  const fit = fitModels(summaries, {
    model: req.model ?? settings.model,
    unit: req.unit ?? settings.unit,
    minorPerMajor: minorPerMajor(ws.currency),
    holdoutEnd: summaries.lastPurchaseDate ?? undefined,
  });
  return db.transaction().execute(async (trx) => {
    const view = await insertFit(trx, ws, fit, 'manual', actor.label);
    await recordAudit(trx, ws.id, actor, {
      action: 'predict.fit',
      objectType: 'prediction_fit',
      objectId: view.id,
      detail: { model: view.model, unit: view.unit, calibration_end: view.calibration_end },
    });
    return view;
  });
}

/** What a refresh is asked for: the as-of date and, optionally, another CLV horizon. */
export interface RefreshRequest {
  asOf: string;
  horizonDays?: number;
  /** Who asked: null for the worker's daily run (no audit row). */
  actor: Actor | null;
}

/**
 * Fits the workspace's model on all purchases up to the as-of date, scores every customer with a
 * purchase, and replaces the stored predictions in one transaction (with the audit row when a
 * person asked). Returns the fit and how many customers were scored.
 */
export async function refreshPredictions(
  store: StoreOrKysely,
  ws: Workspace,
  req: RefreshRequest,
): Promise<{ fit: FitView; customers: number; horizonDays: number }> {
  const settings = readSettings(ws.settings).prediction;
  const minor = minorPerMajor(ws.currency);
  const summaries = await readPurchaseSummaries(store, ws.id, req.asOf);
  const fit = fitModels(summaries, { model: settings.model, unit: settings.unit, minorPerMajor: minor });
  const horizonDays = req.horizonDays ?? settings.horizon_days;
  const scores = scoreCustomers(summaries, fit, {
    horizonDays,
    monthlyDiscountRate: settings.monthly_discount_rate,
    margin: settings.margin,
    minorPerMajor: minor,
  });
  const view = await storePredictions(store, ws, fit, scores, { ...req, horizonDays });
  return { fit: view, customers: scores.length, horizonDays };
}

/**
 * Stores a fit and its scores in one transaction, with the audit row when a person asked: by COPY
 * on a store that can, else by batched statements.
 */
export async function storePredictions(
  store: StoreOrKysely,
  ws: Workspace,
  fit: FitOutcome,
  scores: PredictionColumns,
  req: RefreshRequest & { horizonDays: number },
): Promise<FitView> {
  const write = async (trx: Kysely<Schema>, rows: (batch: PredictionBatch) => Promise<void>) => {
    const stored = await insertFit(
      trx,
      ws,
      fit,
      req.actor ? 'manual' : 'daily',
      req.actor?.label ?? 'worker',
    );
    await rows({
      workspaceId: ws.id,
      fitId: stored.id,
      asOf: req.asOf,
      horizonDays: req.horizonDays,
      scores,
    });
    if (req.actor)
      await recordAudit(trx, ws.id, req.actor, {
        action: 'predict.refresh',
        objectType: 'prediction_fit',
        objectId: stored.id,
        detail: { as_of: req.asOf, customers: scores.length, horizon_days: req.horizonDays },
      });
    return stored;
  };
  if (!('withSession' in store))
    return store.transaction().execute((trx) => write(trx, (b) => writePredictionsBatched(trx, b)));
  return store.withSession(async (session) => {
    await sql`begin`.execute(session.db);
    try {
      const stored = await write(session.db, (b) => writePredictionsByCopy(session, b));
      await sql`commit`.execute(session.db);
      return stored;
    } catch (error) {
      await sql`rollback`.execute(session.db).catch(() => {});
      throw error;
    }
  });
}

/** The workspace's latest fit, or null before the first. */
export async function latestFit(db: Kysely<Schema>, workspaceId: number): Promise<FitView | null> {
  const row = await db
    .selectFrom('prediction_fits')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('fitted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? viewOf(row) : null;
}

/** A customer's stored prediction, with the date it was made as of and the CLV horizon. */
export type StoredPrediction = CustomerPrediction & { fit_id: number; as_of: string; horizon_days: number };

/** Reads a customer's stored prediction; not found when there is none (no purchase, or never refreshed). */
export async function customerPrediction(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<StoredPrediction> {
  const row = await db
    .selectFrom('customer_predictions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no prediction for customer ${customerId}`);
  return {
    customer_id: Number(row.customer_id),
    fit_id: Number(row.fit_id),
    as_of: row.as_of,
    horizon_days: row.horizon_days,
    p_alive: row.p_alive,
    expected_purchases_30d: row.expected_purchases_30d,
    expected_purchases_90d: row.expected_purchases_90d,
    expected_purchases_365d: row.expected_purchases_365d,
    expected_spend: row.expected_spend === null ? null : Number(row.expected_spend),
    predicted_clv: row.predicted_clv === null ? null : Number(row.predicted_clv),
    next_order_date: row.next_order_date,
  };
}

/** A stored prediction row as the CLI exports it; `customer_id` is the merchant's id (or ours). */
export type PredictionExportRow = Omit<CustomerPrediction, 'customer_id'> & { customer_id: string };

/** Every stored prediction of the workspace, with each customer's external id, in id order. */
export async function exportPredictions(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<PredictionExportRow[]> {
  const rows = await sql<PredictionExportRow>`
    select coalesce(c.external_id, c.id::text) as customer_id, p.p_alive, p.expected_purchases_30d,
      p.expected_purchases_90d, p.expected_purchases_365d, p.expected_spend::float8 as expected_spend,
      p.predicted_clv::float8 as predicted_clv, p.next_order_date::text as next_order_date
    from customer_predictions p join customers c on c.workspace_id = p.workspace_id and c.id = p.customer_id
    where p.workspace_id = ${workspaceId}
    order by p.customer_id`.execute(db);
  return rows.rows;
}
