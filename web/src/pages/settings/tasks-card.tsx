import { Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { STAFF_CHANNELS } from '../../../../src/workspaces/workspace-settings.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { WorkspaceSettings } from '../../lib/types.ts';
import { SettingsSection } from './settings-section.tsx';

type Values = Pick<WorkspaceSettings, 'tasks'>;

/** The workspace's own codes, kinds then outcomes, each once. */
const ownCodes = (kinds: string[] | undefined, outcomes: string[] | undefined) => [
  ...new Set([...(kinds ?? []), ...(outcomes ?? [])]),
];

const toBody = ({ tasks }: Values) => ({
  'tasks.escalation': tasks.escalation,
  'tasks.digest': tasks.digest,
  'tasks.kinds': tasks.kinds,
  'tasks.outcomes': tasks.outcomes,
  // Words only for codes still listed, and only those given: a blank one shows the code.
  'tasks.labels': Object.fromEntries(
    ownCodes(tasks.kinds, tasks.outcomes)
      .map((code) => [code, tasks.labels?.[code]?.trim() ?? ''])
      .filter(([, label]) => label !== ''),
  ),
});

/** 任务提醒: overdue tasks escalated to the assignee then the admins, and the daily list. */
export function TasksCard() {
  const { t, value } = useI18n();
  const channels = STAFF_CHANNELS.map((c) => ({ value: c, label: value('channel', c) }));
  return (
    <SettingsSection<Values> title={t('section.tasks')} initial={(s) => ({ tasks: s.tasks })} toBody={toBody}>
      {() => (
        <>
          <Typography.Title level={5}>{t('tasks_settings.escalation')}</Typography.Title>
          <Form.Item
            name={['tasks', 'escalation', 'enabled']}
            label={t('tasks_settings.escalation_on')}
            valuePropName="checked"
          >
            <Switch aria-label={t('tasks_settings.escalation_on')} />
          </Form.Item>
          <Form.Item name={['tasks', 'escalation', 'channels']} label={t('tasks_settings.channels')}>
            <Select mode="multiple" options={channels} aria-label={t('tasks_settings.escalation_channels')} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item
              name={['tasks', 'escalation', 'assignee_after_minutes']}
              label={t('tasks_settings.assignee_after')}
            >
              <InputNumber aria-label={t('tasks_settings.assignee_after')} />
            </Form.Item>
            <Form.Item
              name={['tasks', 'escalation', 'admins_after_hours']}
              label={t('tasks_settings.admins_after')}
            >
              <InputNumber aria-label={t('tasks_settings.admins_after')} />
            </Form.Item>
          </Space>
          <Typography.Title level={5}>{t('tasks_settings.digest')}</Typography.Title>
          <Form.Item
            name={['tasks', 'digest', 'enabled']}
            label={t('tasks_settings.digest_on')}
            valuePropName="checked"
          >
            <Switch aria-label={t('tasks_settings.digest_on')} />
          </Form.Item>
          <Form.Item name={['tasks', 'digest', 'channels']} label={t('tasks_settings.channels')}>
            <Select mode="multiple" options={channels} aria-label={t('tasks_settings.digest_channels')} />
          </Form.Item>
          <Form.Item name={['tasks', 'digest', 'hour']} label={t('tasks_settings.hour')}>
            <InputNumber aria-label={t('tasks_settings.hour')} />
          </Form.Item>
          <Typography.Title level={5}>{t('tasks_settings.codes')}</Typography.Title>
          <Form.Item
            name={['tasks', 'kinds']}
            label={t('tasks_settings.kinds')}
            extra={t('tasks_settings.codes_hint')}
          >
            <Select mode="tags" aria-label={t('tasks_settings.kinds')} open={false} />
          </Form.Item>
          <Form.Item name={['tasks', 'outcomes']} label={t('tasks_settings.outcomes')}>
            <Select mode="tags" aria-label={t('tasks_settings.outcomes')} open={false} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) => {
              const codes = ownCodes(getFieldValue(['tasks', 'kinds']), getFieldValue(['tasks', 'outcomes']));
              return codes.length === 0 ? null : (
                <>
                  <Typography.Paragraph type="secondary">
                    {t('tasks_settings.labels_hint')}
                  </Typography.Paragraph>
                  <Space wrap align="start">
                    {codes.map((code) => (
                      <Form.Item key={code} name={['tasks', 'labels', code]} label={code}>
                        <Input aria-label={t('tasks_settings.label_of', { code })} maxLength={40} />
                      </Form.Item>
                    ))}
                  </Space>
                </>
              );
            }}
          </Form.Item>
        </>
      )}
    </SettingsSection>
  );
}
