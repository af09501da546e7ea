import type { ChannelNeed } from '../channels/index.ts';
import { clockMinutes, isTimeZone, nextWallTime, wallClock } from '../shared/zoned-time.ts';
import { type Cap, type ReachRule, type ReachSettings, reachRule, workspaceScopeKey } from './reach-rules.ts';

/** What the guards know about a customer when a message is due. */
export interface GuardFacts {
  erased: boolean;
  /** The customer's zone (attribute `timezone`) or the workspace's. */
  zone: string;
  /** `channel:purpose` pairs the customer opted out of (`all` matches any). */
  optOuts: string[];
  email: string | null;
  phone: string | null;
  wechat_openid?: string | null;
  wecom_external_userid?: string | null;
  /** The customer's owner (a staff member), and their WeCom userid: the sender on WeCom. */
  ownerUserId?: number | null;
  wecomSender?: string | null;
  /** Marketing messages sent to the customer in the workspace cap's rolling window, across channels. */
  recentMarketing: number;
  /** Messages sent in the other scopes the reach rules' caps count, by scope key (reach-rules.ts). */
  recent?: Record<string, number>;
  lastOrderAt: Date | null;
}

/** One candidate for a message: a template on a channel. */
export interface Candidate {
  template: string;
  channel: string;
  purpose: 'marketing' | 'transactional';
  /** What the channel needs: `email`, `phone`, …, or nothing (a fixed endpoint). */
  needs: ChannelNeed | null;
  configured: boolean;
}

/** The guard settings of a workspace: the reach rules (the workspace's cap, quiet hours as `HH:MM` local times or null, overrides). */
export interface GuardSettings extends ReachSettings {
  /** Channels in the order a message prefers them. */
  channelPriority: readonly string[];
}

/** What to do with a due message. */
export type GuardDecision =
  | { kind: 'send'; candidate: Candidate; to: string | null }
  | { kind: 'skip'; reason: string }
  | { kind: 'defer'; until: Date; reason: 'quiet_hours' };

function inQuiet(minutes: number, start: number, end: number): boolean {
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** How many messages the customer was sent in a cap's scope, as the facts count them. */
export function sentInScope(facts: GuardFacts, cap: Cap, settings: ReachSettings): number {
  if (facts.recent && Object.hasOwn(facts.recent, cap.key)) return facts.recent[cap.key]!;
  return cap.key === workspaceScopeKey(settings) ? facts.recentMarketing : 0;
}

/** The reach rule's cap or quiet hours, if either holds the message back now. */
function heldBack(
  facts: GuardFacts,
  rule: ReachRule,
  settings: ReachSettings,
  now: Date,
): GuardDecision | null {
  if (rule.cap && sentInScope(facts, rule.cap, settings) >= rule.cap.count)
    return { kind: 'skip', reason: 'frequency_cap' };
  if (rule.quietHours) {
    const zone = isTimeZone(facts.zone) ? facts.zone : 'UTC';
    const start = clockMinutes(rule.quietHours.start);
    const end = clockMinutes(rule.quietHours.end);
    if (inQuiet(wallClock(now, zone).minutes, start, end))
      return { kind: 'defer', until: nextWallTime(now, zone, end), reason: 'quiet_hours' };
  }
  return null;
}

/**
 * Decides a due message, with the guards in their order: consent for the channel and purpose,
 * the frequency cap, quiet hours in the customer's zone (deferred to their end, not dropped),
 * channel priority (the first channel the customer can receive on: one message per purpose), and
 * suppression when the customer bought since the step was scheduled. The cap and quiet hours are
 * the reach rule of the channel chosen and the purpose ({@link reachRule}); when no channel can
 * carry it, those of the first channel allowed, so a capped customer reads as capped.
 */
export function decide(
  facts: GuardFacts,
  candidates: readonly Candidate[],
  settings: GuardSettings,
  now: Date,
  skipIfOrderedSince: Date | null,
): GuardDecision {
  if (facts.erased) return { kind: 'skip', reason: 'erased' };
  const purpose = candidates[0]!.purpose;
  const allowed = candidates.filter(
    (c) =>
      !facts.optOuts.some((o) =>
        [`${c.channel}:${c.purpose}`, `all:${c.purpose}`, `${c.channel}:all`, 'all:all'].includes(o),
      ),
  );
  if (allowed.length === 0) return { kind: 'skip', reason: 'opted_out' };
  const rank = (c: Candidate) => {
    const i = settings.channelPriority.indexOf(c.channel);
    return i === -1 ? settings.channelPriority.length : i;
  };
  const ordered = allowed.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i);
  // The reason of the first candidate that could not carry it, when none can.
  let missing: string | null = null;
  let chosen: { candidate: Candidate; to: string | null } | null = null;
  for (const { c } of ordered) {
    const to = c.needs === null ? null : (facts[c.needs] ?? null);
    if (!c.configured) missing ??= `no_channel:${c.channel}`;
    else if (c.needs !== null && !to) missing ??= `no_${c.needs}`;
    // WeCom reaches a customer only through the staff member who owns them.
    else if (c.needs === 'wecom_external_userid' && !facts.wecomSender)
      missing ??= facts.ownerUserId == null ? 'no_owner' : 'no_owner_wecom_userid';
    else {
      chosen = { candidate: c, to };
      break;
    }
  }
  const rule = reachRule(settings, (chosen?.candidate ?? ordered[0]!.c).channel, purpose);
  const held = heldBack(facts, rule, settings, now);
  if (held) return held;
  if (!chosen) return { kind: 'skip', reason: missing ?? 'no_channel' };
  if (skipIfOrderedSince && facts.lastOrderAt && facts.lastOrderAt > skipIfOrderedSince)
    return { kind: 'skip', reason: 'ordered_since' };
  return { kind: 'send', ...chosen };
}
