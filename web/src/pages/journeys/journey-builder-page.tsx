import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Space, Tag, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import {
  CHANNELS,
  type CouponTemplate,
  type MessageTemplate,
  type Segment,
  type Survey,
} from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { JourneyCanvas, type NodeData } from './journey-canvas.tsx';
import { outlets, TRIGGER_ID } from './journey-canvas-graph.ts';
import { StepPanel, TriggerPanel } from './journey-canvas-panel.tsx';
import { stepNames, stepTitle } from './journey-canvas-titles.ts';
import { type JourneyDraft, journeyJson, newJourney, triggerJson } from './journey-draft.ts';
import { draftFromJourney } from './journey-draft-load.ts';
import { removeStep, renameStep, updateStep } from './journey-draft-ops.ts';
import { ErrorList, useErrorPlace } from './journey-error-list.tsx';
import { errorsAt, type FieldError, fieldErrors, isMissing } from './journey-errors.ts';
import { JourneyErrors } from './journey-inputs.tsx';
import { PublishModal } from './journey-publish-modal.tsx';
import type { DraftSaved, JourneyDetail, Published, PublishPreview } from './journey-report-types.ts';
import { TestRunPanel } from './journey-test-run-panel.tsx';
import { triggerSummary } from './journey-trigger-summary.ts';
import { journeyPath } from './journeys-page.tsx';

const enc = encodeURIComponent;

/** The journey canvas: a new journey, or `name` loaded (its draft when it has one) to change. */
export function JourneyBuilderPage({ name }: { name?: string }) {
  const { me } = useSession();
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const existing = useApi<JourneyDetail>(
    `/journeys/${enc(name ?? '')}`,
    {},
    { enabled: !!name, staleTime: 0 },
  );
  if (!name) return <Builder initial={newJourney()} detail={null} reload={async () => null} />;
  return (
    <Loaded query={existing}>
      {(d) => (
        <Builder
          initial={draftFromJourney(d.draft ?? d.definition, minor)}
          detail={d}
          reload={async () => (await existing.refetch()).data ?? null}
        />
      )}
    </Loaded>
  );
}

