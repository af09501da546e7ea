import { Alert } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { type FieldError, isMissing } from './journey-errors.ts';

/** The builder's label of each field the server may name. */
const LABELS: Record<string, MessageKey> = {
  name: 'journeys.name',
  description: 'journeys.description',
  trigger: 'trigger.kind',
  entry: 'journeys.entry',
  reentry: 'journeys.reentry',
  max_entries: 'journeys.max_entries',
  attribution_days: 'journeys.attribution_days',
  start: 'jstep.start',
  steps: 'journeys.steps',
  type: 'jstep.kind',
  next: 'jstep.next',
  duration: 'jstep.duration',
  weekday: 'jstep.weekday',
  time: 'jstep.time',
  event: 'jstep.event',
  properties: 'jstep.properties',
  timeout: 'jstep.timeout',
  on_event: 'jstep.on_event',
  on_timeout: 'jstep.on_timeout',
  if: 'jstep.if',
  // biome-ignore lint/suspicious/noThenProperty: a lookup table of the field names a branch step has
  then: 'jstep.then',
  else: 'jstep.else',
  arms: 'jstep.arms',
  percent: 'jstep.percent',
  templates: 'jstep.templates',
  add: 'jstep.tag_add',
  remove: 'jstep.tag_remove',
  data: 'jstep.data',
  template: 'jstep.coupon',
  points: 'jstep.points',
  reason: 'jstep.reason',
};

/** Where a path points, in the builder's words (`等待 · 等待时长`); `nameOf` names a step by id. */
export function useErrorPlace(nameOf: (step: string) => string) {
  const { t } = useI18n();
  const field = (key: string | undefined) => (key && LABELS[key] ? t(LABELS[key]) : (key ?? ''));
  return (path: string) => {
    if (path === '(all)') return t('journeys.the_journey');
    const [head, id, part, ...rest] = path.split('.');
    if (head === 'steps' && id) {
      const step = nameOf(id);
      if (!part) return step;
      const more = rest.map((r) => (/^\d+$/.test(r) ? ` ${Number(r) + 1}` : ` · ${field(r)}`)).join('');
      return `${step} · ${field(part)}${more}`;
    }
    return [field(head), ...[id, part, ...rest].filter(Boolean)].join(' · ');
  };
}

/** What the server refused, each problem with the field it names, beside the save button. */
export function ErrorList({ errors, nameOf }: { errors: FieldError[]; nameOf: (step: string) => string }) {
  const { t } = useI18n();
  const place = useErrorPlace(nameOf);
  if (!errors.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={t('journeys.not_saved')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {errors.map((e) => (
            <li key={e.path + e.message} data-error-path={e.path}>
              <strong>{place(e.path)}</strong>:{' '}
              {isMissing(e) ? `${t('form.required')} (${e.message})` : e.message}
            </li>
          ))}
        </ul>
      }
    />
  );
}
