/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Size of the first simplex's steps, per coordinate. */
  step?: number;
  maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this times max(1, |best value|). */
  tolerance?: number;
  /** ...and its points by less than this in every coordinate (default 1e-9). */
  xTolerance?: number;
}

/**
 * How a polish on all the data, after a search on a sample, stops: log-parameters to 1e-5 are
 * parameters to five significant digits (the published CDNOW figures have three or four), and the
 * log-likelihood to 1e-10 of itself; the last halvings of the simplex are the costly ones at a
 * million rows and change no prediction.
 */
export const POLISH: MinimizeOptions = { step: 0.05, xTolerance: 1e-5, tolerance: 1e-10 };

/** The best point found, its value and what it took. */
export interface Minimum {
  x: number[];
  value: number;
  evaluations: number;
}

/**
 * Nelder–Mead with the standard coefficients, restarted from its own result until a restart no
 * longer improves: a single run can stall on a ridge (BG/NBD's a and b move together), a fresh
 * simplex around the stall point gets it moving again. A NaN or infinite value counts as +∞, so
 * a function may refuse a region by returning NaN.
 */
export function minimize(
  f: (x: number[]) => number,
  start: number[],
  options: MinimizeOptions = {},
): Minimum {
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  // Relative: a log-likelihood of a million customers is ~10⁷, where 1e-10 absolute is below a double's resolution.
  const relative = options.tolerance ?? 1e-13;
  const tolerance = (value: number) => relative * Math.max(1, Math.abs(value));
  const xTolerance = options.xTolerance ?? 1e-9;
  let best = run(f, start, options.step ?? 0.5, tolerance, xTolerance, maxEvaluations);
  let evaluations = best.evaluations;
  for (let restart = 0; restart < 20 && evaluations < maxEvaluations; restart++) {
    const next = run(f, best.x, 0.05, tolerance, xTolerance, maxEvaluations - evaluations);
    evaluations += next.evaluations;
    const improved = best.value - next.value > tolerance(best.value);
    if (next.value < best.value) best = next;
    if (!improved) break;
  }
  return { ...best, evaluations };
}

function run(
  f: (x: number[]) => number,
  start: number[],
  step: number,
  tolerance: (value: number) => number,
  xTolerance: number,
  budget: number,
): Minimum {
  const n = start.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let points = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  let values = points.map(value);
  let evaluations = n + 1;
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i]! - ai));
  while (evaluations < budget) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    points = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    const spread = values[n]! - values[0]!;
    const size = Math.max(
      ...points.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - points[0]![i]!)))),
    );
    if (spread <= tolerance(values[0]!) && size <= xTolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (const p of points.slice(0, n)) for (let i = 0; i < n; i++) centroid[i]! += p[i]! / n;
    const worst = points[n]!;
    const reflected = combine(centroid, worst, -1);
    const fr = value(reflected);
    evaluations++;
    if (fr < values[0]!) {
      const expanded = combine(centroid, worst, -2);
      const fe = value(expanded);
      evaluations++;
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
    } else {
      const outside = fr < values[n]!;
      const contracted = combine(centroid, outside ? reflected : worst, 0.5);
      const fc = value(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[n]!)) [points[n], values[n]] = [contracted, fc];
      else {
        // Shrink towards the best point.
        for (let j = 1; j <= n; j++) {
          points[j] = combine(points[0]!, points[j]!, 0.5);
          values[j] = value(points[j]!);
        }
        evaluations += n;
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: points[bestIndex]!, value: values[bestIndex]!, evaluations };
}

/**
 * Whether log-parameters left e^±20: no data set has such parameters, and a search wandering
 * there (a handful of customers) only spends its time on series that barely converge.
 */
export function outOfRange(logParams: number[]): boolean {
  return logParams.some((v) => Math.abs(v) > 20);
}