function Builder({
  initial,
  detail: loaded,
  reload,
}: {
  initial: JourneyDraft;
  detail: JourneyDetail | null;
  reload: () => Promise<JourneyDetail | null>;
}) {
  const i18n = useI18n();
  const { t, value } = i18n;
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const [detail, setDetail] = useState(loaded);
  const [draft, setDraftState] = useState(initial);
  const [saved, setSaved] = useState(() => (loaded ? JSON.stringify(journeyJson(initial, minor)) : ''));
  const [selected, setSelected] = useState<string | null>(TRIGGER_ID);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [testing, setTesting] = useState(false);
  const templates = useApi<MessageTemplate[]>('/templates');
  const coupons = useApi<CouponTemplate[]>('/coupon-templates');
  const segments = useApi<Segment[]>('/segments');
  const surveys = useApi<{ items: Survey[] }>('/surveys');
  const editing = !!detail;
  const name = detail ? String(detail.definition.name) : draft.name.trim();
  const json = useMemo(() => journeyJson(draft, minor), [draft, minor]);
  const dirty = JSON.stringify(json) !== saved;
  const writer = may(me.role, 'messaging.write');
  const change = useCallback((f: (d: JourneyDraft) => JourneyDraft) => setDraftState(f), []);
  const set = (changes: Partial<JourneyDraft>) => change((d) => ({ ...d, ...changes }));
  const choices = {
    steps: draft.steps.map((s) => s.id),
    templates: (templates.data ?? []).map((x) => ({ name: x.name, channel: x.channel })),
    coupons: (coupons.data ?? []).map((c) => c.name),
    channels: CHANNELS,
    surveys: (surveys.data?.items ?? []).filter((x) => x.status === 'active').map((x) => x.name),
  };
  const channelOf = useCallback(
    (template: string) => templates.data?.find((x) => x.name === template)?.channel,
    [templates.data],
  );
  const namesIn = (d: JourneyDraft) => stepNames(d, i18n, channelOf);
  const nameOf = namesIn(draft);
  const place = useErrorPlace(nameOf);
  const published = useMemo(
    () => (detail && detail.version > 0 ? draftFromJourney(detail.definition, minor) : null),
    [detail, minor],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: place follows the draft and t, which are listed
  const dataOf = useCallback(
    (id: string): NodeData => {
      const text = (e: FieldError) => `${place(e.path)}: ${isMissing(e) ? t('form.required') : e.message}`;
      if (id === TRIGGER_ID)
        return {
          kind: t('journeys.trigger'),
          title: triggerSummary(triggerJson(draft.trigger), t, value),
          errors: errors
            .filter((e) => !e.path.startsWith('steps.') && e.path !== '(all)')
            .map((e) => ({ path: e.path, text: text(e) })),
          outlets: [{ handle: 'start', label: null }],
          start: false,
        };
      const step = draft.steps.find((s) => s.id === id)!;
      return {
        kind: t(`jstep.kind.${step.kind}` as never),
        title: stepTitle(step, i18n, channelOf),
        errors: errorsAt(errors, `steps.${id}`).map((e) => ({ path: e.path, text: text(e) })),
        outlets: outlets(step, t).map((o) => ({ handle: o.handle, label: o.label })),
        start: draft.steps[0]?.id === id,
      };
    },
    [draft, errors, t, value, i18n, channelOf],
  );
  const refresh = () =>
    client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/journeys') });
  const refused = (error: unknown, sent?: unknown) => {
    const found = fieldErrors(error, sent);
    setErrors(found);
    const first = found.find((e) => e.path !== '(all)');
    if (first) setSelected(/^steps\.([^.]+)/.exec(first.path)?.[1] ?? TRIGGER_ID);
  };

  /** Saves the canvas as the journey's draft; false when the server refused it. */
  const saveDraft = async (): Promise<boolean> => {
    if (!name) {
      setErrors([{ path: 'name', message: t('form.required'), missing: true }]);
      setSelected(TRIGGER_ID);
      return false;
    }
    try {
      await api<DraftSaved>('PUT', '/journeys/draft', json);
      setErrors([]);
      setSaved(JSON.stringify(json));
      setDetail((await reload()) ?? detail);
      await refresh();
      return true;
    } catch (error) {
      refused(error, json);
      return false;
    }
  };
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  const onSave = run(async () => {
    if (!(await saveDraft())) return;
    message.success(t('jcanvas.draft_saved', { name }));
    if (!editing) navigate(journeyPath(name, true));
  });
  const onPublish = run(async () => {
    if ((dirty || !detail?.draft) && !(await saveDraft())) return;
    try {
      setPreview(await api<PublishPreview>('POST', `/journeys/${enc(name)}/publish/preview`));
    } catch (error) {
      refused(error);
    }
  });
  const onConfirm = run(async () => {
    try {
      const r = await api<Published>('POST', `/journeys/${enc(name)}/publish`, {
        draft_digest: preview!.draft_digest,
        confirm: true,
      });
      setPreview(null);
      message.success(t('jcanvas.published', { name, version: r.version }));
      await refresh();
      navigate('/journeys');
    } catch (error) {
      setPreview(null);
      refused(error);
    }
  });
  const onDiscard = run(async () => {
    await api('DELETE', `/journeys/${enc(name)}/draft`);
    message.success(t('jcanvas.discarded', { name }));
    if (!detail || detail.version === 0) {
      // The journey is gone: leave its page before the lists are fetched again.
      navigate('/journeys');
      client.removeQueries({ queryKey: [`/journeys/${enc(name)}`] });
      await refresh();
      return;
    }
    await refresh();
    const fresh = (await reload()) ?? detail;
    const back = draftFromJourney(fresh.definition, minor);
    setDetail(fresh);
    setDraftState(back);
    setSaved(JSON.stringify(journeyJson(back, minor)));
    setErrors([]);
  });

  const state = !detail || detail.version === 0 || detail.draft || dirty ? 'draft' : 'published';
  const step = draft.steps.find((s) => s.id === selected);
  return (
    <JourneyErrors.Provider value={errors}>
      <PageTitle
        title={editing ? t('journeys.edit_title', { name }) : t('journeys.new_title')}
        extra={<Link to="/journeys">{t('journeys.back')}</Link>}
      />
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap size={[8, 8]}>
          <Tag data-journey-state={state} color={state === 'draft' ? 'orange' : 'green'}>
            {t(`jcanvas.state.${state}`)}
          </Tag>
          {detail && detail.version > 0 && (
            <Typography.Text type="secondary" data-running-version={detail.version}>
              {t('jcanvas.running_version', { version: detail.version })}
            </Typography.Text>
          )}
          {dirty && <Tag color="gold">{t('jcanvas.unsaved')}</Tag>}
          {writer ? (
            <>
              <Button loading={busy} onClick={() => void onSave()}>
                {t('jcanvas.save_draft')}
              </Button>
              <Button type="primary" loading={busy} onClick={() => void onPublish()}>
                {t('jcanvas.publish')}
              </Button>
              <Popconfirm
                title={t('jcanvas.discard_confirm')}
                okText={t('jcanvas.discard')}
                cancelText={t('jcanvas.cancel')}
                onConfirm={() => void onDiscard()}
              >
                <Button danger disabled={!detail?.draft}>
                  {t('jcanvas.discard')}
                </Button>
              </Popconfirm>
            </>
          ) : (
            <span>{t('journeys.read_only')}</span>
          )}
          <Button disabled={!detail} onClick={() => setTesting(true)}>
            {t('jcanvas.test_run')}
          </Button>
        </Space>
        <ErrorList errors={errors} nameOf={nameOf} />
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
          <div style={{ flex: '3 1 520px', minWidth: 0 }}>
            <JourneyCanvas
              draft={draft}
              onChange={change}
              dataOf={dataOf}
              selected={selected}
              onSelect={setSelected}
              readOnly={!writer}
            />
          </div>
          <Card size="small" style={{ flex: '1 1 320px', minWidth: 0 }} title={t('jcanvas.panel')}>
            {selected === TRIGGER_ID ? (
              <TriggerPanel
                draft={draft}
                set={set}
                editing={editing}
                segments={(segments.data ?? []).map((s) => s.name)}
                surveys={choices.surveys}
              />
            ) : step ? (
              <StepPanel
                step={step}
                choices={choices}
                start={draft.steps[0]?.id === step.id}
                onChange={(next) => set({ steps: updateStep(draft.steps, step.id, next) })}
                onRename={(id) => {
                  set({ steps: renameStep(draft.steps, step.id, id) });
                  setSelected(id);
                }}
                onRemove={() => {
                  set({ steps: removeStep(draft.steps, step.id) });
                  setSelected(TRIGGER_ID);
                }}
              />
            ) : (
              <Typography.Text type="secondary">{t('jcanvas.choose_node')}</Typography.Text>
            )}
          </Card>
        </div>
      </Space>
      <PublishModal
        preview={preview}
        titleOf={nameOf}
        order={draft.steps.map((s) => s.id)}
        busy={busy}
        onConfirm={() => void onConfirm()}
        onCancel={() => setPreview(null)}
      />
      {detail && (
        <TestRunPanel
          name={name}
          open={testing}
          onClose={() => setTesting(false)}
          hasDraft={!!detail.draft}
          published={detail.version > 0}
          titleOf={(source, id) => namesIn(source === 'draft' || !published ? draft : published)(id)}
        />
      )}
    </JourneyErrors.Provider>
  );
}
