import { Card, Col, Empty, Row, Space, Statistic, Table, Typography } from 'antd';
import { npsGroup, type SurveyKind } from '../../../../src/surveys/survey-codes.ts';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Survey, SurveyReport } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { FiguresTable, useScoreText } from './survey-figures.tsx';
import { SurveyAnswers } from './survey-verbatims.tsx';

const GROUP_COLORS = { promoter: '#52c41a', passive: '#faad14', detractor: '#f5222d' } as const;

/** A survey's results: its score with the 95% interval, response rate, trend, distribution, tables and verbatims. */
export function SurveyResultsPage({ id }: { id: number }) {
  const survey = useApi<Survey>(`/surveys/${id}`);
  const report = useApi<SurveyReport>(`/surveys/${id}/report`);
  return (
    <Loaded query={survey}>
      {(s) => <Loaded query={report}>{(r) => <Results survey={s} report={r} />}</Loaded>}
    </Loaded>
  );
}

function Results({ survey, report }: { survey: Survey; report: SurveyReport }) {
  const { t, value, lang } = useI18n();
  const { fmt } = useSession();
  const text = useScoreText();
  const kind = survey.kind as SurveyKind;
  const total = report.total;
  // Months as the calendar names them (2026年1月, January 2026), not as a day.
  const monthName = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const month = (key: string) =>
    /^\d{4}-\d{2}$/.test(key) ? monthName.format(new Date(`${key}-01T00:00:00Z`)) : key;
  const nps = kind === 'nps';
  const scoreLabel = nps ? t('survey_results.nps') : t('survey_results.csat');
  const trend = report.by_month.filter((m) => m.responses > 0);
  const localText = (l: { 'zh-CN': string; en?: string }) =>
    lang === 'en' ? (l.en ?? l['zh-CN']) : l['zh-CN'];

  return (
    <>
      <PageTitle
        title={t('survey_results.title', { name: survey.name })}
        extra={
          <Space>
            <Typography.Text type="secondary">{value('survey_kind', survey.kind)}</Typography.Text>
            <Link to="/surveys">{t('surveys.back')}</Link>
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={scoreLabel} value={text.score(kind, total)} />
            <Typography.Text type="secondary" data-testid="score-interval">
              {nps
                ? `${t('survey_results.interval')} ${text.interval(total)}`
                : `${t('survey_results.satisfied')} ${text.rate(total.csat_satisfied_percent)}`}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('survey_results.response_rate')} value={text.rate(total.response_rate)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('survey_results.sent')} value={fmt.number(total.sent)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('survey_results.answered')} value={fmt.number(total.responses)} />
            {nps && (
              <Typography.Text type="secondary">
                {t('survey_results.groups', {
                  promoters: fmt.number(total.promoters),
                  passives: fmt.number(total.passives),
                  detractors: fmt.number(total.detractors),
                })}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('survey_results.trend', { score: scoreLabel })}>
            {trend.length === 0 ? (
              <Empty description={t('survey_results.no_answers')} />
            ) : (
              <EChart
                label={t('survey_results.trend', { score: scoreLabel })}
                height={260}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { bottom: 0 },
                  grid: { left: 48, right: 16, top: 16, bottom: 48 },
                  xAxis: { type: 'category', data: trend.map((m) => month(m.key)) },
                  yAxis: nps ? { type: 'value', min: -100, max: 100 } : { type: 'value', min: 1, max: 5 },
                  series: nps
                    ? [
                        { type: 'line', name: scoreLabel, data: trend.map((m) => m.nps) },
                        {
                          type: 'line',
                          name: t('survey_results.interval_low'),
                          lineStyle: { type: 'dashed' },
                          data: trend.map((m) => m.nps_low),
                        },
                        {
                          type: 'line',
                          name: t('survey_results.interval_high'),
                          lineStyle: { type: 'dashed' },
                          data: trend.map((m) => m.nps_high),
                        },
                      ]
                    : [{ type: 'line', name: scoreLabel, data: trend.map((m) => m.csat_mean) }],
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('survey_results.distribution')}>
            <EChart
              label={t('survey_results.distribution')}
              height={260}
              option={{
                tooltip: { trigger: 'axis' },
                grid: { left: 48, right: 16, top: 16, bottom: 32 },
                xAxis: { type: 'category', data: report.distribution.map((d) => String(d.score)) },
                yAxis: { type: 'value', minInterval: 1 },
                series: [
                  {
                    type: 'bar',
                    name: t('survey_results.answered'),
                    data: report.distribution.map((d) => ({
                      value: d.responses,
                      itemStyle: nps ? { color: GROUP_COLORS[npsGroup(d.score)] } : undefined,
                    })),
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('survey_results.by_channel')}>
            <FiguresTable
              kind={kind}
              rows={report.by_channel}
              label={t('survey_results.by_channel')}
              keyTitle={t('survey_results.channel')}
              keyText={(k) => (k === '-' ? t('survey_results.no_channel') : value('channel', k))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('survey_results.by_journey')}>
            <FiguresTable
              kind={kind}
              rows={report.by_journey}
              label={t('survey_results.by_journey')}
              keyTitle={t('survey_results.journey')}
              keyText={(k) => (k === '-' ? t('survey_results.no_journey') : k)}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('survey_results.by_segment')}>
            <FiguresTable
              kind={kind}
              rows={report.by_segment}
              label={t('survey_results.by_segment')}
              keyTitle={t('survey_results.segment')}
              keyText={(k) => k}
              empty={t('survey_results.no_segments')}
            />
          </Card>
        </Col>
        {report.choices.map((c) => {
          const q = survey.definition.questions.find((x) => x.id === c.question);
          const optionText = (v: string) => {
            const o = q?.options?.find((x) => x.value === v);
            return o ? localText(o.label) : v;
          };
          return (
            <Col xs={24} lg={12} key={c.question}>
              <Card size="small" title={q ? localText(q.title) : c.question}>
                <Table
                  rowKey="value"
                  size="small"
                  pagination={false}
                  dataSource={c.options}
                  columns={[
                    { title: t('survey_results.option'), dataIndex: 'value', render: optionText },
                    {
                      title: t('survey_results.answered'),
                      dataIndex: 'responses',
                      align: 'right',
                      render: (n: number) => fmt.number(n),
                    },
                  ]}
                />
              </Card>
            </Col>
          );
        })}
        <Col span={24}>
          <Card size="small" title={t('survey_results.verbatims')}>
            <SurveyAnswers path={`/surveys/${survey.id}/responses`} mode="verbatims" />
          </Card>
        </Col>
      </Row>
    </>
  );
}
