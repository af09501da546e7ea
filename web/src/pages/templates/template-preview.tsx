import { Alert, Button, Card, Input, Segmented, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { CustomerPicker } from '../../components/customer-picker.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { TemplatePreview as Preview } from '../../lib/types.ts';

/** A saved template rendered for a real customer, found by name, phone, email or id. */
export function TemplatePreview({ templates, chosen }: { templates: string[]; chosen: string | null }) {
  const { t, lang } = useI18n();
  const [template, setTemplate] = useState<string | null>(chosen);
  useEffect(() => {
    if (chosen) setTemplate(chosen);
  }, [chosen]);
  const [customer, setCustomer] = useState<number | null>(null);
  const [locale, setLocale] = useState<'zh-CN' | 'en'>(lang);
  const [coupon, setCoupon] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = template;
  const render = async () => {
    setError(null);
    setPreview(null);
    try {
      setPreview(
        await api<Preview>('POST', `/templates/${encodeURIComponent(name!)}/preview`, {
          customer_id: customer,
          locale,
          ...(coupon ? { variables: { coupon_code: coupon } } : {}),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card title={t('templates.preview')} size="small">
      <Space wrap align="end" size={[12, 12]}>
        <Select
          aria-label={t('templates.preview_template')}
          placeholder={t('templates.preview_template')}
          value={name ?? undefined}
          onChange={setTemplate}
          options={templates.map((n) => ({ value: n, label: n }))}
          style={{ width: 200 }}
        />
        <CustomerPicker value={customer} onChange={setCustomer} />
        <Segmented
          aria-label={t('templates.locale')}
          value={locale}
          onChange={(l) => setLocale(l as 'zh-CN' | 'en')}
          options={['zh-CN', 'en']}
        />
        <Input
          aria-label={t('templates.coupon_code')}
          placeholder={t('templates.coupon_code')}
          value={coupon}
          onChange={(e) => setCoupon(e.target.value)}
          style={{ width: 150 }}
        />
        <Button type="primary" disabled={!name || customer === null} onClick={() => void render()}>
          {t('templates.render')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 12 }} />}
      {preview && (
        <div
          data-preview
          style={{ marginTop: 12, border: '1px solid #d9d9d9', borderRadius: 6, padding: 12 }}
        >
          {preview.subject && (
            <Typography.Title level={5} style={{ marginTop: 0 }} data-preview-subject>
              {preview.subject}
            </Typography.Title>
          )}
          <Typography.Paragraph
            style={{ whiteSpace: 'pre-wrap', marginBottom: 0, overflowWrap: 'anywhere' }}
            data-preview-body
          >
            {preview.body}
          </Typography.Paragraph>
        </div>
      )}
    </Card>
  );
}
