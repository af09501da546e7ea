import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../workspaces/workspace-settings.ts';
import { capScopes, type ReachSettings, reachRule, reachSettingsOf } from './reach-rules.ts';
import { type Candidate, decide, type GuardFacts } from './send-guards.ts';

// The resolution order, value by value: marketing channel+purpose > channel > purpose > workspace;
// transactional channel+purpose > purpose > none. Expected rules written out by hand.

const base: ReachSettings = {
  frequencyCap: 2,
  frequencyDays: 7,
  quietHours: { start: '21:00', end: '09:00' },
};
const with_ = (overrides: ReachSettings['overrides']): ReachSettings => ({ ...base, overrides });

describe('reachRule()', () => {
  it('falls back to the workspace for marketing, and to nothing for transactional', () => {
    expect(reachRule(base, 'email', 'marketing')).toEqual({
      cap: { key: '*|marketing|7', channel: null, purpose: 'marketing', days: 7, count: 2 },
      quietHours: { start: '21:00', end: '09:00' },
    });
    expect(reachRule(base, 'sms_aliyun', 'transactional')).toEqual({ cap: null, quietHours: null });
  });

  it('takes each value from the first level that sets it, on its own', () => {
    const s = with_({
      channels: {
        sms_aliyun: {
          cap: { count: 1, days: 30 },
          purposes: { marketing: { quiet_hours: { start: '20:00', end: '10:00' } } },
        },
      },
      purposes: { marketing: { cap: { count: 5, days: 14 }, quiet_hours: null } },
    });
    // The SMS cap from the channel, its quiet hours from channel+purpose.
    expect(reachRule(s, 'sms_aliyun', 'marketing')).toEqual({
      cap: {
        key: 'sms_aliyun|marketing|30',
        channel: 'sms_aliyun',
        purpose: 'marketing',
        days: 30,
        count: 1,
      },
      quietHours: { start: '20:00', end: '10:00' },
    });
    // Email has no row: the marketing purpose's values (quiet hours off), counted across channels.
    expect(reachRule(s, 'email', 'marketing')).toEqual({
      cap: { key: '*|marketing|14', channel: null, purpose: 'marketing', days: 14, count: 5 },
      quietHours: null,
    });
  });

  it('turns a value off with null, and a channel row never reaches transactional messages', () => {
    const s = with_({
      channels: {
        email: { cap: null, quiet_hours: null },
        sms_tencent: {
          cap: { count: 1, days: 7 },
          quiet_hours: { start: '22:00', end: '08:00' },
          purposes: { transactional: { quiet_hours: { start: '23:00', end: '07:00' } } },
        },
      },
      purposes: { transactional: { cap: { count: 10, days: 1 } } },
    });
    expect(reachRule(s, 'email', 'marketing')).toEqual({ cap: null, quietHours: null });
    expect(reachRule(s, 'sms_tencent', 'transactional')).toEqual({
      cap: { key: '*|transactional|1', channel: null, purpose: 'transactional', days: 1, count: 10 },
      quietHours: { start: '23:00', end: '07:00' },
    });
    expect(reachRule(s, 'email', 'transactional').quietHours).toBeNull();
  });

  it('reads only own keys: an inherited name such as constructor is no rule', () => {
    const s = with_({ channels: {}, purposes: {} });
    expect(reachRule(s, 'constructor', 'marketing').cap?.count).toBe(2);
    expect(reachRule(s, 'toString', 'transactional')).toEqual({ cap: null, quietHours: null });
  });

  it('lists each scope a cap counts once, beside the workspace own', () => {
    const s = with_({
      channels: { sms_aliyun: { cap: { count: 1, days: 30 } }, sms_tencent: { cap: { count: 1, days: 30 } } },
      purposes: { transactional: { cap: { count: 3, days: 1 } } },
    });
    expect(capScopes(s, ['email', 'sms_aliyun', 'sms_tencent']).map((x) => x.key)).toEqual([
      '*|transactional|1',
      'sms_aliyun|marketing|30',
      'sms_tencent|marketing|30',
    ]);
    expect(capScopes(base, ['email', 'sms_aliyun'])).toEqual([]);
  });

  it('reads the settings as stored, defaults filled in', () => {
    const m = SettingsSchema.parse({
      messaging: { channels: { sms_aliyun: { quiet_hours: { start: '20:00', end: '08:00' } } } },
    }).messaging;
    const s = reachSettingsOf(m);
    expect(reachRule(s, 'sms_aliyun', 'marketing').quietHours).toEqual({ start: '20:00', end: '08:00' });
    expect(reachRule(s, 'email', 'marketing').quietHours).toEqual({ start: '21:00', end: '09:00' });
  });
});

