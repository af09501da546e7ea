import { App, Button, Form, Input, InputNumber, Radio, Select, Space, Switch } from 'antd';
import type { BroadcastView } from '../../../../src/broadcasts/broadcast-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { segmentCondition } from '../segments/segment-rule.ts';
import { AudienceFields, type ConditionValue } from './broadcast-audience.tsx';
import { useBroadcastError } from './broadcast-error.ts';

/** The arms the API takes: two to five, named A to E. */
const ARM_NAMES = ['A', 'B', 'C', 'D', 'E'] as const;

interface Arm {
  templates?: string[];
  weight?: number;
}

interface FormValues {
  name: string;
  audience: 'segment' | 'condition' | 'list';
  segment?: string;
  condition?: ConditionValue;
  list?: string;
  templates?: string[];
  ab: boolean;
  arms?: Arm[];
  coupon?: string;
  holdout: number;
  send: 'now' | 'scheduled' | 'customer_local';
  at?: string;
  date?: string;
  time?: string;
}

/** The audience of `POST /broadcasts`; an incomplete condition goes as one the server names as wrong. */
function audienceOf(v: FormValues, minorPerUnit: number) {
  if (v.audience === 'segment') return { segment: v.segment ?? '' };
  if (v.audience === 'condition') {
    const c = v.condition ?? { join: 'all', rules: [] };
    return { condition: segmentCondition(c.rules, c.join, minorPerUnit) ?? {} };
  }
  // One entry a line: a file's column is put here one a line; a typed list is the same.
  const lines = (v.list ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { list: lines };
}

/** The body of `POST /broadcasts` from the form. */
function toDefinition(v: FormValues, minorPerUnit: number) {
  return {
    name: v.name,
    audience: audienceOf(v, minorPerUnit),
    ...(v.ab
      ? {
          variants: (v.arms ?? []).map((a, i) => ({
            name: ARM_NAMES[i]!,
            weight: a.weight ?? 1,
            templates: a.templates ?? [],
          })),
        }
      : { templates: v.templates ?? [] }),
    ...(v.coupon ? { coupon: v.coupon } : {}),
    holdout_percent: v.holdout ?? 0,
    send:
      v.send === 'now'
        ? { at: 'now' }
        : v.send === 'scheduled'
          ? { at: 'scheduled', time: v.at ?? '' }
          : { at: 'customer_local', date: v.date ?? '', time: v.time ?? '' },
  };
}

/** The form of a new broadcast: audience, templates or 2–5 variants, coupon, holdout, send time. */
export function BroadcastForm({ onDone }: { onDone: (id: number) => void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const explain = useBroadcastError();
  const [form] = Form.useForm<FormValues>();
  const templates = useApi<{ name: string; channel: string }[]>('/templates');
  const coupons = useApi<{ name: string }[]>('/coupon-templates');
  const segments = useApi<{ name: string }[]>('/segments');
  const audience = Form.useWatch('audience', form);
  const ab = Form.useWatch('ab', form);
  const send = Form.useWatch('send', form);
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const templateOptions = (templates.data ?? []).map((x) => ({ value: x.name, label: x.name }));
  const submit = async (v: FormValues) => {
    try {
      const b = await api<BroadcastView>('POST', '/broadcasts', toDefinition(v, minor));
      message.success(t('broadcasts.created', { name: b.name }));
      onDone(b.id);
    } catch (error) {
      message.error(explain(error));
    }
  };
  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={{
        audience: 'segment',
        ab: false,
        holdout: 0,
        send: 'now',
        arms: [{ weight: 1 }, { weight: 1 }],
      }}
      onFinish={(v) => void submit(v)}
    >
      <Form.Item name="name" label={t('broadcasts.name')} rules={[{ required: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <AudienceFields form={form} audience={audience} segments={(segments.data ?? []).map((s) => s.name)} />
      <Form.Item name="ab" label={t('broadcasts.variants')} valuePropName="checked">
        <Switch />
      </Form.Item>
      {ab ? (
        <Form.List name="arms">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="start" wrap data-arm={ARM_NAMES[i]}>
                  <Form.Item
                    name={[field.name, 'templates']}
                    label={t('broadcasts.variant_n', { name: ARM_NAMES[i]! })}
                    style={{ minWidth: 320 }}
                  >
                    <Select mode="multiple" options={templateOptions} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'weight']}
                    label={t('broadcasts.weight_of', { name: ARM_NAMES[i]! })}
                  >
                    <InputNumber min={1} max={100} />
                  </Form.Item>
                  {fields.length > 2 && (
                    <Form.Item label=" ">
                      <Button onClick={() => remove(field.name)}>
                        {t('broadcasts.remove_variant', { name: ARM_NAMES[i]! })}
                      </Button>
                    </Form.Item>
                  )}
                </Space>
              ))}
              {fields.length < ARM_NAMES.length && (
                <Form.Item>
                  <Button onClick={() => add({ weight: 1 })}>{t('broadcasts.add_variant')}</Button>
                </Form.Item>
              )}
            </>
          )}
        </Form.List>
      ) : (
        <Form.Item name="templates" label={t('broadcasts.templates')}>
          <Select mode="multiple" options={templateOptions} />
        </Form.Item>
      )}
      <Form.Item name="coupon" label={t('broadcasts.coupon')}>
        <Select
          allowClear
          placeholder={t('broadcasts.no_coupon')}
          options={(coupons.data ?? []).map((c) => ({ value: c.name, label: c.name }))}
        />
      </Form.Item>
      <Form.Item name="holdout" label={t('broadcasts.holdout')}>
        <InputNumber min={0} max={50} />
      </Form.Item>
      <Form.Item name="send" label={t('broadcasts.send')}>
        <Radio.Group
          options={[
            { value: 'now', label: t('broadcasts.send_now') },
            { value: 'scheduled', label: t('broadcasts.send_scheduled') },
            { value: 'customer_local', label: t('broadcasts.send_local') },
          ]}
        />
      </Form.Item>
      {send === 'scheduled' && (
        <Form.Item name="at" label={t('broadcasts.send_time')}>
          <Input type="datetime-local" />
        </Form.Item>
      )}
      {send === 'customer_local' && (
        <Space>
          <Form.Item name="date" label={t('broadcasts.send_date')}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="time" label={t('broadcasts.send_time')}>
            <Input type="time" />
          </Form.Item>
        </Space>
      )}
      <Button type="primary" htmlType="submit">
        {t('broadcasts.create')}
      </Button>
    </Form>
  );
}
