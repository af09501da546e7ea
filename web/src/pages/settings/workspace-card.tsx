import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select } from 'antd';
import { useMemo, useState } from 'react';
import type {
  WorkspaceChangeBody,
  WorkspaceCreateBody,
} from '../../../../src/workspaces/workspace-contract.ts';
import { ApiError, api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { WorkspaceInfo } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';
import { currencyLabel, labelled, zoneLabel } from './zone-names.ts';

/** Currencies merchants of Retain trade in most; any ISO code is accepted by the API. */
const CURRENCIES = ['CNY', 'HKD', 'TWD', 'MOP', 'SGD', 'JPY', 'KRW', 'USD', 'EUR', 'GBP', 'AUD', 'CAD'];

/** The workspace's name, zone and currency; admins change them here and create another workspace. */
export function WorkspaceCard() {
  const { t, lang } = useI18n();
  const { me, isAdmin } = useSession();
  const workspace = useApi<WorkspaceInfo>('/workspace');
  const [creating, setCreating] = useState(false);
  return (
    <Card
      title={t('settings.workspace')}
      style={{ marginBottom: 16 }}
      extra={
        isAdmin &&
        me.user.kind === 'user' && <Button onClick={() => setCreating(true)}>{t('workspace.create')}</Button>
      }
    >
      {isAdmin ? (
        <Loaded query={workspace}>{(w) => <WorkspaceForm key={w.name} info={w} />}</Loaded>
      ) : (
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'name', label: t('settings.name'), children: me.workspace.name },
            { key: 'zone', label: t('settings.zone'), children: zoneLabel(me.workspace.timezone, lang) },
            {
              key: 'currency',
              label: t('settings.currency'),
              children: currencyLabel(me.workspace.currency, lang),
            },
          ]}
        />
      )}
      {creating && <CreateWorkspace onClose={() => setCreating(false)} />}
    </Card>
  );
}

function ZoneFields({ disabled }: { disabled?: boolean }) {
  const { t, lang } = useI18n();
  const zones = useMemo(
    () => labelled(Intl.supportedValuesOf('timeZone'), (z) => zoneLabel(z, lang)),
    [lang],
  );
  const currencies = useMemo(() => labelled(CURRENCIES, (c) => currencyLabel(c, lang)), [lang]);
  // Found by the name shown or by the code (Europe/Berlin, EUR).
  const search = (input: string, option?: { search: string }) =>
    Boolean(option?.search.includes(input.trim().toLowerCase()));
  return (
    <>
      <Form.Item name="timezone" label={t('settings.zone')} extra={t('settings.zone_hint')}>
        <Select
          showSearch={{ filterOption: search }}
          options={zones}
          aria-label={t('settings.zone')}
          disabled={disabled}
        />
      </Form.Item>
      <Form.Item name="currency" label={t('settings.currency')}>
        <Select
          showSearch={{ filterOption: search }}
          disabled={disabled}
          options={currencies}
          aria-label={t('settings.currency')}
        />
      </Form.Item>
    </>
  );
}

function WorkspaceForm({ info }: { info: WorkspaceInfo }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Required<WorkspaceChangeBody>>();
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (v: Required<WorkspaceChangeBody>) => {
    setProblem(null);
    clearFieldErrors(form);
    const body: WorkspaceChangeBody = {};
    if (v.name.trim() !== info.name) body.name = v.name;
    if (v.timezone !== info.timezone) body.timezone = v.timezone;
    if (v.currency !== info.currency) body.currency = v.currency;
    try {
      if (Object.keys(body).length) await api('PATCH', '/workspace', body);
      message.success(t('settings.saved'));
      // Money, dates and the workspace's name everywhere follow it: read everything again.
      await client.invalidateQueries();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && !body.name)
        setProblem(t('settings.zone_locked'));
      else if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Form<Required<WorkspaceChangeBody>>
      form={form}
      layout="vertical"
      style={{ maxWidth: 420 }}
      initialValues={info}
      onFinish={(v) => void save(v)}
    >
      <Form.Item
        name="name"
        label={t('settings.name')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Input aria-label={t('settings.name')} />
      </Form.Item>
      {info.locked && (
        <Alert type="info" showIcon title={t('settings.zone_locked')} style={{ marginBottom: 12 }} />
      )}
      <ZoneFields disabled={info.locked} />
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit">
        {t('common.save')}
      </Button>
    </Form>
  );
}

function CreateWorkspace({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<WorkspaceCreateBody>();
  const [problem, setProblem] = useState<string | null>(null);
  const create = async (v: WorkspaceCreateBody) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      await api('POST', '/workspaces', v);
      message.success(t('workspace.created', { name: v.name }));
      await client.invalidateQueries({ queryKey: ['me'] });
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Modal
      open
      title={t('workspace.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<WorkspaceCreateBody>
        form={form}
        layout="vertical"
        initialValues={{ name: '', timezone: 'Asia/Shanghai', currency: 'CNY' }}
        onFinish={(v) => void create(v)}
      >
        <Form.Item
          name="name"
          label={t('settings.name')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input aria-label={t('workspace.new_name')} />
        </Form.Item>
        <ZoneFields />
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}
