import type { Database } from '../db/database.ts';
import { computeSegmentation, type Segmentation, type SegmentationOptions } from '../segments/index.ts';
import type { Workspace } from '../workspaces/index.ts';

const TTL_MS = 5 * 60_000;

/**
 * Keeps the latest segmentation per workspace and options for a few minutes, so the RFM summary,
 * grid and per-customer scores do not rescore every customer on each request. Writes through the
 * API clear their workspace's entries.
 */
export class SegmentationCache {
  private readonly entries = new Map<string, { at: number; value: Promise<Segmentation> }>();

  constructor(private readonly store: Database) {}

  /** The segmentation for these options, computed at most once per TTL. */
  get(workspace: Workspace, options: SegmentationOptions): Promise<Segmentation> {
    const key = `${workspace.id}|${options.asOf}|${options.windowDays ?? ''}|${options.split ?? ''}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = computeSegmentation(this.store, workspace, options);
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }

  /** Forgets a workspace's segmentations after its data changed. */
  clear(workspaceId: number): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${workspaceId}|`)) this.entries.delete(key);
  }
}
