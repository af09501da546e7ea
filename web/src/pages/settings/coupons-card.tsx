import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Modal, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { CouponTemplate } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import {
  CouponTemplateFields,
  lastDay,
  localDay,
  type TemplateValues,
  templateBody,
  templateValues,
} from './coupon-template-form.tsx';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';

const NEW: TemplateValues = {
  name: '',
  kind: 'amount_off',
  threshold: 0,
  validity: 'days',
  valid_days: 30,
  stackable: false,
};

/** 优惠券: the coupon templates with their value, validity and limits; create and edit. */
export function CouponsCard() {
  const { t } = useI18n();
  const { fmt, me } = useSession();
  // Shown exactly when the server would accept the write.
  const canWrite = may(me.role, 'loyalty.write');
  const templates = useApi<CouponTemplate[]>('/coupon-templates');
  const [editing, setEditing] = useState<CouponTemplate | 'new' | null>(null);
  const validity = (r: CouponTemplate) =>
    r.valid_days !== null
      ? t('coupon_form.days_after_issue', { n: r.valid_days })
      : r.valid_from || r.valid_until
        ? `${r.valid_from ? fmt.date(localDay(r.valid_from, me.workspace.timezone)) : '…'} – ${r.valid_until ? fmt.date(lastDay(r.valid_until, me.workspace.timezone)) : '…'}`
        : t('coupon_form.validity_none');
  const limit = (n: number | null) => (n === null ? t('coupon_form.unlimited') : fmt.number(n));
  return (
    <Card
      title={t('section.coupons')}
      extra={canWrite && <Button onClick={() => setEditing('new')}>{t('coupon_form.new')}</Button>}
    >
      <Loaded query={templates}>
        {(rows) => (
          <Table<CouponTemplate>
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: 800 }}
            dataSource={rows}
            columns={[
              { title: t('loyalty.template_name'), dataIndex: 'name' },
              {
                title: t('loyalty.value'),
                key: 'value',
                render: (_, r) =>
                  r.kind === 'amount_off'
                    ? t('coupon_form.amount_value', {
                        off: fmt.money(r.amount_off),
                        over: fmt.money(r.threshold),
                      })
                    : r.kind === 'percent_off'
                      ? t('coupon_form.percent_value', { n: r.percent_off ?? 0 })
                      : t('coupon_form.gift_value', { sku: r.gift_sku ?? '' }),
              },
              { title: t('coupon_form.validity'), key: 'validity', render: (_, r) => validity(r) },
              { title: t('coupon_form.per_customer_limit'), dataIndex: 'per_customer_limit', render: limit },
              { title: t('coupon_form.budget_count'), dataIndex: 'budget_count', render: limit },
              {
                title: t('coupon_form.budget_amount'),
                dataIndex: 'budget_amount',
                render: (v: number | null) => (v === null ? t('coupon_form.unlimited') : fmt.money(v)),
              },
              {
                title: t('coupon_form.issued'),
                dataIndex: 'issued_count',
                render: (v: number) => fmt.number(v),
              },
              ...(canWrite
                ? [
                    {
                      title: t('common.actions'),
                      key: 'edit',
                      render: (_: unknown, r: CouponTemplate) => (
                        <Button
                          size="small"
                          onClick={() => setEditing(r)}
                          aria-label={`${t('common.edit')} ${r.name}`}
                        >
                          {t('common.edit')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {editing && (
        <TemplateModal
          template={editing === 'new' ? null : editing}
          minor={10 ** currencyDigits(me.workspace.currency)}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}

function TemplateModal({
  template,
  minor,
  onClose,
}: {
  template: CouponTemplate | null;
  minor: number;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<TemplateValues>();
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (v: TemplateValues) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      const body = templateBody(v, minor, template !== null);
      if (template) await api('PATCH', `/coupon-templates/${template.id}`, body);
      else await api('POST', '/coupon-templates', body);
      message.success(t('settings.saved'));
      await client.invalidateQueries({ queryKey: ['/coupon-templates'] });
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Modal
      open
      width={720}
      title={template ? t('coupon_form.edit_title', { name: template.name }) : t('coupon_form.new')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<TemplateValues>
        form={form}
        layout="vertical"
        initialValues={template ? templateValues(template, minor, me.workspace.timezone) : NEW}
        onFinish={(v) => void save(v)}
      >
        <CouponTemplateFields editing={template !== null} />
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}
