import { describe, expect, it } from 'vitest';
import { type Candidate, decide, type GuardFacts, type GuardSettings } from './send-guards.ts';

// Unit tests of the guards, in their documented order: consent → frequency cap → quiet hours
// (deferred) → channel priority → purchase suppression. Expected instants are computed by hand.

const facts = (over: Partial<GuardFacts> = {}): GuardFacts => ({
  erased: false,
  zone: 'Asia/Shanghai',
  optOuts: [],
  email: 'a@example.com',
  phone: '+8613800000000',
  wechat_openid: null,
  recentMarketing: 0,
  lastOrderAt: null,
  ...over,
});

const email = (purpose: Candidate['purpose'] = 'marketing', configured = true): Candidate => ({
  template: `mail-${purpose}`,
  channel: 'email',
  purpose,
  needs: 'email',
  configured,
});
const sms = (purpose: Candidate['purpose'] = 'marketing', configured = true): Candidate => ({
  template: `sms-${purpose}`,
  channel: 'sms_tencent',
  purpose,
  needs: 'phone',
  configured,
});
const hook = (purpose: Candidate['purpose'] = 'marketing', configured = true): Candidate => ({
  template: `hook-${purpose}`,
  channel: 'webhook',
  purpose,
  needs: null,
  configured,
});

const settings: GuardSettings = {
  frequencyCap: 2,
  quietHours: { start: '21:00', end: '09:00' },
  channelPriority: ['wecom_robot', 'sms_aliyun', 'sms_tencent', 'email', 'webhook'],
};
// 10:00 in Shanghai (02:00 UTC): outside quiet hours.
const DAY = new Date('2026-03-20T02:00:00Z');

describe('decide(): consent', () => {
  it('skips an erased customer before anything else', () => {
    expect(decide(facts({ erased: true }), [email()], settings, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'erased',
    });
  });

  it('honours opt-outs per channel and purpose, with `all` on either side', () => {
    const optedOut = (optOuts: string[], c: Candidate[]) =>
      decide(facts({ optOuts }), c, settings, DAY, null);
    expect(optedOut(['email:marketing'], [email()])).toEqual({ kind: 'skip', reason: 'opted_out' });
    expect(optedOut(['all:marketing'], [email(), sms(), hook()])).toEqual({
      kind: 'skip',
      reason: 'opted_out',
    });
    expect(optedOut(['email:all'], [email('transactional')])).toEqual({ kind: 'skip', reason: 'opted_out' });
    expect(optedOut(['all:all'], [hook('transactional')])).toEqual({ kind: 'skip', reason: 'opted_out' });
    // Opting out of marketing mail leaves transactional mail, and another channel's marketing.
    expect(optedOut(['email:marketing'], [email('transactional')])).toMatchObject({
      kind: 'send',
      candidate: { channel: 'email' },
    });
    expect(optedOut(['email:marketing'], [email(), hook()])).toMatchObject({
      kind: 'send',
      candidate: { channel: 'webhook' },
      to: null,
    });
    // An opt-out of transactional messages does not stop marketing.
    expect(optedOut(['email:transactional', 'all:transactional'], [email()])).toMatchObject({ kind: 'send' });
  });

  it('checks consent before the cap, the cap before quiet hours', () => {
    const night = new Date('2026-03-20T14:00:00Z'); // 22:00 in Shanghai
    const full = facts({ optOuts: ['email:marketing'], recentMarketing: 5 });
    expect(decide(full, [email()], settings, night, null)).toEqual({ kind: 'skip', reason: 'opted_out' });
    expect(decide(facts({ recentMarketing: 2 }), [email()], settings, night, null)).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
  });
});

