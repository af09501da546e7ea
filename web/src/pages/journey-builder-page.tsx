import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Loaded, PageTitle } from '../components/page.tsx';
import { currencyDigits } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-zh-cn.ts';
import { may } from '../lib/permissions.ts';
import {
  CHANNELS,
  type CouponTemplate,
  type MessageTemplate,
  type Segment,
  type Survey,
} from '../lib/types.ts';
import { useApi } from '../lib/use-api.ts';
import { Link, navigate } from '../router.tsx';
import { ConditionEditor } from './journey-condition-editor.tsx';
import { type JourneyDraft, journeyJson, newJourney, STEP_KINDS, type StepKind } from './journey-draft.ts';
import { draftFromJourney } from './journey-draft-load.ts';
import { addStep, moveStep, removeStep, renameStep, updateStep } from './journey-draft-ops.ts';
import { ErrorList } from './journey-error-list.tsx';
import { type FieldError, fieldErrors } from './journey-errors.ts';
import { Field, JourneyErrors } from './journey-inputs.tsx';
import type { JourneyApplied, JourneyDetail } from './journey-report-types.ts';
import { StepCard } from './journey-step-card.tsx';
import { TriggerEditor } from './journey-trigger-editor.tsx';

/** The no-code journey builder: a new journey, or `name` loaded to change. */
export function JourneyBuilderPage({ name }: { name?: string }) {
  const { me } = useSession();
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const existing = useApi<JourneyDetail>(
    `/journeys/${encodeURIComponent(name ?? '')}`,
    {},
    { enabled: !!name },
  );
  if (!name) return <Builder initial={newJourney()} />;
  return (
    <Loaded query={existing}>
      {(d) => <Builder initial={draftFromJourney(d.definition, minor)} editing />}
    </Loaded>
  );
}

function Builder({ initial, editing = false }: { initial: JourneyDraft; editing?: boolean }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [adding, setAdding] = useState<StepKind>('send');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const templates = useApi<MessageTemplate[]>('/templates');
  const coupons = useApi<CouponTemplate[]>('/coupon-templates');
  const segments = useApi<Segment[]>('/segments');
  const surveys = useApi<{ items: Survey[] }>('/surveys');
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const set = (changes: Partial<JourneyDraft>) => setDraft((d) => ({ ...d, ...changes }));
  const choices = {
    steps: draft.steps.map((s) => s.id),
    templates: (templates.data ?? []).map((x) => ({ name: x.name, channel: x.channel })),
    coupons: (coupons.data ?? []).map((c) => c.name),
    channels: CHANNELS,
    surveys: (surveys.data?.items ?? []).filter((x) => x.status === 'active').map((x) => x.name),
  };
  const save = async () => {
    setSaving(true);
    setErrors([]);
    const json = journeyJson(draft, minor);
    try {
      const saved = await api<JourneyApplied>('PUT', '/journeys', json);
      message.success(t('journeys.saved', { name: saved.name }));
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/journeys') });
      navigate('/journeys');
    } catch (error) {
      setErrors(fieldErrors(error, json));
    } finally {
      setSaving(false);
    }
  };
  const numberInput = (
    field: 'maxEntries' | 'attributionDays' | 'reentryDays',
    key: MessageKey,
    path: string,
  ) => (
    <Field label={t(key)} path={path}>
      <Input
        aria-label={t(key)}
        inputMode="numeric"
        value={draft[field]}
        onChange={(e) => set({ [field]: e.target.value })}
        style={{ width: 120 }}
      />
    </Field>
  );
  const canSave = may(me.role, 'messaging.write');
  return (
    <JourneyErrors.Provider value={errors}>
      <PageTitle
        title={editing ? t('journeys.edit_title', { name: draft.name }) : t('journeys.new_title')}
        extra={<Link to="/journeys">{t('journeys.back')}</Link>}
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('journeys.basics')} size="small">
          <Space wrap align="start" size={[16, 12]}>
            <Field label={t('journeys.name')} path="name">
              <Input
                aria-label={t('journeys.name')}
                value={draft.name}
                disabled={editing}
                onChange={(e) => set({ name: e.target.value })}
                style={{ width: 220 }}
              />
            </Field>
            <Field label={t('journeys.description')} path="description">
              <Input
                aria-label={t('journeys.description')}
                value={draft.description}
                onChange={(e) => set({ description: e.target.value })}
                style={{ width: 280 }}
              />
            </Field>
            <Field label={t('journeys.reentry')} path="reentry" exact>
              <Select
                aria-label={t('journeys.reentry')}
                value={draft.reentry}
                onChange={(reentry) => set({ reentry })}
                options={(['once', 'always', 'every'] as const).map((r) => ({
                  value: r,
                  label: t(`journeys.reentry_${r}`),
                }))}
                style={{ width: 160 }}
              />
            </Field>
            {draft.reentry === 'every' &&
              numberInput('reentryDays', 'journeys.reentry_days', 'reentry.every_days')}
            {numberInput('maxEntries', 'journeys.max_entries', 'max_entries')}
            {numberInput('attributionDays', 'journeys.attribution_days', 'attribution_days')}
          </Space>
        </Card>
        <Card title={t('journeys.trigger')} size="small">
          <TriggerEditor
            value={draft.trigger}
            onChange={(trigger) => set({ trigger })}
            segments={(segments.data ?? []).map((s) => s.name)}
            surveys={choices.surveys}
          />
        </Card>
        <Card title={t('journeys.entry')} size="small">
          <Field label={t('journeys.entry_hint')} path="entry">
            <ConditionEditor
              value={draft.entry}
              onChange={(entry) => set({ entry })}
              label={t('journeys.entry')}
            />
          </Field>
        </Card>
        <Card title={t('journeys.steps')} size="small">
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {draft.steps.map((step, i) => (
              <StepCard
                key={step.id}
                step={step}
                index={i}
                count={draft.steps.length}
                choices={choices}
                onChange={(next) => set({ steps: updateStep(draft.steps, step.id, next) })}
                onRename={(id) => set({ steps: renameStep(draft.steps, step.id, id) })}
                onMove={(by) => set({ steps: moveStep(draft.steps, step.id, by) })}
                onRemove={() => set({ steps: removeStep(draft.steps, step.id) })}
              />
            ))}
            <Space.Compact>
              <Select<StepKind>
                aria-label={t('journeys.new_step_kind')}
                value={adding}
                onChange={setAdding}
                options={STEP_KINDS.map((k) => ({ value: k, label: t(`jstep.kind.${k}` as MessageKey) }))}
                style={{ width: 160 }}
              />
              <Button onClick={() => set({ steps: addStep(draft.steps, adding) })}>
                {t('journeys.add_step')}
              </Button>
            </Space.Compact>
          </Space>
        </Card>
        <Card size="small">
          <Space orientation="vertical" style={{ width: '100%' }}>
            <ErrorList errors={errors} />
            {canSave ? (
              <Button type="primary" loading={saving} onClick={() => void save()}>
                {t('journeys.save')}
              </Button>
            ) : (
              <span>{t('journeys.read_only')}</span>
            )}
          </Space>
        </Card>
      </Space>
    </JourneyErrors.Provider>
  );
}
