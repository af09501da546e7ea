import { Checkbox, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import type { Store } from '../../../../src/stores/store-contract.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { CouponTemplate } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** A template as the form holds it: money in major units (元), dates as local `YYYY-MM-DD`. */
export interface TemplateValues {
  name: string;
  kind: CouponTemplate['kind'];
  amount_off?: number | null;
  percent_off?: number | null;
  max_discount?: number | null;
  gift_sku?: string | null;
  threshold?: number | null;
  validity: 'dates' | 'days' | 'none';
  valid_from?: string | null;
  valid_until?: string | null;
  valid_days?: number | null;
  per_customer_limit?: number | null;
  budget_count?: number | null;
  budget_amount?: number | null;
  stackable: boolean;
  stores?: string[] | null;
  products?: string[] | null;
}

const MONEY = ['amount_off', 'max_discount', 'threshold', 'budget_amount'] as const;

/** The local day of an instant in the workspace's zone (`YYYY-MM-DD`). */
export const localDay = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(iso));

/** The last valid day of a template ending at `until` (the next day's local midnight). */
export const lastDay = (until: string, timeZone: string) =>
  localDay(new Date(Date.parse(until) - 1).toISOString(), timeZone);

/** A stored template as the form shows it: the last valid day is the day before `valid_until`. */
export function templateValues(t: CouponTemplate, minor: number, timeZone: string): TemplateValues {
  const money = Object.fromEntries(MONEY.map((k) => [k, t[k] === null ? null : t[k] / minor]));
  return {
    ...t,
    ...money,
    validity: t.valid_days !== null ? 'days' : t.valid_from || t.valid_until ? 'dates' : 'none',
    valid_from: t.valid_from && localDay(t.valid_from, timeZone),
    valid_until: t.valid_until && lastDay(t.valid_until, timeZone),
  };
}

/** The API body of the form's values: money in minor units (分), empty limits left out or cleared. */
export function templateBody(v: TemplateValues, minor: number, editing: boolean): Record<string, unknown> {
  const blank = (x: unknown) => x === undefined || x === null || x === '';
  const body: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (!blank(value)) body[key] = value;
    else if (editing) body[key] = null;
  };
  put('name', v.name);
  if (!editing) {
    body.kind = v.kind;
    for (const k of ['percent_off', 'gift_sku'] as const) if (!blank(v[k])) body[k] = v[k];
    for (const k of ['amount_off', 'max_discount', 'threshold'] as const)
      if (!blank(v[k])) body[k] = Math.round(Number(v[k]) * minor);
    for (const k of ['stores', 'products'] as const) if (v[k]?.length) body[k] = v[k];
  }
  put('valid_from', v.validity === 'dates' ? v.valid_from : null);
  put('valid_until', v.validity === 'dates' ? v.valid_until : null);
  put('valid_days', v.validity === 'days' ? v.valid_days : null);
  put('per_customer_limit', v.per_customer_limit);
  put('budget_count', v.budget_count);
  put('budget_amount', blank(v.budget_amount) ? null : Math.round(Number(v.budget_amount) * minor));
  body.stackable = v.stackable;
  // A new template leaves out what is not set (the API takes no nulls there).
  if (!editing) for (const [k, x] of Object.entries(body)) if (x === null) delete body[k];
  return body;
}

