import { Card, Col, Input, Row, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { addDays, todayIn } from '../../lib/dates.ts';
import { codeLabel } from '../../lib/labels.ts';
import type { RfmGrid, RfmGroupRow, RfmSummary } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { MovementMatrix } from './movement-matrix.tsx';

/** The eight RFM groups, the R×F heat map (a cell opens its customers) and movement between dates. */
export function RfmPage() {
  const { t, lang } = useI18n();
  const { fmt, me } = useSession();
  const summary = useApi<RfmSummary>('/rfm/summary');
  const grid = useApi<RfmGrid>('/rfm/grid');
  const today = todayIn(me.workspace.timezone);
  const [from, setFrom] = useState(addDays(today, -90));
  const [to, setTo] = useState(today);
  return (
    <>
      <PageTitle title={t('nav.rfm')} />
      <Card title={t('rfm.groups')}>
        <Loaded query={summary}>
          {(s) => (
            <Table<RfmGroupRow>
              rowKey="rfm_group"
              size="small"
              pagination={false}
              dataSource={s.groups}
              scroll={{ x: 720 }}
              columns={[
                {
                  title: t('rfm.group'),
                  dataIndex: 'rfm_group',
                  render: (g: string) => (
                    <Link to={`/customers?rfm_group=${g}`}>{codeLabel(t, 'rfm', g)}</Link>
                  ),
                },
                {
                  title: t('rfm.customers'),
                  dataIndex: 'customers',
                  align: 'right',
                  render: (n: number) => fmt.number(n),
                },
                {
                  title: t('rfm.share'),
                  dataIndex: 'share',
                  align: 'right',
                  render: (n: number) => fmt.percent(n),
                },
                {
                  title: t('kpi.revenue'),
                  dataIndex: 'revenue',
                  align: 'right',
                  render: (n: number) => fmt.money(n),
                },
                {
                  title: t('kpi.aov'),
                  dataIndex: 'aov',
                  align: 'right',
                  render: (n: number | null) => fmt.money(n),
                },
                {
                  title: t('rfm.action'),
                  key: 'action',
                  render: (_, g) => (lang === 'zh-CN' ? g.action_zh : g.action_en),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={12}>
          <Card title={t('rfm.heatmap')}>
            <Loaded query={grid}>{(g) => <HeatMap grid={g} />}</Loaded>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            title={t('rfm.movement')}
            extra={
              <Space wrap>
                <Input
                  type="date"
                  aria-label={t('common.from')}
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                />
                <Input
                  type="date"
                  aria-label={t('common.to')}
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                />
              </Space>
            }
          >
            <MovementMatrix from={from} to={to} />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function HeatMap({ grid }: { grid: RfmGrid }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const scores = ['1', '2', '3', '4', '5'];
  const data = grid.customers.flatMap((row, r) => row.map((n, f) => [f, r, n]));
  const max = Math.max(1, ...data.map((d) => d[2]!));
  // F columns nobody falls in (most customers bought once, so high F scores stay empty): said, not left to guess.
  const emptyF = scores.filter((_, f) => grid.customers.every((row) => (row[f] ?? 0) === 0));
  return (
    <>
      <EChart
        label={t('rfm.heatmap')}
        height={340}
        onClick={(e) => {
          const [f, r] = e.data as number[];
          navigate(`/customers?r_score=${r! + 1}&f_score=${f! + 1}`);
        }}
        option={{
          tooltip: {
            formatter: (p: { data: number[] }) =>
              t('rfm.cell_tooltip', {
                r: p.data[1]! + 1,
                f: p.data[0]! + 1,
                n: fmt.number(p.data[2]),
                revenue: fmt.money(grid.revenue[p.data[1]!]![p.data[0]!]),
              }),
          },
          grid: { left: 56, right: 16, top: 16, bottom: 72 },
          xAxis: {
            type: 'category',
            data: scores,
            name: t('rfm.f_axis'),
            nameLocation: 'middle',
            nameGap: 28,
          },
          yAxis: {
            type: 'category',
            data: scores,
            name: t('rfm.r_axis'),
            nameLocation: 'middle',
            nameGap: 32,
          },
          visualMap: {
            min: 0,
            max,
            calculable: false,
            orient: 'horizontal',
            left: 'center',
            bottom: 0,
            inRange: { color: ['#f0f5ff', '#0b57d0'] },
          },
          series: [
            {
              type: 'heatmap',
              data,
              label: { show: true },
              emphasis: { itemStyle: { borderColor: '#000' } },
            },
          ],
        }}
      />
      {emptyF.length > 0 && (
        <Typography.Paragraph type="secondary" data-empty-f={emptyF.join(',')} style={{ marginTop: 8 }}>
          {`F ${emptyF.join('、')}：${t('rfm.empty_f_note')}`}
        </Typography.Paragraph>
      )}
      {/* The same numbers as links, for keyboards and screen readers. */}
      <div className="sr-only">
        <table>
          <caption>{t('rfm.heatmap')}</caption>
          <tbody>
            {grid.customers.map((row, r) => (
              <tr key={scores[r]}>
                {row.map((n, f) => (
                  <td key={scores[f]}>
                    <Link to={`/customers?r_score=${r + 1}&f_score=${f + 1}`}>
                      {t('customers.cell', { r: r + 1, f: f + 1 })}: {fmt.number(n)}
                    </Link>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
