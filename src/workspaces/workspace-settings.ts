import { z } from 'zod';
import { DEFAULT_LIFECYCLE, type LifecycleThresholds } from '../segments/lifecycle-stage.ts';
import type { RfmSplit } from '../segments/rfm-score.ts';
import { InvalidInputError } from '../shared/errors.ts';

const days = z.number().int().min(0).max(36_500);
const SettingsSchema = z.object({
  rfm: z.object({ split: z.enum(['mean', 'score']).default('mean') }).default({ split: 'mean' }),
  lifecycle: z
    .object({
      new_days: days.default(DEFAULT_LIFECYCLE.new_days),
      active_days: days.default(DEFAULT_LIFECYCLE.active_days),
      silent_days: days.default(DEFAULT_LIFECYCLE.silent_days),
      loyal_tenure_days: days.default(DEFAULT_LIFECYCLE.loyal_tenure_days),
      loyal_window_days: days.default(DEFAULT_LIFECYCLE.loyal_window_days),
      loyal_min_orders: z.number().int().min(1).max(1000).default(DEFAULT_LIFECYCLE.loyal_min_orders),
    })
    .default(DEFAULT_LIFECYCLE),
});

/** A workspace's segmentation settings, with PRODUCT.md's defaults filled in. */
export interface WorkspaceSettings {
  rfm: { split: RfmSplit };
  lifecycle: LifecycleThresholds;
}

/** Reads the `settings` column; a clear error names the bad field. */
export function readSettings(raw: unknown): WorkspaceSettings {
  const parsed = SettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`workspace setting ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
