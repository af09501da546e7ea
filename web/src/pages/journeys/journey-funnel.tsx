import { Card, Col, Row, Statistic, Table } from 'antd';
import { type HTMLAttributes, useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Funnel, JourneyReport } from './journey-report-types.ts';

/** The funnel's stages, in order (README, Journeys: Results). */
export const FUNNEL_STAGES = [
  'touched',
  'delivered',
  'opened',
  'clicked',
  'added_to_cart',
  'converted',
] as const;

/** Touched → delivered → opened → clicked → added to cart → converted, as a funnel and in figures. */
export function FunnelFigures({ funnel: f, title }: { funnel: Funnel; title: string }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: 8,
          right: 8,
          top: 8,
          bottom: 8,
          minSize: '8%',
          max: Math.max(f.touched, 1),
          label: { show: true, position: 'inside', formatter: '{b}: {c}' },
          data: FUNNEL_STAGES.map((s) => ({ name: t(`funnel.${s}`), value: f[s] })),
        },
      ],
    }),
    [f, t],
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={12}>
        <EChart option={option} height={280} label={title} />
      </Col>
      <Col xs={24} md={12}>
        <Row gutter={[12, 12]}>
          {FUNNEL_STAGES.map((s) => (
            <Col xs={12} key={s}>
              <div data-funnel={s}>
                <Statistic title={t(`funnel.${s}`)} value={fmt.number(f[s])} />
              </div>
            </Col>
          ))}
          <Col xs={12}>
            <div data-funnel="revenue">
              <Statistic title={t('funnel.revenue')} value={fmt.money(f.revenue)} />
            </div>
          </Col>
          <Col xs={12}>
            <div data-funnel="conversion_rate">
              <Statistic title={t('funnel.conversion_rate')} value={fmt.percent(f.conversion_rate)} />
            </div>
          </Col>
        </Row>
      </Col>
    </Row>
  );
}

/** A journey's funnel, and per send step when it has several. */
export function JourneyFunnel({
  report,
  nameOf,
}: {
  report: JourneyReport;
  /** A step's name in words, by id. */
  nameOf: (step: string) => string;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  return (
    <Card title={t('journeys.funnel')} size="small">
      <FunnelFigures funnel={report.funnel} title={t('journeys.funnel')} />
      {report.funnel_by_step.length > 1 && (
        <Table<Funnel & { step: string }>
          rowKey="step"
          size="small"
          pagination={false}
          style={{ marginTop: 16 }}
          scroll={{ x: 640 }}
          dataSource={report.funnel_by_step}
          onRow={(s) => ({ 'data-funnel-step': s.step }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('journeys.step'), dataIndex: 'step', render: (s: string) => nameOf(s) },
            ...FUNNEL_STAGES.map((s) => ({
              title: t(`funnel.${s}`),
              dataIndex: s,
              align: 'right' as const,
              render: (n: number) => fmt.number(n),
            })),
            {
              title: t('funnel.revenue'),
              dataIndex: 'revenue',
              align: 'right',
              render: (n: number) => fmt.money(n),
            },
          ]}
        />
      )}
    </Card>
  );
}
