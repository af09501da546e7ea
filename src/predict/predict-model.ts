import { InvalidInputError } from '../shared/errors.ts';
import {
  type CountModel,
  type CountModelName,
  fitCountModel,
  type TimeUnit,
  UNIT_DAYS,
} from './count-model.ts';
import { fitGammaGamma, type GammaGammaParams, gammaGammaExpectedSpend } from './gamma-gamma.ts';
import { dateOfDay, type PurchaseSummaries } from './purchase-summary.ts';
import { summarySpend, summaryTriples, tripleIndex } from './summary-compress.ts';

/** Expected vs actual purchases after the calibration end, for customers of one frequency bin. */
export interface HoldoutBin {
  /** Repeat purchases in calibration: "0" … "6", "7+". */
  x: string;
  customers: number;
  actual: number;
  expected: number;
}

/** The calibration/holdout comparison: a fit's check against what happened next. */
export interface Holdout {
  end: string;
  days: number;
  actual: number;
  expected: number;
  bins: HoldoutBin[];
}

/** A fit: the count model, the spend model, and the figures that describe the data. */
export interface FitOutcome {
  model: CountModel;
  unit: TimeUnit;
  calibrationEnd: string;
  spend: { params: GammaGammaParams; logLikelihood: number } | null;
  customers: number;
  repeatCustomers: number;
  repeatPurchases: number;
  triples: number;
  holdout: Holdout | null;
}

/** (x, t_x, T) of customer i in model units. */
function summaryOf(s: PurchaseSummaries, i: number, unit: number) {
  return {
    x: s.days[i]! - 1,
    tx: (s.lastDay[i]! - s.firstDay[i]!) / unit,
    T: (s.endDay - s.firstDay[i]!) / unit,
  };
}

/**
 * Fits the count and spend models on the customers' purchases up to the calibration end, and,
 * when the summaries reach past it, compares each frequency bin's expected purchases after it
 * with the actual ones. `minorPerMajor` puts spend in major units (γ in yuan, as published in dollars).
 */
export function fitModels(
  s: PurchaseSummaries,
  options: { model: CountModelName; unit: TimeUnit; minorPerMajor: number; holdoutEnd?: string },
): FitOutcome {
  const unit = UNIT_DAYS[options.unit];
  const n = s.customerId.length;
  let repeatCustomers = 0;
  let repeatPurchases = 0;
  for (let i = 0; i < n; i++) {
    const x = s.days[i]! - 1;
    if (x > 0) repeatCustomers++;
    repeatPurchases += x;
  }
  if (n < 2 || repeatCustomers < 1)
    throw new InvalidInputError(
      `not enough purchases to fit a model: ${n} customers, ${repeatCustomers} with a repeat purchase by ${dateOfDay(s.endDay)}`,
    );
  const triples = summaryTriples(s, unit);
  const model = fitCountModel(options.model, triples);
  const spendRows = summarySpend(s, options.minorPerMajor);
  let spend: FitOutcome['spend'] = null;
  if (spendRows.length >= 2) {
    const fit = fitGammaGamma(spendRows);
    // q ≤ 1 leaves the population's mean spend infinite: no usable spend model.
    if (fit.params.q > 1 && Number.isFinite(fit.logLikelihood)) spend = fit;
  }
  let holdout: Holdout | null = null;
  const holdoutEnd = options.holdoutEnd;
  if (holdoutEnd && holdoutEnd > dateOfDay(s.endDay)) {
    const days = Math.round((Date.parse(holdoutEnd) - Date.parse(dateOfDay(s.endDay))) / 86_400_000);
    const bins = Array.from({ length: 8 }, (_, k) => ({
      x: k === 7 ? '7+' : String(k),
      customers: 0,
      actual: 0,
      expected: 0,
    }));
    for (let i = 0; i < n; i++) {
      const r = summaryOf(s, i, unit);
      const bin = bins[Math.min(r.x, 7)]!;
      bin.customers++;
      bin.actual += s.holdoutDays[i]!;
      bin.expected += model.expected(days / unit, r.x, r.tx, r.T);
    }
    holdout = {
      end: holdoutEnd,
      days,
      actual: bins.reduce((t, b) => t + b.actual, 0),
      expected: bins.reduce((t, b) => t + b.expected, 0),
      bins,
    };
  }
  return {
    model,
    unit: options.unit,
    calibrationEnd: dateOfDay(s.endDay),
    spend,
    customers: n,
    repeatCustomers,
    repeatPurchases,
    triples: triples.length,
    holdout,
  };
}

