import { Button, Input, Select, Space, Typography } from 'antd';
import { createContext, type ReactNode, useContext } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { DURATION_UNITS, type DurationDraft, type Pair } from './journey-draft.ts';
import { errorsAt, type FieldError, isMissing } from './journey-errors.ts';

/** The server's last answer to a save, for each field to show what concerns it. */
export const JourneyErrors = createContext<FieldError[]>([]);

/** The problems the server named at exactly this path (or inside it), in plain words. */
export function FieldMessages({ path, exact = false }: { path: string; exact?: boolean }) {
  const { t } = useI18n();
  const all = useContext(JourneyErrors);
  const errors = exact ? all.filter((e) => e.path === path) : errorsAt(all, path);
  return (
    <>
      {errors.map((e) => (
        <Typography.Text key={e.path + e.message} type="danger" data-error-path={e.path}>
          {isMissing(e) ? t('form.required') : e.message}
        </Typography.Text>
      ))}
    </>
  );
}

/** A labelled field of the builder, with what the server said about `path` under it. */
export function Field({
  label,
  path,
  exact,
  children,
}: {
  label: string;
  path?: string;
  /** Only errors at the path itself (its parts show their own). */
  exact?: boolean;
  children: ReactNode;
}) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 4, minWidth: 0, maxWidth: '100%' }}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      {children}
      {path && <FieldMessages path={path} exact={exact} />}
    </div>
  );
}

/** Amount and unit of a wait (`2` + hours = `2h`). */
export function DurationInput({
  value,
  onChange,
  label,
}: {
  value: DurationDraft;
  onChange: (d: DurationDraft) => void;
  label: string;
}) {
  const { t } = useI18n();
  return (
    <Space.Compact>
      <Input
        aria-label={label}
        inputMode="decimal"
        value={value.amount}
        onChange={(e) => onChange({ ...value, amount: e.target.value })}
        style={{ width: 80 }}
      />
      <Select
        aria-label={`${label} · ${t('journeys.unit')}`}
        value={value.unit}
        onChange={(unit) => onChange({ ...value, unit })}
        options={DURATION_UNITS.map((u) => ({ value: u, label: t(`duration.${u}` as MessageKey) }))}
        style={{ width: 90 }}
      />
    </Space.Compact>
  );
}

/** Key = value pairs (event properties, webhook data). */
export function PairsInput({
  value,
  onChange,
  label,
}: {
  value: Pair[];
  onChange: (pairs: Pair[]) => void;
  label: string;
}) {
  const { t } = useI18n();
  const set = (i: number, change: Partial<Pair>) =>
    onChange(value.map((p, j) => (j === i ? { ...p, ...change } : p)));
  return (
    <Space orientation="vertical" size={4}>
      {value.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: pairs are edited in place, never reordered
        <Space.Compact key={i}>
          <Input
            aria-label={`${label} · ${t('journeys.key')} ${i + 1}`}
            placeholder={t('journeys.key')}
            value={p.key}
            onChange={(e) => set(i, { key: e.target.value })}
            style={{ width: 110 }}
          />
          <Input
            aria-label={`${label} · ${t('journeys.value')} ${i + 1}`}
            placeholder={t('journeys.value')}
            value={p.value}
            onChange={(e) => set(i, { value: e.target.value })}
            style={{ width: 130 }}
          />
          <Button
            aria-label={`${label} · ${t('common.delete')} ${i + 1}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            ×
          </Button>
        </Space.Compact>
      ))}
      <Button size="small" onClick={() => onChange([...value, { key: '', value: '' }])}>
        {t('journeys.add_pair')}
      </Button>
    </Space>
  );
}

/** The step that follows, chosen among the journey's steps. */
export function StepSelect({
  value,
  onChange,
  steps,
  label,
}: {
  value: string;
  onChange: (id: string) => void;
  steps: string[];
  label: string;
}) {
  const { t } = useI18n();
  return (
    <Select
      aria-label={label}
      placeholder={t('journeys.choose_step')}
      value={value || undefined}
      onChange={onChange}
      options={steps.map((id) => ({ value: id, label: id }))}
      style={{ width: 170 }}
    />
  );
}
