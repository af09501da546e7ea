import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Form, Input, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { CHANNELS, type MessageTemplate, type SavedName } from '../../lib/types.ts';

export type { MessageTemplate };

interface Values {
  name: string;
  channel: string;
  purpose: string;
  subject_zh: string;
  subject_en: string;
  body_zh: string;
  body_en: string;
}

const LOCALE_FIELDS = [
  ['zh-CN', 'subject_zh', 'body_zh'],
  ['en', 'subject_en', 'body_en'],
] as const;

const valuesOf = (t: MessageTemplate | null): Values => ({
  name: t?.name ?? '',
  channel: t?.channel ?? 'email',
  purpose: t?.purpose ?? 'marketing',
  subject_zh: t?.subject['zh-CN'] ?? '',
  subject_en: t?.subject.en ?? '',
  body_zh: t?.body['zh-CN'] ?? '',
  body_en: t?.body.en ?? '',
});

/** Only the texts that were written (the API refuses empty ones). */
const written = (pairs: [string, string][]) =>
  Object.fromEntries(pairs.filter(([, text]) => text.trim() !== ''));

/** Create or change a template: channel, purpose, and subject and body in zh-CN and en (Liquid). */
export function TemplateForm({
  editing,
  onSaved,
}: {
  editing: MessageTemplate | null;
  onSaved: (name: string) => void;
}) {
  const { t, value } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string[] | null>(null);
  useEffect(() => {
    form.setFieldsValue(valuesOf(editing));
    setError(null);
  }, [editing, form]);
  const save = async (v: Values) => {
    setError(null);
    const subject = written(LOCALE_FIELDS.map(([l, s]) => [l, v[s]]));
    const body = written(LOCALE_FIELDS.map(([l, , b]) => [l, v[b]]));
    try {
      const saved = await api<SavedName>('PUT', '/templates', {
        name: v.name,
        channel: v.channel,
        purpose: v.purpose,
        ...(Object.keys(subject).length ? { subject } : {}),
        body,
      });
      message.success(t('templates.saved', { name: saved.name }));
      await client.invalidateQueries({ queryKey: ['/templates'] });
      onSaved(saved.name);
    } catch (e) {
      const fields = e instanceof ApiError ? e.fields : undefined;
      setError(fields?.length ? fields.map((f) => `${f.field}: ${f.message}`) : [(e as Error).message]);
    }
  };
  const required = [{ required: true, message: t('form.required') }];
  return (
    <Form form={form} layout="vertical" onFinish={(v) => void save(v)} initialValues={valuesOf(editing)}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="name" label={t('templates.name')} rules={required}>
            <Input disabled={editing !== null} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="channel" label={t('templates.channel')} rules={required}>
            <Select options={CHANNELS.map((c) => ({ value: c, label: value('channel', c) }))} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="purpose" label={t('templates.purpose')} rules={required}>
            <Select
              options={(['marketing', 'transactional'] as const).map((p) => ({
                value: p,
                label: t(`purpose.${p}`),
              }))}
            />
          </Form.Item>
        </Col>
        {LOCALE_FIELDS.map(([locale, subject, body]) => (
          <Col xs={24} md={12} key={locale}>
            <Form.Item name={subject} label={t('templates.subject_in', { locale })}>
              <Input />
            </Form.Item>
            <Form.Item name={body} label={t('templates.body_in', { locale })}>
              <Input.TextArea rows={4} />
            </Form.Item>
          </Col>
        ))}
      </Row>
      <Alert type="info" showIcon title={t('templates.variables')} style={{ marginBottom: 12 }} />
      {error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('templates.not_saved')}
          description={error.join('\n')}
          style={{ marginBottom: 12, whiteSpace: 'pre-wrap' }}
        />
      )}
      <Button type="primary" htmlType="submit">
        {t('templates.save')}
      </Button>
    </Form>
  );
}