/** One customer's prediction; money in minor units. */
export interface CustomerPrediction {
  customer_id: number;
  p_alive: number;
  expected_purchases_30d: number;
  expected_purchases_90d: number;
  expected_purchases_365d: number;
  expected_spend: number | null;
  predicted_clv: number | null;
  next_order_date: string | null;
}

/** How CLV is valued: the horizon, the monthly discount rate and the margin share. */
export interface ClvTerms {
  horizonDays: number;
  monthlyDiscountRate: number;
  margin: number;
  minorPerMajor: number;
}

// A next order further away than this is no date a person can plan with.
const MAX_NEXT_ORDER_DAYS = 3650;

/** Every customer's prediction as columns (NaN where a value is null), in the summaries' order. */
export interface PredictionColumns {
  length: number;
  customerId: Float64Array;
  pAlive: Float64Array;
  expected30: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  /** Minor units, rounded. */
  expectedSpend: Float64Array;
  predictedClv: Float64Array;
  /** Day number (days since 1970-01-01) of the expected next order. */
  nextOrderDay: Float64Array;
}

/**
 * Scores every customer of the summaries (taken at the as-of date) with a fit: P(alive), expected
 * purchases in 30/90/365 days, expected spend per purchase (Gamma-Gamma; the customer's own mean
 * when there is no spend model), CLV as the month-by-month expected purchases × spend × margin,
 * discounted per month, and the next order's expected date if the customer is still active (the
 * mean wait 1/E[λ | alive] = (α + T)/(r + x), from the as-of date since purchases are memoryless).
 * Written into typed columns: a million customers make no object each.
 */
export function scoreCustomers(s: PurchaseSummaries, fit: FitOutcome, terms: ClvTerms): PredictionColumns {
  const n = s.customerId.length;
  const column = () => new Float64Array(n);
  const out: PredictionColumns = {
    length: n,
    customerId: Float64Array.from(s.customerId),
    pAlive: column(),
    expected30: column(),
    expected90: column(),
    expected365: column(),
    expectedSpend: column(),
    predictedClv: column(),
    nextOrderDay: column(),
  };
  const index = tripleIndex(s);
  const t = scoreTriples(s, fit, terms, index.first);
  for (let i = 0; i < n; i++) {
    const k = index.of[i]!;
    const x = s.days[i]! - 1;
    out.pAlive[i] = t.pAlive[k]!;
    out.expected30[i] = t.expected30[k]!;
    out.expected90[i] = t.expected90[k]!;
    out.expected365[i] = t.expected365[k]!;
    out.nextOrderDay[i] = t.nextOrderDay[k]!;
    const zbar = x > 0 ? s.repeatNet[i]! / x / terms.minorPerMajor : 0;
    const spendMajor = fit.spend
      ? gammaGammaExpectedSpend(fit.spend.params, x, zbar)
      : x > 0
        ? zbar
        : Number.NaN;
    const spend = Number.isFinite(spendMajor) ? spendMajor * terms.minorPerMajor : Number.NaN;
    out.expectedSpend[i] = Math.round(spend);
    let clv = Number.NaN;
    if (!Number.isNaN(spend)) {
      clv = Math.round(t.discounted[k]! * spend * terms.margin);
      if (!Number.isFinite(clv)) clv = Number.NaN;
    }
    out.predictedClv[i] = clv;
  }
  return out;
}

