import { Form, Input, InputNumber, Space, Switch } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { WorkspaceSettings } from '../../lib/types.ts';
import { OrderedList } from './ordered-list.tsx';
import { type ChannelRow, ChannelRulesTable, channelOverrides, channelRows } from './reach-channel-rules.tsx';
import { SettingsSection } from './settings-section.tsx';

interface Values {
  messaging: {
    frequency_cap: number;
    frequency_days: number;
    quiet_on: boolean;
    quiet_hours: { start: string; end: string };
    channel_priority: string[];
    max_attempts: number;
    channels: Record<string, ChannelRow>;
    purposes: Record<string, ChannelRow>;
  };
  broadcasts: { require_approval: boolean };
}

const initial = (s: WorkspaceSettings): Values => ({
  messaging: {
    ...s.messaging,
    quiet_on: s.messaging.quiet_hours !== null,
    quiet_hours: s.messaging.quiet_hours ?? { start: '21:00', end: '09:00' },
    ...channelRows(s.messaging),
  },
  broadcasts: s.broadcasts,
});

const toBody = ({ messaging: m, broadcasts }: Values, s: WorkspaceSettings) => {
  const rules = channelOverrides(m, s.messaging);
  return {
    'messaging.frequency_cap': m.frequency_cap,
    'messaging.frequency_days': m.frequency_days,
    'messaging.quiet_hours': m.quiet_on
      ? { start: m.quiet_hours.start.trim(), end: m.quiet_hours.end.trim() }
      : null,
    'messaging.channel_priority': m.channel_priority,
    'messaging.max_attempts': m.max_attempts,
    'messaging.channels': rules.channels,
    'messaging.purposes': rules.purposes,
    'broadcasts.require_approval': broadcasts.require_approval,
  };
};

/** 触达规则: how often a customer may be reached, the quiet hours (both also per channel), which channel first, retries. */
export function ReachCard() {
  const { t, value } = useI18n();
  return (
    <SettingsSection<Values> title={t('section.reach')} initial={initial} toBody={toBody}>
      {(form) => (
        <>
          <Space wrap align="start">
            <Form.Item
              name={['messaging', 'frequency_cap']}
              label={t('reach.cap')}
              extra={t('reach.cap_hint')}
            >
              <InputNumber aria-label={t('reach.cap')} />
            </Form.Item>
            <Form.Item name={['messaging', 'frequency_days']} label={t('reach.days')}>
              <InputNumber aria-label={t('reach.days')} />
            </Form.Item>
          </Space>
          <Form.Item name={['messaging', 'quiet_on']} label={t('reach.quiet')} valuePropName="checked">
            <Switch aria-label={t('reach.quiet')} />
          </Form.Item>
          <Form.Item noStyle dependencies={[['messaging', 'quiet_on']]}>
            {() =>
              form.getFieldValue(['messaging', 'quiet_on']) ? (
                <Space wrap align="start">
                  <Form.Item name={['messaging', 'quiet_hours', 'start']} label={t('reach.quiet_start')}>
                    <Input aria-label={t('reach.quiet_start')} placeholder="21:00" style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item
                    name={['messaging', 'quiet_hours', 'end']}
                    label={t('reach.quiet_end')}
                    extra={t('reach.quiet_hint')}
                  >
                    <Input aria-label={t('reach.quiet_end')} placeholder="09:00" style={{ width: 120 }} />
                  </Form.Item>
                </Space>
              ) : null
            }
          </Form.Item>
          <ChannelRulesTable form={form} />
          <Form.Item
            name={['messaging', 'channel_priority']}
            label={t('reach.priority')}
            extra={t('reach.priority_hint')}
          >
            <OrderedList label={(c) => value('channel', c)} />
          </Form.Item>
          <Form.Item
            name={['messaging', 'max_attempts']}
            label={t('reach.attempts')}
            extra={t('reach.attempts_hint')}
          >
            <InputNumber aria-label={t('reach.attempts')} />
          </Form.Item>
          <Form.Item
            name={['broadcasts', 'require_approval']}
            label={t('reach.approval')}
            valuePropName="checked"
          >
            <Switch aria-label={t('reach.approval')} />
          </Form.Item>
        </>
      )}
    </SettingsSection>
  );
}
