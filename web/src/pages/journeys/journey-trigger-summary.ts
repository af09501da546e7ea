import type { MessageKey } from '../../i18n/messages-zh-cn.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
type Json = Record<string, unknown>;

/** A trigger in a few words: `事件 加购` (a known event in words, any other as typed), `最后一次下单后 30 天`, `生命周期 → 沉默`. */
export function triggerSummary(trigger: Json, t: T, value: (kind: string, code: string) => string): string {
  if ('date' in trigger) {
    const kind = String(trigger.date);
    const base = t(`trigger.kind.${kind}` as MessageKey);
    if (trigger.days !== undefined) return `${base} · ${t('trigger.n_days', { n: Number(trigger.days) })}`;
    if (trigger.days_before !== undefined)
      return `${base} · ${t('trigger.n_days_before', { n: Number(trigger.days_before) })}`;
    return base;
  }
  if ('event' in trigger) {
    const props = Object.entries((trigger.properties ?? {}) as Json).map(([k, v]) => `${k}=${v}`);
    const event = value('event', String(trigger.event)).replace(/\s*\([^)]*\)$/, '');
    return [`${t('trigger.kind.event')} ${event}`, ...props].join(' · ');
  }
  if ('p_alive_below' in trigger) {
    const threshold = Number((trigger.p_alive_below as Json | undefined)?.threshold);
    if (!Number.isFinite(threshold)) return t('trigger.kind.p_alive_below');
    return t('trigger.p_alive_sentence', { pct: Math.round(threshold * 1e6) / 1e4 });
  }
  if ('segment' in trigger)
    return `${t('trigger.kind.segment')} ${trigger.segment} · ${t(trigger.on === 'exited' ? 'trigger.exited' : 'trigger.entered')}`;
  const kind = Object.keys(trigger)[0] ?? '';
  const inner = (trigger[kind] ?? {}) as Json;
  const base = t(`trigger.kind.${kind}` as MessageKey);
  if (kind === 'order_placed') return inner.channel ? `${base} · ${inner.channel}` : base;
  if (kind === 'survey_answered') {
    const range =
      inner.score_min === undefined && inner.score_max === undefined
        ? []
        : [
            t('trigger.score_range', {
              min: String(inner.score_min ?? '—'),
              max: String(inner.score_max ?? '—'),
            }),
          ];
    const group = inner.nps_group === undefined ? [] : [value('nps_group', String(inner.nps_group))];
    return [base, inner.survey ?? t('trigger.any'), ...group, ...range].join(' · ');
  }
  const prefix = kind === 'lifecycle_changed' ? 'lifecycle' : kind === 'rfm_group_changed' ? 'rfm' : '';
  const name = (code: unknown) =>
    code === undefined ? t('trigger.any') : prefix ? value(prefix, String(code)) : String(code);
  if (inner.from === undefined && inner.to === undefined) return base;
  return `${base} · ${name(inner.from)} → ${name(inner.to)}`;
}
