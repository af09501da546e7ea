/** Lifecycle stages of PRODUCT.md §3.4, in rule order. */
export const LIFECYCLE_STAGES = ['prospect', 'new', 'loyal', 'active', 'silent', 'lost'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const LIFECYCLE_NAMES_ZH: Record<LifecycleStage, string> = {
  prospect: '潜在客户',
  new: '新客户',
  loyal: '忠诚客户',
  active: '活跃客户',
  silent: '沉默客户',
  lost: '流失客户',
};

/** Workspace thresholds for lifecycle stages (defaults from PRODUCT.md §3.4). */
export interface LifecycleThresholds {
  new_days: number;
  active_days: number;
  silent_days: number;
  loyal_tenure_days: number;
  loyal_window_days: number;
  loyal_min_orders: number;
}

export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  new_days: 7,
  active_days: 30,
  silent_days: 90,
  loyal_tenure_days: 180,
  loyal_window_days: 180,
  loyal_min_orders: 3,
};

/**
 * The stage on an as-of date: the first rule that matches wins. `first`/`last` are days since
 * the first and last valid order (undefined: no valid order yet); `inWindow` counts valid orders
 * with days-since < loyal_window_days.
 */
export function lifecycleStage(
  first: number | undefined,
  last: number | undefined,
  inWindow: number,
  t: LifecycleThresholds = DEFAULT_LIFECYCLE,
): LifecycleStage {
  if (first === undefined || last === undefined) return 'prospect';
  if (first <= t.new_days) return 'new';
  if (last <= t.active_days && first >= t.loyal_tenure_days && inWindow >= t.loyal_min_orders) return 'loyal';
  if (last <= t.active_days) return 'active';
  if (last <= t.silent_days) return 'silent';
  return 'lost';
}
