import { Form, InputNumber, Select, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { WorkspaceSettings } from '../../lib/types.ts';
import { SettingsSection } from './settings-section.tsx';

const LIFECYCLE = [
  'new_days',
  'active_days',
  'silent_days',
  'loyal_tenure_days',
  'loyal_window_days',
  'loyal_min_orders',
] as const;
type Values = Pick<WorkspaceSettings, 'rfm' | 'lifecycle' | 'prediction'>;
/** Rates are typed as percentages (1 for 1 %), the settings hold fractions. */
const PERCENTS = ['monthly_discount_rate', 'margin'] as const;

const initial = (s: WorkspaceSettings): Values => ({
  rfm: s.rfm,
  lifecycle: s.lifecycle,
  prediction: {
    ...s.prediction,
    monthly_discount_rate: Math.round(s.prediction.monthly_discount_rate * 10_000) / 100,
    margin: Math.round(s.prediction.margin * 10_000) / 100,
  },
});

const toBody = (v: Values) => ({
  'rfm.split': v.rfm.split,
  ...Object.fromEntries(LIFECYCLE.map((k) => [`lifecycle.${k}`, v.lifecycle[k]])),
  'prediction.model': v.prediction.model,
  'prediction.unit': v.prediction.unit,
  'prediction.horizon_days': v.prediction.horizon_days,
  ...Object.fromEntries(
    PERCENTS.map((k) => [
      `prediction.${k}`,
      typeof v.prediction[k] === 'number' ? v.prediction[k] / 100 : v.prediction[k],
    ]),
  ),
});

/** 客户分层: the lifecycle thresholds, the RFM split and the purchase prediction. */
export function SegmentationCard() {
  const { t } = useI18n();
  return (
    <SettingsSection<Values> title={t('section.segmentation')} initial={initial} toBody={toBody}>
      {() => (
        <>
          <Form.Item name={['rfm', 'split']} label={t('settings.rfm_split')}>
            <Select
              aria-label={t('settings.rfm_split')}
              options={['mean', 'score'].map((v) => ({ value: v, label: t(`split.${v}` as MessageKey) }))}
              style={{ maxWidth: 320 }}
            />
          </Form.Item>
          <Space wrap align="start">
            {LIFECYCLE.map((k) => (
              <Form.Item key={k} name={['lifecycle', k]} label={t(`segmentation.${k}`)}>
                <InputNumber aria-label={t(`segmentation.${k}`)} />
              </Form.Item>
            ))}
          </Space>
          <Space wrap align="start">
            <Form.Item name={['prediction', 'model']} label={t('segmentation.model')}>
              <Select
                aria-label={t('segmentation.model')}
                style={{ width: 200 }}
                options={['bgnbd', 'paretonbd'].map((v) => ({
                  value: v,
                  label: t(`segmentation.model_${v}` as MessageKey),
                }))}
              />
            </Form.Item>
            <Form.Item name={['prediction', 'unit']} label={t('segmentation.unit')}>
              <Select
                aria-label={t('segmentation.unit')}
                style={{ width: 120 }}
                options={['day', 'week'].map((v) => ({
                  value: v,
                  label: t(`segmentation.unit_${v}` as MessageKey),
                }))}
              />
            </Form.Item>
            <Form.Item name={['prediction', 'horizon_days']} label={t('segmentation.horizon_days')}>
              <InputNumber aria-label={t('segmentation.horizon_days')} />
            </Form.Item>
            {PERCENTS.map((k) => (
              <Form.Item key={k} name={['prediction', k]} label={t(`segmentation.${k}`)}>
                <InputNumber aria-label={t(`segmentation.${k}`)} suffix="%" />
              </Form.Item>
            ))}
          </Space>
        </>
      )}
    </SettingsSection>
  );
}
