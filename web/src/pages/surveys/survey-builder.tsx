import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, ConfigProvider, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { SURVEY_KINDS } from '../../../../src/surveys/survey-codes.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { may } from '../../lib/permissions.ts';
import type { Survey } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { type FieldError, fieldErrors } from '../journeys/journey-errors.ts';
import { Field, FieldMessages, JourneyErrors } from '../journeys/journey-inputs.tsx';
import { draftFromSurvey, newSurvey, type SurveyDraft, surveyJson } from './survey-draft.ts';
import { LocalInput } from './survey-inputs.tsx';
import { QuestionsEditor } from './survey-questions-editor.tsx';
import { RulesEditor } from './survey-rules-editor.tsx';

/** The survey builder: a new survey, or survey `id` loaded to change. */
export function SurveyBuilderPage({ id }: { id?: number }) {
  const survey = useApi<Survey>(`/surveys/${id ?? 0}`, {}, { enabled: id !== undefined });
  if (id === undefined) return <Builder initial={newSurvey()} />;
  return <Loaded query={survey}>{(s) => <Builder initial={draftFromSurvey(s)} id={s.id} />}</Loaded>;
}

function Builder({ initial, id }: { initial: SurveyDraft; id?: number }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const writer = may(me.role, 'messaging.write');
  const set = (changes: Partial<SurveyDraft>) => setDraft((d) => ({ ...d, ...changes }));

  const save = async () => {
    setSaving(true);
    setErrors([]);
    const json = surveyJson(draft);
    try {
      const saved =
        id === undefined
          ? await api<Survey>('POST', '/surveys', json)
          : await api<Survey>('PATCH', `/surveys/${id}`, { definition: json });
      message.success(t('surveys.saved', { name: saved.name }));
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/surveys') });
      navigate('/surveys');
    } catch (error) {
      // The PATCH body nests the definition; the fields are the same as the POST's.
      const found = fieldErrors(error).map((e) => ({ ...e, path: e.path.replace(/^definition\./, '') }));
      setErrors(markMissing(found, json));
    } finally {
      setSaving(false);
    }
  };

  const unplaced = errors.filter((e) => e.path === '(all)');
  return (
    <JourneyErrors.Provider value={errors}>
      <PageTitle
        title={id === undefined ? t('surveys.new_title') : t('surveys.edit_title', { name: draft.name })}
        extra={<Link to="/surveys">{t('surveys.back')}</Link>}
      />
      <ConfigProvider componentDisabled={!writer}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card title={t('surveys.basics')} size="small">
            <Space wrap align="start" size={[16, 12]}>
              <Field label={t('surveys.name')} path="name">
                <Input
                  aria-label={t('surveys.name')}
                  value={draft.name}
                  disabled={id !== undefined || !writer}
                  maxLength={100}
                  onChange={(e) => set({ name: e.target.value })}
                  style={{ width: 220 }}
                />
              </Field>
              <Field label={t('surveys.kind')} path="kind">
                <Select
                  aria-label={t('surveys.kind')}
                  value={draft.kind}
                  disabled={id !== undefined || !writer}
                  onChange={(kind) => set({ ...newSurvey(kind), ...keepTexts(draft), kind })}
                  options={SURVEY_KINDS.map((k) => ({
                    value: k,
                    label: t(`survey_kind.${k}` as MessageKey),
                  }))}
                  style={{ width: 200 }}
                />
              </Field>
              <Field label={t('surveys.expires_days')} path="expires_days">
                <Input
                  aria-label={t('surveys.expires_days')}
                  inputMode="numeric"
                  value={draft.expiresDays}
                  onChange={(e) => set({ expiresDays: e.target.value })}
                  suffix={t('surveys.days')}
                  style={{ width: 120 }}
                />
              </Field>
            </Space>
          </Card>
          <Card title={t('surveys.texts')} size="small">
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              <LocalInput
                label={t('surveys.page_title')}
                path="title"
                value={draft.title}
                onChange={(title) => set({ title })}
              />
              {draft.kind !== 'custom' && (
                <LocalInput
                  label={t('surveys.question')}
                  path="question"
                  value={draft.question}
                  onChange={(question) => set({ question })}
                />
              )}
              <LocalInput
                label={t('surveys.comment_prompt')}
                path="comment_prompt"
                value={draft.commentPrompt}
                onChange={(commentPrompt) => set({ commentPrompt })}
              />
            </Space>
          </Card>
          <Card title={t('surveys.questions')} size="small">
            <FieldMessages path="questions" exact />
            <QuestionsEditor value={draft.questions} onChange={(questions) => set({ questions })} />
          </Card>
          <Card title={t('surveys.rules')} size="small">
            <FieldMessages path="rules" exact />
            <RulesEditor kind={draft.kind} value={draft.rules} onChange={(rules) => set({ rules })} />
          </Card>
        </Space>
      </ConfigProvider>
      <Card size="small" style={{ marginTop: 16 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {errors.length > 0 && (
            <Alert
              type="error"
              showIcon
              title={t('surveys.fix_fields')}
              description={unplaced.map((e) => e.message).join('；') || undefined}
            />
          )}
          {writer ? (
            <Button type="primary" loading={saving} onClick={() => void save()}>
              {t('surveys.save')}
            </Button>
          ) : (
            <span>{t('surveys.read_only')}</span>
          )}
        </Space>
      </Card>
    </JourneyErrors.Provider>
  );
}

/** The texts a change of kind keeps (the name and wording stay; questions and rules start over). */
const keepTexts = (d: SurveyDraft) => ({
  name: d.name,
  title: d.title,
  commentPrompt: d.commentPrompt,
  expiresDays: d.expiresDays,
});

/** Marks each error whose field was left empty, so it reads 必填 rather than the schema's words. */
function markMissing(errors: FieldError[], sent: unknown): FieldError[] {
  const at = (path: string) =>
    path
      .split('.')
      .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as never)[k] : undefined), sent);
  return errors.map((e) => ({ ...e, missing: e.path !== '(all)' && at(e.path) === undefined }));
}