/** The fields of a coupon template; kind and value only when creating (issued coupons carry them). */
export function CouponTemplateFields({ editing }: { editing: boolean }) {
  const { t } = useI18n();
  const stores = useApi<Store[]>('/stores');
  const kind = Form.useWatch('kind');
  const validity = Form.useWatch('validity');
  return (
    <>
      <Form.Item
        name="name"
        label={t('loyalty.template_name')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Input aria-label={t('loyalty.template_name')} />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item name="kind" label={t('loyalty.kind')}>
          <Select
            disabled={editing}
            aria-label={t('loyalty.kind')}
            style={{ width: 140 }}
            options={['amount_off', 'percent_off', 'gift'].map((k) => ({
              value: k,
              label: t(`coupon.${k}` as never),
            }))}
          />
        </Form.Item>
        {kind === 'amount_off' && (
          <Form.Item name="amount_off" label={t('coupon_form.amount_off')}>
            <InputNumber disabled={editing} aria-label={t('coupon_form.amount_off')} />
          </Form.Item>
        )}
        {kind === 'percent_off' && (
          <>
            <Form.Item name="percent_off" label={t('coupon_form.percent_off')}>
              <InputNumber disabled={editing} aria-label={t('coupon_form.percent_off')} suffix="%" />
            </Form.Item>
            <Form.Item name="max_discount" label={t('coupon_form.max_discount')}>
              <InputNumber disabled={editing} aria-label={t('coupon_form.max_discount')} />
            </Form.Item>
          </>
        )}
        {kind === 'gift' && (
          <Form.Item name="gift_sku" label={t('coupon_form.gift_sku')}>
            <Input disabled={editing} aria-label={t('coupon_form.gift_sku')} />
          </Form.Item>
        )}
        <Form.Item name="threshold" label={t('coupon_form.threshold')}>
          <InputNumber disabled={editing} aria-label={t('coupon_form.threshold')} />
        </Form.Item>
      </Space>
      <Form.Item name="validity" label={t('coupon_form.validity')}>
        <Radio.Group
          options={[
            { value: 'days', label: t('coupon_form.validity_days') },
            { value: 'dates', label: t('coupon_form.validity_dates') },
            { value: 'none', label: t('coupon_form.validity_none') },
          ]}
        />
      </Form.Item>
      {validity === 'days' && (
        <Form.Item name="valid_days" label={t('coupon_form.valid_days')}>
          <InputNumber aria-label={t('coupon_form.valid_days')} />
        </Form.Item>
      )}
      {validity === 'dates' && (
        <Space wrap align="start">
          <Form.Item name="valid_from" label={t('coupon_form.valid_from')}>
            <Input type="date" aria-label={t('coupon_form.valid_from')} />
          </Form.Item>
          <Form.Item name="valid_until" label={t('coupon_form.valid_until')}>
            <Input type="date" aria-label={t('coupon_form.valid_until')} />
          </Form.Item>
        </Space>
      )}
      <Space wrap align="start">
        <Form.Item
          name="per_customer_limit"
          label={t('coupon_form.per_customer_limit')}
          extra={t('coupon_form.blank_unlimited')}
        >
          <InputNumber aria-label={t('coupon_form.per_customer_limit')} />
        </Form.Item>
        <Form.Item name="budget_count" label={t('coupon_form.budget_count')}>
          <InputNumber aria-label={t('coupon_form.budget_count')} />
        </Form.Item>
        <Form.Item name="budget_amount" label={t('coupon_form.budget_amount')}>
          <InputNumber aria-label={t('coupon_form.budget_amount')} />
        </Form.Item>
      </Space>
      <Space wrap align="start">
        <Form.Item name="stores" label={t('coupon_form.stores')} extra={t('coupon_form.blank_all')}>
          <Select
            mode="tags"
            disabled={editing}
            aria-label={t('coupon_form.stores')}
            style={{ minWidth: 220 }}
            options={(stores.data ?? []).map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
          />
        </Form.Item>
        <Form.Item name="products" label={t('coupon_form.products')} extra={t('coupon_form.blank_all')}>
          <Select
            mode="tags"
            open={false}
            disabled={editing}
            aria-label={t('coupon_form.products')}
            style={{ minWidth: 220 }}
          />
        </Form.Item>
      </Space>
      <Form.Item name="stackable" valuePropName="checked">
        <Checkbox>{t('coupon_form.stackable')}</Checkbox>
      </Form.Item>
    </>
  );
}
