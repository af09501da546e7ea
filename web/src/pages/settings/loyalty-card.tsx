import { Button, Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { CouponTemplate, WorkspaceSettings } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { fieldPath } from './field-errors.ts';
import { SettingsSection } from './settings-section.tsx';

type Points = WorkspaceSettings['points'];
interface Values {
  points: Omit<Points, 'event_bonuses'> & { event_bonuses: { event: string; points: number }[] };
  tiers: WorkspaceSettings['tiers'];
  referrals: WorkspaceSettings['referrals'];
}

/** 积分与会员等级: the points programme, member days, tiers with their benefits, referral rewards. */
export function LoyaltyCard() {
  const { t } = useI18n();
  const { me } = useSession();
  const templates = useApi<CouponTemplate[]>('/coupon-templates');
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const templateOptions = (templates.data ?? []).map((c) => ({ value: c.name, label: c.name }));
  // A spend threshold is typed in 元 and kept in 分; a points threshold is a count of points.
  const scale = (s: { tiers: { basis: string } }) => (s.tiers.basis === 'spend' ? minor : 1);
  const initial = (s: WorkspaceSettings): Values => ({
    points: {
      ...s.points,
      event_bonuses: Object.entries(s.points.event_bonuses).map(([event, points]) => ({ event, points })),
    },
    tiers: { ...s.tiers, levels: s.tiers.levels.map((l) => ({ ...l, min: l.min / scale(s) })) },
    referrals: s.referrals,
  });
  const toBody = (v: Values) => ({
    points: {
      ...v.points,
      event_bonuses: Object.fromEntries(v.points.event_bonuses.map((b) => [b.event?.trim(), b.points])),
    },
    tiers: {
      ...v.tiers,
      levels: v.tiers.levels.map((l) => ({
        ...l,
        min: typeof l.min === 'number' ? Math.round(l.min * scale(v)) : l.min,
        birthday_coupon_template: l.birthday_coupon_template || undefined,
      })),
    },
    referrals: {
      ...v.referrals,
      referrer_coupon: v.referrals.referrer_coupon || undefined,
      referee_coupon: v.referrals.referee_coupon || undefined,
    },
  });
  // An event bonus is keyed by its event in the settings, by its row in the form.
  const mapField = (field: string) => {
    const path = fieldPath(field);
    return path[0] === 'points' && path[1] === 'event_bonuses' ? ['points', 'event_bonuses'] : path;
  };
  return (
    <SettingsSection<Values>
      title={t('section.loyalty')}
      initial={initial}
      toBody={toBody}
      mapField={mapField}
    >
      {(form) => (
        <>
          <Typography.Title level={5}>{t('loyalty_settings.points')}</Typography.Title>
          <Form.Item
            name={['points', 'enabled']}
            label={t('loyalty_settings.points_on')}
            valuePropName="checked"
          >
            <Switch aria-label={t('loyalty_settings.points_on')} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name={['points', 'per_unit']} label={t('loyalty_settings.per_unit')}>
              <InputNumber aria-label={t('loyalty_settings.per_unit')} />
            </Form.Item>
            <Form.Item name={['points', 'first_order_bonus']} label={t('loyalty_settings.first_order_bonus')}>
              <InputNumber aria-label={t('loyalty_settings.first_order_bonus')} />
            </Form.Item>
            <Form.Item name={['points', 'birthday_month_bonus']} label={t('loyalty_settings.birthday_bonus')}>
              <InputNumber aria-label={t('loyalty_settings.birthday_bonus')} />
            </Form.Item>
            <Form.Item name={['points', 'expiry']} label={t('loyalty_settings.expiry')}>
              <Select
                aria-label={t('loyalty_settings.expiry')}
                style={{ width: 200 }}
                options={[
                  { value: 'end_of_next_year', label: t('loyalty_settings.expiry_next_year') },
                  { value: 'never', label: t('loyalty_settings.expiry_never') },
                ]}
              />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name={['points', 'member_days']} label={t('loyalty_settings.member_days')}>
              <Select
                mode="multiple"
                aria-label={t('loyalty_settings.member_days')}
                style={{ minWidth: 240 }}
                options={Array.from({ length: 31 }, (_, i) => ({
                  value: i + 1,
                  label: t('loyalty_settings.day_of_month', { n: i + 1 }),
                }))}
              />
            </Form.Item>
            <Form.Item
              name={['points', 'member_day_multiplier']}
              label={t('loyalty_settings.member_day_multiplier')}
            >
              <InputNumber aria-label={t('loyalty_settings.member_day_multiplier')} />
            </Form.Item>
          </Space>
          <Form.Item label={t('loyalty_settings.event_bonuses')}>
            <Form.List name={['points', 'event_bonuses']}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="start">
                      <Form.Item
                        name={[f.name, 'event']}
                        rules={[{ required: true, message: t('form.required') }]}
                      >
                        <Input
                          placeholder={t('loyalty_settings.event')}
                          aria-label={t('loyalty_settings.event')}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[f.name, 'points']}
                        rules={[{ required: true, message: t('form.required') }]}
                      >
                        <InputNumber
                          placeholder={t('loyalty_settings.bonus_points')}
                          aria-label={t('loyalty_settings.bonus_points')}
                        />
                      </Form.Item>
                      <Button onClick={() => remove(f.name)}>{t('common.delete')}</Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({ event: '', points: 10 })}>
                    {t('loyalty_settings.add_event_bonus')}
                  </Button>
                </>
              )}
            </Form.List>
          </Form.Item>

          <Typography.Title level={5}>{t('loyalty_settings.tiers')}</Typography.Title>
          <Form.Item
            name={['tiers', 'enabled']}
            label={t('loyalty_settings.tiers_on')}
            valuePropName="checked"
          >
            <Switch aria-label={t('loyalty_settings.tiers_on')} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name={['tiers', 'basis']} label={t('loyalty_settings.basis')}>
              <Select
                aria-label={t('loyalty_settings.basis')}
                style={{ width: 220 }}
                options={[
                  { value: 'spend', label: t('loyalty_settings.basis_spend') },
                  { value: 'points', label: t('loyalty_settings.basis_points') },
                ]}
              />
            </Form.Item>
            <Form.Item name={['tiers', 'grace_days']} label={t('loyalty_settings.grace_days')}>
              <InputNumber aria-label={t('loyalty_settings.grace_days')} />
            </Form.Item>
          </Space>
          <Form.List name={['tiers', 'levels']}>
            {(fields, { add, remove, move }) => (
              <>
                {fields.map((f, i) => (
                  <Space
                    key={f.key}
                    wrap
                    align="start"
                    style={{ borderTop: '1px solid #f0f0f0', paddingTop: 8 }}
                  >
                    <Form.Item name={[f.name, 'code']} label={t('loyalty_settings.level_code')}>
                      <Input style={{ width: 100 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'name_zh']} label={t('loyalty_settings.level_name_zh')}>
                      <Input style={{ width: 100 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'name_en']} label={t('loyalty_settings.level_name_en')}>
                      <Input style={{ width: 100 }} />
                    </Form.Item>
                    <Form.Item noStyle dependencies={[['tiers', 'basis']]}>
                      {() => (
                        <Form.Item
                          name={[f.name, 'min']}
                          label={t(
                            form.getFieldValue(['tiers', 'basis']) === 'spend'
                              ? 'loyalty_settings.level_min_spend'
                              : 'loyalty_settings.level_min_points',
                          )}
                        >
                          <InputNumber style={{ width: 120 }} />
                        </Form.Item>
                      )}
                    </Form.Item>
                    <Form.Item name={[f.name, 'multiplier']} label={t('loyalty_settings.multiplier')}>
                      <InputNumber style={{ width: 80 }} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'free_shipping']}
                      label={t('loyalty_settings.free_shipping')}
                      valuePropName="checked"
                    >
                      <Switch />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'birthday_coupon_template']}
                      label={t('loyalty_settings.birthday_coupon')}
                    >
                      <Select allowClear options={templateOptions} style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item label=" ">
                      <Space>
                        <Button
                          disabled={i === 0}
                          onClick={() => move(i, i - 1)}
                          aria-label={t('settings.move_up', { item: String(i + 1) })}
                        >
                          ↑
                        </Button>
                        <Button onClick={() => remove(f.name)}>{t('common.delete')}</Button>
                      </Space>
                    </Form.Item>
                  </Space>
                ))}
                <Form.Item>
                  <Button
                    onClick={() =>
                      add({ code: '', name_zh: '', name_en: '', min: 0, multiplier: 1, free_shipping: false })
                    }
                  >
                    {t('loyalty_settings.add_level')}
                  </Button>
                </Form.Item>
              </>
            )}
          </Form.List>

          <Typography.Title level={5}>{t('loyalty_settings.referrals')}</Typography.Title>
          <Space wrap align="start">
            <Form.Item name={['referrals', 'referrer_points']} label={t('loyalty_settings.referrer_points')}>
              <InputNumber aria-label={t('loyalty_settings.referrer_points')} />
            </Form.Item>
            <Form.Item name={['referrals', 'referee_points']} label={t('loyalty_settings.referee_points')}>
              <InputNumber aria-label={t('loyalty_settings.referee_points')} />
            </Form.Item>
            <Form.Item name={['referrals', 'referrer_coupon']} label={t('loyalty_settings.referrer_coupon')}>
              <Select
                allowClear
                options={templateOptions}
                style={{ width: 180 }}
                aria-label={t('loyalty_settings.referrer_coupon')}
              />
            </Form.Item>
            <Form.Item name={['referrals', 'referee_coupon']} label={t('loyalty_settings.referee_coupon')}>
              <Select
                allowClear
                options={templateOptions}
                style={{ width: 180 }}
                aria-label={t('loyalty_settings.referee_coupon')}
              />
            </Form.Item>
          </Space>
        </>
      )}
    </SettingsSection>
  );
}
