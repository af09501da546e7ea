import { Card, Descriptions, Table, Tag } from 'antd';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Comparison, GroupConversion, JourneyReport } from './journey-report-types.ts';

/** Figures of a comparison in the page's language: `+2.3%`, `[−1.2%, 5.8%]`, `0.012`. */
function useComparisonText() {
  const { fmt } = useSession();
  const signed = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${fmt.percent(x)}`);
  return {
    difference: (c: Comparison) => signed(c.difference),
    ci: (c: Comparison) => (c.ci95 ? `[${signed(c.ci95[0])}, ${signed(c.ci95[1])}]` : '—'),
    p: (c: Comparison) =>
      c.p_value === null ? '—' : c.p_value < 0.001 ? `< ${fmt.number(0.001, 3)}` : fmt.number(c.p_value, 3),
  };
}

function Significance({ c }: { c: Comparison }) {
  const { t } = useI18n();
  if (c.p_value === null) return <>—</>;
  return c.significant ? (
    <Tag color="green">{t('lift.significant')}</Tag>
  ) : (
    <Tag>{t('lift.not_significant')}</Tag>
  );
}

/** Lift over the holdout: both groups' conversion, the difference with its 95% interval and p. */
export function HoldoutLift({ holdout }: { holdout: NonNullable<JourneyReport['holdout']> }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const text = useComparisonText();
  const group = (g: GroupConversion) =>
    t('lift.group_figures', {
      converted: fmt.number(g.converted),
      customers: fmt.number(g.customers),
      rate: fmt.percent(g.conversion_rate),
    });
  return (
    <Card title={t('lift.holdout', { step: holdout.step })} size="small">
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={t('lift.treated')}>
          <span data-lift="treated">{group(holdout.treated)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.held_out')}>
          <span data-lift="held_out">{group(holdout.held_out)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.difference')}>
          <span data-lift="difference">{text.difference(holdout)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.ci95')}>
          <span data-lift="ci95">{text.ci(holdout)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.p_value')}>
          <span data-lift="p_value">{text.p(holdout)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('lift.significance')}>
          <Significance c={holdout} />
        </Descriptions.Item>
      </Descriptions>
    </Card>
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