describe('decide(): frequency cap', () => {
  it('stops the marketing message that would exceed the cap, and only marketing', () => {
    expect(decide(facts({ recentMarketing: 1 }), [email()], settings, DAY, null).kind).toBe('send');
    expect(decide(facts({ recentMarketing: 2 }), [email()], settings, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
    expect(decide(facts({ recentMarketing: 9 }), [email('transactional')], settings, DAY, null).kind).toBe(
      'send',
    );
    // A cap of 0 sends no marketing at all.
    expect(decide(facts(), [email()], { ...settings, frequencyCap: 0 }, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
  });
});

describe('decide(): quiet hours in the customer’s zone', () => {
  const at = (iso: string, zone = 'Asia/Shanghai', c: Candidate[] = [email()]) =>
    decide(facts({ zone }), c, settings, new Date(iso), null);

  it('defers marketing at 22:00 in Shanghai to 09:00 the next morning', () => {
    expect(at('2026-03-20T22:00:00+08:00')).toEqual({
      kind: 'defer',
      until: new Date('2026-03-21T01:00:00Z'),
      reason: 'quiet_hours',
    });
  });

  it('defers after midnight to 09:00 the same day, and treats the bounds as [start, end)', () => {
    expect(at('2026-03-21T03:30:00+08:00')).toEqual({
      kind: 'defer',
      until: new Date('2026-03-21T01:00:00Z'),
      reason: 'quiet_hours',
    });
    expect(at('2026-03-21T08:59:00+08:00').kind).toBe('defer');
    expect(at('2026-03-21T09:00:00+08:00').kind).toBe('send');
    expect(at('2026-03-20T20:59:00+08:00').kind).toBe('send');
    expect(at('2026-03-20T21:00:00+08:00').kind).toBe('defer');
  });

  it('uses the customer’s own zone, not the workspace’s', () => {
    // 22:00 in Shanghai is 10:00 in New York (EDT, UTC−4, since 8 March 2026): send.
    expect(at('2026-03-20T22:00:00+08:00', 'America/New_York').kind).toBe('send');
    // 10:00 in Shanghai is 22:00 the day before in New York: wait for 09:00 EDT = 13:00 UTC.
    expect(at('2026-03-21T10:00:00+08:00', 'America/New_York')).toEqual({
      kind: 'defer',
      until: new Date('2026-03-21T13:00:00Z'),
      reason: 'quiet_hours',
    });
  });

  it('ends quiet hours at 09:00 local across a daylight-saving change', () => {
    // 23:00 EST on 7 March 2026 (04:00 UTC on the 8th); clocks go forward at 02:00, so 09:00 is EDT.
    expect(at('2026-03-08T04:00:00Z', 'America/New_York')).toEqual({
      kind: 'defer',
      until: new Date('2026-03-08T13:00:00Z'),
      reason: 'quiet_hours',
    });
  });

  it('never holds transactional messages, nor anything when quiet hours are off', () => {
    expect(at('2026-03-20T23:00:00+08:00', 'Asia/Shanghai', [email('transactional')]).kind).toBe('send');
    expect(
      decide(
        facts(),
        [email()],
        { ...settings, quietHours: null },
        new Date('2026-03-20T23:00:00+08:00'),
        null,
      ).kind,
    ).toBe('send');
  });

  it('supports quiet hours that do not cross midnight', () => {
    const lunch = { ...settings, quietHours: { start: '12:00', end: '14:00' } };
    expect(decide(facts(), [email()], lunch, new Date('2026-03-20T12:30:00+08:00'), null)).toEqual({
      kind: 'defer',
      until: new Date('2026-03-20T06:00:00Z'),
      reason: 'quiet_hours',
    });
    expect(decide(facts(), [email()], lunch, new Date('2026-03-20T23:00:00+08:00'), null).kind).toBe('send');
  });

  it('defers before choosing a channel: a customer without an address is still deferred at night', () => {
    const night = new Date('2026-03-20T22:00:00+08:00');
    expect(decide(facts({ email: null }), [email()], settings, night, null).kind).toBe('defer');
  });
});

describe('decide(): channel priority', () => {
  it('takes the first channel in the workspace’s priority the customer can receive on', () => {
    // The step lists email first, but the workspace prefers SMS.
    expect(decide(facts(), [email(), sms()], settings, DAY, null)).toEqual({
      kind: 'send',
      candidate: sms(),
      to: '+8613800000000',
    });
    expect(decide(facts({ phone: null }), [email(), sms()], settings, DAY, null)).toEqual({
      kind: 'send',
      candidate: email(),
      to: 'a@example.com',
    });
  });

  it('falls back to the webhook for a customer without email', () => {
    expect(decide(facts({ email: null }), [email(), hook()], settings, DAY, null)).toEqual({
      kind: 'send',
      candidate: hook(),
      to: null,
    });
  });

  it('puts channels missing from the priority list last, in the step’s order', () => {
    const odd: Candidate = { ...hook(), channel: 'carrier_pigeon', template: 'p' };
    const only = { ...settings, channelPriority: ['email'] };
    expect(decide(facts(), [odd, email()], only, DAY, null)).toMatchObject({
      candidate: { channel: 'email' },
    });
    expect(decide(facts({ email: null }), [odd, email()], only, DAY, null)).toMatchObject({
      candidate: { channel: 'carrier_pigeon' },
    });
  });

  it('names the first missing channel or address when none can carry it', () => {
    expect(decide(facts(), [sms('marketing', false)], settings, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'no_channel:sms_tencent',
    });
    expect(decide(facts({ email: null }), [email()], settings, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'no_email',
    });
    expect(decide(facts({ phone: null }), [sms(), email('marketing', false)], settings, DAY, null)).toEqual({
      kind: 'skip',
      reason: 'no_phone',
    });
  });
});

describe('decide(): purchase suppression', () => {
  const since = new Date('2026-03-19T02:00:00Z');
  it('skips a reminder when the customer bought after the step was scheduled', () => {
    const bought = facts({ lastOrderAt: new Date('2026-03-19T05:00:00Z') });
    expect(decide(bought, [email()], settings, DAY, since)).toEqual({
      kind: 'skip',
      reason: 'ordered_since',
    });
    // Not without suppression, nor for an order before (or at) the start.
    expect(decide(bought, [email()], settings, DAY, null).kind).toBe('send');
    expect(decide(facts({ lastOrderAt: since }), [email()], settings, DAY, since).kind).toBe('send');
    expect(
      decide(facts({ lastOrderAt: new Date('2026-03-18T00:00:00Z') }), [email()], settings, DAY, since).kind,
    ).toBe('send');
  });
});
