import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Row } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import type { LifecycleSummary, WorkspaceSettings } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { LifecycleTrend } from './lifecycle-trend.tsx';
import { MovementMatrix } from './movement-matrix.tsx';

const THRESHOLDS = [
  'new_days',
  'active_days',
  'silent_days',
  'loyal_tenure_days',
  'loyal_window_days',
  'loyal_min_orders',
] as const;
type Thresholds = Record<(typeof THRESHOLDS)[number], number>;

/** Stage counts, their course over the recorded days, flows between two dates, and the thresholds (editable by admins). */
export function LifecyclePage() {
  const { t } = useI18n();
  const { me, isAdmin, fmt } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const stages = useApi<LifecycleSummary>('/lifecycle');
  const settings = useApi<WorkspaceSettings>('/workspace/settings');
  const today = todayIn(me.workspace.timezone);
  const [saving, setSaving] = useState(false);
  const save = async (values: Thresholds) => {
    setSaving(true);
    try {
      const body = Object.fromEntries(THRESHOLDS.map((k) => [`lifecycle.${k}`, values[k]]));
      await api('PATCH', '/workspace/settings', body);
      message.success(t('settings.saved'));
      await client.invalidateQueries();
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <PageTitle title={t('nav.lifecycle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('lifecycle.stages')}>
            <Loaded query={stages}>
              {(s) => (
                <EChart
                  label={t('lifecycle.stages')}
                  option={{
                    tooltip: {},
                    grid: { left: 48, right: 16, top: 16, bottom: 32 },
                    xAxis: {
                      type: 'category',
                      data: s.stages.map((x) => t(`lifecycle.${x.lifecycle}` as MessageKey)),
                    },
                    yAxis: { type: 'value' },
                    series: [
                      {
                        type: 'bar',
                        data: s.stages.map((x) => x.customers),
                        label: { show: true, position: 'top' },
                      },
                    ],
                  }}
                />
              )}
            </Loaded>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('lifecycle.thresholds')}>
            <Loaded query={settings}>
              {(s) => (
                <Form
                  layout="vertical"
                  initialValues={s.lifecycle}
                  onFinish={(v: Thresholds) => void save(v)}
                  disabled={!isAdmin}
                >
                  {THRESHOLDS.map((k) => (
                    <Form.Item
                      key={k}
                      name={k}
                      label={t(`threshold.${k}` as MessageKey)}
                      rules={[{ required: true }]}
                    >
                      <InputNumber min={1} style={{ width: '100%' }} />
                    </Form.Item>
                  ))}
                  {isAdmin && (
                    <Button type="primary" htmlType="submit" loading={saving}>
                      {t('common.save')}
                    </Button>
                  )}
                </Form>
              )}
            </Loaded>
          </Card>
        </Col>
      </Row>
      <Card title={t('lifecycle.trend')} style={{ marginTop: 16 }}>
        <LifecycleTrend from={addDays(today, -90)} to={addDays(today, 1)} />
      </Card>
      <Card
        title={t('lifecycle.flows', { from: fmt.date(addDays(today, -30)), to: fmt.date(today) })}
        style={{ marginTop: 16 }}
      >
        <MovementMatrix from={addDays(today, -30)} to={today} kind="lifecycle" />
      </Card>
    </>
  );
}
