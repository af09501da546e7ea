import type { WorkspaceSettings } from '../workspaces/index.ts';

/**
 * The reach rules of a message: which frequency cap and which quiet hours hold it back, for its
 * channel and purpose. One function ({@link reachRule}) used by the delivery guards, the journey
 * test run and the broadcast reach estimate, so all three decide alike.
 *
 * Each of the two values is resolved on its own, first found wins (a value left out of an
 * override falls back to the next; a null turns it off):
 *   marketing:      channel+purpose > channel > purpose > the workspace's values
 *   transactional:  channel+purpose > purpose > none (no cap, no quiet hours)
 * A channel's own values (like the workspace's) are about its marketing messages: order and
 * service notices are held back only by a value set for the transactional purpose.
 * A cap counts the messages of where it was set: the channel and purpose, the channel's marketing
 * messages, the purpose across channels, or (the workspace's) marketing across channels.
 */

/** The purposes a template carries. */
export type Purpose = 'marketing' | 'transactional';

type Quiet = { start: string; end: string };
interface Override {
  cap?: { count: number; days: number } | null;
  quiet_hours?: Quiet | null;
}

/** The workspace's reach settings as the guards read them (from `messaging` settings). */
export interface ReachSettings {
  frequencyCap: number;
  /** The workspace cap's window; 7 when left out. */
  frequencyDays?: number;
  quietHours: Quiet | null;
  /** Overrides by channel (and purpose within a channel) and by purpose. */
  overrides?: {
    channels?: Partial<Record<string, Override & { purposes?: Partial<Record<Purpose, Override>> }>>;
    purposes?: Partial<Record<Purpose, Override>>;
  };
}

/** What a cap counts: messages of a purpose, on one channel or all, sent in the last `days`. */
export interface CapScope {
  /** Names the scope: the same scope has the same key wherever it is resolved. */
  key: string;
  channel: string | null;
  purpose: Purpose;
  days: number;
}

/** A resolved cap: at most `count` messages in its scope. */
export interface Cap extends CapScope {
  count: number;
}

/** The rule that applies to a message of a channel and purpose. */
export interface ReachRule {
  cap: Cap | null;
  quietHours: Quiet | null;
}

/** The key of a scope. */
export function scopeKey(channel: string | null, purpose: Purpose, days: number): string {
  return `${channel ?? '*'}|${purpose}|${days}`;
}

/** The key of the workspace's own scope (marketing across channels in its window), counted as `recentMarketing`. */
export function workspaceScopeKey(s: ReachSettings): string {
  return scopeKey(null, 'marketing', s.frequencyDays ?? 7);
}

/**
 * The cap and quiet hours for a message on `channel` with `purpose`, by the order in the file's
 * comment.
 *
 * @example reachRule(settings, 'sms_aliyun', 'marketing').cap?.count
 */
export function reachRule(s: ReachSettings, channel: string, purpose: Purpose): ReachRule {
  const own = Object.hasOwn(s.overrides?.channels ?? {}, channel)
    ? s.overrides!.channels![channel]
    : undefined;
  const ownPurpose =
    own?.purposes && Object.hasOwn(own.purposes, purpose) ? own.purposes[purpose] : undefined;
  const byPurpose =
    s.overrides?.purposes && Object.hasOwn(s.overrides.purposes, purpose)
      ? s.overrides.purposes[purpose]
      : undefined;
  const workspace: Override =
    purpose === 'marketing'
      ? { cap: { count: s.frequencyCap, days: s.frequencyDays ?? 7 }, quiet_hours: s.quietHours }
      : { cap: null, quiet_hours: null };
  // Each level with the scope its cap counts; a channel's own values only for marketing.
  const levels: [Override | undefined, string | null][] = [
    [ownPurpose, channel],
    [purpose === 'marketing' ? own : undefined, channel],
    [byPurpose, null],
    [workspace, null],
  ];
  const capAt = levels.find(([o]) => o?.cap !== undefined)!;
  const quietAt = levels.find(([o]) => o?.quiet_hours !== undefined)!;
  const c = capAt[0]!.cap!;
  return {
    cap: c && {
      key: scopeKey(capAt[1], purpose, c.days),
      channel: capAt[1],
      purpose,
      days: c.days,
      count: c.count,
    },
    quietHours: quietAt[0]!.quiet_hours ?? null,
  };
}

/**
 * Every scope a cap of these settings may count, besides the workspace's own: what a delivery
 * round counts for its customers once, so no message needs a query of its own.
 */
export function capScopes(s: ReachSettings, channels: readonly string[]): CapScope[] {
  const scopes = new Map<string, CapScope>();
  for (const channel of channels)
    for (const purpose of ['marketing', 'transactional'] as const) {
      const cap = reachRule(s, channel, purpose).cap;
      if (cap && cap.key !== workspaceScopeKey(s))
        scopes.set(cap.key, { key: cap.key, channel: cap.channel, purpose, days: cap.days });
    }
  return [...scopes.values()];
}

/** Whether a message of `channel` and `purpose` counts in `scope`. */
export function countsIn(scope: CapScope, channel: string, purpose: string): boolean {
  return scope.purpose === purpose && (scope.channel === null || scope.channel === channel);
}

/** The guards' settings from a workspace's `messaging` settings. */
export function reachSettingsOf(m: WorkspaceSettings['messaging']): ReachSettings {
  return {
    frequencyCap: m.frequency_cap,
    frequencyDays: m.frequency_days,
    quietHours: m.quiet_hours,
    overrides: { channels: m.channels, purposes: m.purposes },
  };
}