describe('the settings refuse bad overrides, naming the field', () => {
  const fails = (messaging: unknown) => {
    const r = SettingsSchema.safeParse({ messaging });
    return r.success ? null : r.error.issues.map((i) => i.path.join('.'));
  };
  it('refuses unknown channels, wrong types, huge values and extra keys', () => {
    expect(fails({ channels: { sms: { cap: { count: 1, days: 1 } } } })).toEqual(['messaging.channels']);
    expect(fails({ channels: { sms_aliyun: { quiet_hours: { start: '25:00', end: '08:00' } } } })).toEqual([
      'messaging.channels.sms_aliyun.quiet_hours.start',
    ]);
    expect(fails({ channels: { email: { cap: { count: 1e9, days: 1 } } } })).toEqual([
      'messaging.channels.email.cap.count',
    ]);
    expect(fails({ channels: { email: { cap: { count: '1', days: 0 } } } })).toEqual([
      'messaging.channels.email.cap.count',
      'messaging.channels.email.cap.days',
    ]);
    expect(fails({ purposes: { service: {} } })).toEqual(['messaging.purposes']);
    expect(fails({ channels: { email: { cap: null, extra: 1 } } })).toEqual(['messaging.channels.email']);
    // A __proto__ key is dropped, never a rule, and reaches no prototype.
    const parsed = SettingsSchema.parse({
      messaging: JSON.parse('{"channels": {"__proto__": {"cap": null}}}'),
    });
    expect(Object.keys(parsed.messaging.channels)).toEqual([]);
    expect(({} as Record<string, unknown>).cap).toBeUndefined();
    expect(fails({ channels: { webhook: { purposes: { marketing: { quiet_hours: 'x\u0000' } } } } })).toEqual(
      ['messaging.channels.webhook.purposes.marketing.quiet_hours'],
    );
  });
});

describe('decide() with a channel override', () => {
  const facts = (recent: Record<string, number>): GuardFacts => ({
    erased: false,
    zone: 'Asia/Shanghai',
    optOuts: [],
    email: 'a@example.com',
    phone: '+8613800000000',
    recentMarketing: 1,
    recent,
    lastOrderAt: null,
  });
  const sms: Candidate = {
    template: 's',
    channel: 'sms_aliyun',
    purpose: 'marketing',
    needs: 'phone',
    configured: true,
  };
  const mail: Candidate = {
    template: 'm',
    channel: 'email',
    purpose: 'marketing',
    needs: 'email',
    configured: true,
  };
  const s = {
    ...with_({ channels: { sms_aliyun: { cap: { count: 1, days: 7 }, quiet_hours: null } } }),
    channelPriority: ['sms_aliyun', 'email'],
  };
  const day = new Date('2026-03-20T02:00:00Z');
  const night = new Date('2026-03-20T14:00:00Z'); // 22:00 in Shanghai

  it('caps SMS by its own count and leaves email to the workspace cap', () => {
    expect(decide(facts({ 'sms_aliyun|marketing|7': 1 }), [sms], s, day, null)).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
    expect(decide(facts({ 'sms_aliyun|marketing|7': 0 }), [sms], s, day, null).kind).toBe('send');
    expect(decide(facts({ 'sms_aliyun|marketing|7': 1 }), [mail], s, day, null).kind).toBe('send');
  });

  it('defers only the channel with quiet hours', () => {
    expect(decide(facts({}), [sms], s, night, null).kind).toBe('send');
    expect(decide(facts({}), [mail], s, night, null)).toMatchObject({ kind: 'defer', reason: 'quiet_hours' });
  });
});
