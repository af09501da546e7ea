import { Card, Table } from 'antd';
import { useSession } from '../../api/session.tsx';
import { LiftCard, Significance, useComparisonText } from '../../components/lift-card.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { JourneyReport } from './journey-report-types.ts';

/** Lift over the holdout: both groups' conversion, the difference with its 95% interval and p. */
export function HoldoutLift({ holdout }: { holdout: NonNullable<JourneyReport['holdout']> }) {
  const { t } = useI18n();
  return (
    <LiftCard
      title={t('lift.holdout', { step: holdout.step })}
      labels={{ treated: t('lift.treated'), control: t('lift.held_out') }}
      treated={holdout.treated}
      control={holdout.held_out}
      comparison={holdout}
    />
  );
}

/** An A/B split's arms: conversion, and each against the first arm. */
export function SplitArms({ split }: { split: JourneyReport['splits'][number] }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const text = useComparisonText();
  type Arm = (typeof split.arms)[number];
  return (
    <Card title={t('lift.split', { step: split.step })} size="small">
      <Table<Arm>
        rowKey="group"
        size="small"
        pagination={false}
        scroll={{ x: 640 }}
        dataSource={split.arms}
        columns={[
          { title: t('lift.arm'), dataIndex: 'group' },
          {
            title: t('lift.customers'),
            dataIndex: 'customers',
            align: 'right',
            render: (n: number) => fmt.number(n),
          },
          {
            title: t('lift.converted'),
            dataIndex: 'converted',
            align: 'right',
            render: (n: number) => fmt.number(n),
          },
          {
            title: t('lift.rate'),
            dataIndex: 'conversion_rate',
            align: 'right',
            render: (r: number | null) => fmt.percent(r),
          },
          {
            title: t('lift.vs_first'),
            key: 'difference',
            align: 'right',
            render: (_, a, i) => (i === 0 ? '—' : text.difference(a)),
          },
          { title: t('lift.ci95'), key: 'ci', render: (_, a, i) => (i === 0 ? '—' : text.ci(a)) },
          {
            title: t('lift.p_value'),
            key: 'p',
            align: 'right',
            render: (_, a, i) => (i === 0 ? '—' : text.p(a)),
          },
          {
            title: t('lift.significance'),
            key: 'sig',
            render: (_, a, i) => (i === 0 ? t('lift.baseline') : <Significance c={a} />),
          },
        ]}
      />
    </Card>
  );
}
