/** Two groups' conversions compared: difference, its 95% interval and a two-sided p-value. */
export interface ProportionComparison {
  /** Conversion of the first group minus the second's. */
  difference: number | null;
  /** 95% confidence interval of the difference (unpooled standard error). */
  ci95: [number, number] | null;
  /** Two-sided p-value of the two-proportion z-test (pooled standard error). */
  p_value: number | null;
  significant: boolean;
}

/**
 * The standard normal cumulative distribution, from the complementary error function of
 * Numerical Recipes (erfcc, fractional error below 1.2e-7 everywhere).
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * Compares conversions `x1 / n1` and `x2 / n2` (e.g. treated vs holdout). Null figures where a
 * group is empty or the pooled rate leaves no variance.
 *
 * @example compareProportions(120, 1000, 80, 1000) // difference 0.04, p ≈ 0.003
 */
export function compareProportions(x1: number, n1: number, x2: number, n2: number): ProportionComparison {
  if (n1 === 0 || n2 === 0) return { difference: null, ci95: null, p_value: null, significant: false };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const difference = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const p_value = sePooled === 0 ? null : 2 * (1 - normalCdf(Math.abs(difference) / sePooled));
  return {
    difference,
    ci95: [difference - 1.959964 * se, difference + 1.959964 * se],
    p_value,
    significant: p_value !== null && p_value < 0.05,
  };
}
