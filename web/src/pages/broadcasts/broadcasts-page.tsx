import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import type { BroadcastView } from '../../../../src/broadcasts/broadcast-contract.ts';
import { ApiError, api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';

const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  pending_approval: 'orange',
  scheduled: 'blue',
  sending: 'processing',
  paused: 'warning',
  completed: 'green',
  cancelled: 'default',
};

/** A broadcast's status as a coloured tag in the page's language. */
export function BroadcastStatus({ status }: { status: string }) {
  const { value } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{value('broadcast_status', status)}</Tag>;
}

/** The message of a refused request: the fields it names, in the page's language. */
export function useBroadcastError() {
  const { t } = useI18n();
  return (error: unknown) => {
    if (!(error instanceof ApiError) || !error.fields?.length) return t('broadcasts.error_other');
    const names = [...new Set(error.fields.map((f) => f.field.replace(/^body\./, '').split('.')[0]!))];
    return t('broadcasts.error', {
      fields: names.map((n) => t(`broadcasts.field.${n}` as MessageKey) ?? n).join('、'),
    });
  };
}

interface FormValues {
  name: string;
  audience: 'segment' | 'list';
  segment?: string;
  list?: string;
  templates?: string[];
  ab: boolean;
  a_templates?: string[];
  a_weight?: number;
  b_templates?: string[];
  b_weight?: number;
  coupon?: string;
  holdout: number;
  send: 'now' | 'scheduled' | 'customer_local';
  at?: string;
  date?: string;
  time?: string;
}

/** The body of `POST /broadcasts` from the form. */
function toDefinition(v: FormValues) {
  const lines = (v.list ?? '')
    .split(/[\n,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    name: v.name,
    audience: v.audience === 'segment' ? { segment: v.segment ?? '' } : { list: lines },
    ...(v.ab
      ? {
          variants: [
            { name: 'A', weight: v.a_weight ?? 1, templates: v.a_templates ?? [] },
            { name: 'B', weight: v.b_weight ?? 1, templates: v.b_templates ?? [] },
          ],
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

/** The form of a new broadcast: audience, templates or two variants, coupon, holdout, send time. */
function BroadcastForm({ onDone }: { onDone: (id: number) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const explain = useBroadcastError();
  const [form] = Form.useForm<FormValues>();
  const templates = useApi<{ name: string; channel: string }[]>('/templates');
  const coupons = useApi<{ name: string }[]>('/coupon-templates');
  const segments = useApi<{ name: string }[]>('/segments');
  const audience = Form.useWatch('audience', form);
  const ab = Form.useWatch('ab', form);
  const send = Form.useWatch('send', form);
  const templateOptions = (templates.data ?? []).map((x) => ({ value: x.name, label: x.name }));
  const submit = async (v: FormValues) => {
    try {
      const b = await api<BroadcastView>('POST', '/broadcasts', toDefinition(v));
      message.success(t('broadcasts.created', { name: b.name }));
      onDone(b.id);
    } catch (error) {
      message.error(explain(error));
    }
  };
  const readFile = async (file: File) => {
    form.setFieldValue('list', await file.text());
  };
  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={{ audience: 'segment', ab: false, holdout: 0, send: 'now', a_weight: 1, b_weight: 1 }}
      onFinish={(v) => void submit(v)}
    >
      <Form.Item name="name" label={t('broadcasts.name')} rules={[{ required: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="audience" label={t('broadcasts.audience')}>
        <Radio.Group
          options={[
            { value: 'segment', label: t('broadcasts.audience_segment') },
            { value: 'list', label: t('broadcasts.audience_list') },
          ]}
        />
      </Form.Item>
      {audience === 'list' ? (
        <>
          <Form.Item name="list" label={t('broadcasts.list')}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item label={t('broadcasts.list_file')}>
            <input
              type="file"
              accept=".csv,.txt"
              aria-label={t('broadcasts.list_file')}
              onChange={(e) => e.target.files?.[0] && void readFile(e.target.files[0])}
            />
          </Form.Item>
        </>
      ) : (
        <Form.Item name="segment" label={t('broadcasts.segment')}>
          <Select showSearch options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.name }))} />
        </Form.Item>
      )}
      <Form.Item name="ab" label={t('broadcasts.variants')} valuePropName="checked">
        <Switch />
      </Form.Item>
      {ab ? (
        (['a', 'b'] as const).map((arm) => (
          <Space key={arm} align="start" wrap>
            <Form.Item
              name={`${arm}_templates`}
              label={t('broadcasts.variant_n', { name: arm.toUpperCase() })}
              style={{ minWidth: 320 }}
            >
              <Select mode="multiple" options={templateOptions} />
            </Form.Item>
            <Form.Item name={`${arm}_weight`} label={t('broadcasts.weight')}>
              <InputNumber min={1} max={100} />
            </Form.Item>
          </Space>
        ))
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

/** Broadcasts (群发): the list, and a new one prepared in a dialog. */
export function BroadcastsPage() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const list = useApi<{ items: BroadcastView[] }>('/broadcasts');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const writer = may(me.role, 'messaging.write');
  return (
    <>
      <PageTitle
        title={t('broadcasts.title')}
        extra={
          writer ? (
            <Button type="primary" onClick={() => setOpen(true)}>
              {t('broadcasts.new')}
            </Button>
          ) : (
            <span>{t('broadcasts.read_only')}</span>
          )
        }
      />
      <Card size="small">
        <Loaded query={list}>
          {(page) => (
            <Table<BroadcastView>
              rowKey="id"
              size="small"
              dataSource={page.items}
              pagination={false}
              scroll={{ x: 640 }}
              locale={{
                emptyText: (
                  <EmptyNext text={t(writer ? 'empty.broadcasts_next' : 'broadcasts.none')}>
                    {writer && (
                      <Button type="primary" onClick={() => setOpen(true)}>
                        {t('broadcasts.new')}
                      </Button>
                    )}
                  </EmptyNext>
                ),
              }}
              columns={[
                {
                  title: t('broadcasts.name'),
                  dataIndex: 'name',
                  render: (name: string, b) => <Link to={`/broadcasts/${b.id}`}>{name}</Link>,
                },
                {
                  title: t('broadcasts.status'),
                  dataIndex: 'status',
                  render: (s: string) => <BroadcastStatus status={s} />,
                },
                {
                  title: t('broadcasts.send_at'),
                  dataIndex: 'send_at',
                  render: (v: string | null) => (v ? fmt.dateTime(v) : '—'),
                },
                { title: t('broadcasts.created_by'), dataIndex: 'created_by' },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Modal
        open={open}
        title={t('broadcasts.new')}
        footer={null}
        width={720}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <BroadcastForm
          onDone={(id) => {
            setOpen(false);
            void client.invalidateQueries({
              predicate: (q) => String(q.queryKey[0]).startsWith('/broadcasts'),
            });
            navigate(`/broadcasts/${id}`);
          }}
        />
      </Modal>
    </>
  );
}