/** What customers of one (x, t_x, T) share: everything but spend, with the discounted purchases CLV multiplies. */
interface TripleScores {
  pAlive: Float64Array;
  expected30: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  /** Σ over the CLV horizon's months of that month's expected purchases, discounted. */
  discounted: Float64Array;
  nextOrderDay: Float64Array;
}

/**
 * Scores each distinct (x, t_x, T), given by a customer who has it (`first`). E[X(t)] =
 * P(alive | x, t_x, T) × E[X(t) | alive, x, T]: P(alive) is taken once per triple and the
 * expectations (a ₂F₁ series each) once per (x, T), which far fewer customers tell apart.
 */
function scoreTriples(s: PurchaseSummaries, fit: FitOutcome, terms: ClvTerms, first: number[]): TripleScores {
  const unit = UNIT_DAYS[fit.unit];
  const { model } = fit;
  const months = Math.ceil(terms.horizonDays / 30);
  // The distinct horizons in days: 30, 90 and 365 and each month's end up to the CLV horizon.
  const horizons = [
    ...new Set([
      30,
      90,
      365,
      ...Array.from({ length: months }, (_, k) => Math.min(30 * (k + 1), terms.horizonDays)),
    ]),
  ];
  const at30 = horizons.indexOf(30);
  const at90 = horizons.indexOf(90);
  const at365 = horizons.indexOf(365);
  const atMonth = Array.from({ length: months }, (_, k) =>
    horizons.indexOf(Math.min(30 * (k + 1), terms.horizonDays)),
  );
  const discount = Array.from({ length: months }, (_, k) => 1 / (1 + terms.monthlyDiscountRate) ** (k + 1));
  const m = first.length;
  const column = () => new Float64Array(m);
  const out: TripleScores = {
    pAlive: column(),
    expected30: column(),
    expected90: column(),
    expected365: column(),
    discounted: column(),
    nextOrderDay: column(),
  };
  const ifAlive = new Map<number, Float64Array>();
  const values = new Float64Array(horizons.length);
  const { alpha, r } = model.params as { alpha: number; r: number };
  for (let k = 0; k < m; k++) {
    const i = first[k]!;
    const x = s.days[i]! - 1;
    const tDays = s.endDay - s.firstDay[i]!;
    const tx = (s.lastDay[i]! - s.firstDay[i]!) / unit;
    const T = tDays / unit;
    // Exact integer keys: days since the first purchase (< 2²¹) and x.
    const pair = x * 2_097_152 + tDays;
    let perT = ifAlive.get(pair);
    if (!perT) {
      perT = Float64Array.from(horizons, (days) => model.expectedIfAlive(days / unit, x, T));
      ifAlive.set(pair, perT);
    }
    const p = model.pAlive(x, tx, T);
    let finite = Number.isFinite(p);
    for (let h = 0; h < horizons.length; h++) {
      let v = p * perT[h]!;
      // Where the series stalled, the model's own expectation (its quadrature).
      if (!Number.isFinite(v)) v = model.expected(horizons[h]! / unit, x, tx, T);
      values[h] = v;
      finite &&= Number.isFinite(v);
    }
    if (!finite)
      throw new InvalidInputError(
        `the ${model.name} fit gives no finite prediction for a customer with x = ${x}, t_x = ${tx}, T = ${T}`,
      );
    out.pAlive[k] = p;
    out.expected30[k] = values[at30]!;
    out.expected90[k] = values[at90]!;
    out.expected365[k] = values[at365]!;
    let discounted = 0;
    let before = 0;
    for (let month = 0; month < months; month++) {
      const now = values[atMonth[month]!]!;
      discounted += (now - before) * discount[month]!;
      before = now;
    }
    out.discounted[k] = discounted;
    const wait = (unit * (alpha + T)) / (r + x);
    out.nextOrderDay[k] = wait <= MAX_NEXT_ORDER_DAYS ? s.endDay + Math.ceil(wait) : Number.NaN;
  }
  return out;
}
