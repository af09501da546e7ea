import type { Formatter } from '../i18n/format.ts';
import type { I18n } from '../i18n/i18n.tsx';
import { codeLabel } from './labels.ts';

// Codes and raw values from the API in words: why a message was not sent, where a coupon or tag
// came from, and each timeline event as a sentence. Unknown codes never show raw JSON.

type Words = Pick<I18n, 't' | 'value'>;

/** A message's status in words (a queued message waiting out quiet hours is 已顺延). */
export function messageStatus({ value }: Words, status: string, reason: string | null, delivered: boolean) {
  if (status === 'sent' && delivered) return value('msg', 'delivered');
  if (status === 'queued' && reason === 'quiet_hours') return value('msg', 'deferred');
  return value('msg', status);
}

/**
 * Why a message was not sent (or is waiting), in words, and the provider's own text as a tooltip
 * when there is one; null when there is nothing to say.
 */
export function messageReason(
  { t, value }: Words,
  status: string,
  reason: string | null,
): { text: string; detail?: string } | null {
  if (!reason || status === 'sent') return null;
  const channel = /^no_channel:(.+)$/.exec(reason);
  if (channel) return { text: t('reason.no_channel_named', { channel: value('channel', channel[1]) }) };
  const known = value('reason', reason);
  if (known !== reason) return { text: known };
  if (reason.startsWith('retrying:')) return { text: t('reason.retrying'), detail: reason.slice(9).trim() };
  return { text: t('reason.provider_error'), detail: reason };
}

/** Where a coupon, tag or task came from: a code in words, or `journey:name` as 旅程「name」. */
export function sourceLabel({ t, value }: Words, source: string | null | undefined): string {
  if (!source) return '—';
  const [kind, ...rest] = source.split(':');
  const name = rest.join(':').trim();
  if (name) {
    if (kind === 'journey') return t('source.journey_named', { name });
    if (kind === 'segment') return t('source.segment_named', { name });
    if (kind === 'cli') return t('source.cli_named', { name });
    if (kind === 'key' || kind === 'api_key') return t('source.key_named', { name });
    if (kind === 'manual') return t('source.manual_named', { name });
  }
  // A staff member's email is who did it: data, shown as it is.
  return value('source', source);
}

/** One event of the profile's timeline. */
export interface TimelineEvent {
  type: string;
  occurred_at: string;
  properties: Record<string, unknown>;
}

/** Behaviour events with a sentence of their own; their properties follow in words. */
const PLAIN_EVENTS = ['view_product', 'product_viewed', 'add_to_cart', 'order_placed'];

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** A property's value in words: nested values flattened, never JSON. */
function propertyValue(i18n: Words, fmt: Formatter, key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return i18n.t('timeline.empty');
  if (typeof v === 'boolean') return i18n.t(v ? 'timeline.yes' : 'timeline.no');
  if (typeof v === 'number') return key === 'amount' || key === 'price' ? fmt.money(v) : fmt.number(v, 2);
  if (Array.isArray(v)) return v.map((x) => propertyValue(i18n, fmt, key, x)).join('、');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${propertyName(i18n, k)} ${propertyValue(i18n, fmt, k, x)}`)
      .join('，');
  return String(v);
}

const propertyName = ({ value }: Words, key: string) => value('timeline.prop', key);

/** The properties of an event as `名称：值` pairs, for events without a sentence of their own. */
export function propertiesInWords(i18n: Words, fmt: Formatter, properties: Record<string, unknown>): string {
  return Object.entries(properties)
    .map(([k, v]) => `${propertyName(i18n, k)}：${propertyValue(i18n, fmt, k, v)}`)
    .join('，');
}

/** An event as a sentence (客户分组由「一般发展客户」变为「重要发展客户」), with any details in words. */
export function eventSentence(
  i18n: Words,
  fmt: Formatter,
  e: TimelineEvent,
): { title: string; detail: string } {
  const { t, value } = i18n;
  const p = e.properties ?? {};
  const from = text(p.from);
  const to = text(p.to);
  const change = (kind: 'rfm_group' | 'lifecycle', label: (code: string) => string) =>
    from
      ? t(`timeline.${kind}_changed`, { from: label(from), to: label(to) })
      : t(`timeline.${kind}_first`, { to: label(to) });
  switch (e.type) {
    case 'rfm_group_changed':
      return { title: change('rfm_group', (c) => codeLabel(t, 'rfm', c)), detail: '' };
    case 'lifecycle_changed':
      return { title: change('lifecycle', (c) => codeLabel(t, 'lifecycle', c)), detail: '' };
    case 'tier_changed':
      return {
        title: from ? t('timeline.tier_changed', { from, to }) : t('timeline.tier_first', { to }),
        detail: '',
      };
    case 'survey_answered': {
      const survey = text(p.survey);
      if (p.score === null || p.score === undefined)
        return { title: t('timeline.survey_answered_no_score', { survey }), detail: text(p.text) };
      const vars = { survey, score: text(p.score), text: text(p.text) };
      return {
        title: t(p.text ? 'timeline.survey_answered_comment' : 'timeline.survey_answered', vars),
        detail: '',
      };
    }
    case 'message_opened':
    case 'message_clicked':
      return {
        title: t(`timeline.${e.type}`, {
          template: text(p.template),
          channel: value('channel', text(p.channel)),
        }),
        detail: '',
      };
    case 'unsubscribed':
      return {
        title: t('timeline.unsubscribed', { channel: value('channel', text(p.channel)) }),
        detail: '',
      };
    case 'coupon_issued':
    case 'coupon_redeemed':
      return { title: t(`timeline.${e.type}`, { template: text(p.template ?? p.code) }), detail: '' };
  }
  const title = PLAIN_EVENTS.includes(e.type)
    ? value('timeline', e.type)
    : t('timeline.custom', { type: e.type });
  return { title, detail: propertiesInWords(i18n, fmt, p) };
}

// The reasons the server writes on points it grants or takes itself; a person's own reason is data.
const POINTS_REASONS: [RegExp, string][] = [
  [/^order (.+)$/, 'points.order'],
  [/^refund or cancellation of order (.+)$/, 'points.reverse'],
  [/^first order$/, 'points.first_order'],
  [/^order in birthday month$/, 'points.birthday'],
  [/^event (.+)$/, 'points.event'],
  [/^referred customer (\d+)$/, 'points.referred'],
  [/^joined with customer (\d+)'s code$/, 'points.joined'],
  [/^points expired by (.+)$/, 'points.expired'],
];

/** A points-ledger reason in words (积分来自订单 O1), or as the person who wrote it put it. */
export function pointsReason({ t, value }: Words, fmt: Formatter, reason: string | null): string {
  if (!reason) return '—';
  for (const [pattern, key] of POINTS_REASONS) {
    const m = pattern.exec(reason);
    if (!m) continue;
    const x = m[1] ?? '';
    return t(key as Parameters<Words['t']>[0], {
      x: key === 'points.event' ? eventTypeLabel(value, x) : key === 'points.expired' ? fmt.date(x) : x,
    });
  }
  return reason;
}

const eventTypeLabel = (value: Words['value'], type: string) =>
  PLAIN_EVENTS.includes(type) ? value('timeline', type) : type;
