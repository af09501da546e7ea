import { Table } from 'antd';
import type { SurveyKind } from '../../../../src/surveys/survey-codes.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { SurveyReport } from '../../lib/types.ts';

type Figures = SurveyReport['total'];

/** A score in words: NPS −100…100 with its 95% interval, or the CSAT mean (1–5) and its share satisfied. */
export function useScoreText() {
  const { t } = useI18n();
  const { fmt } = useSession();
  return {
    score: (kind: SurveyKind, f: Figures) =>
      kind === 'nps' ? fmt.number(f.nps, 1) : fmt.number(f.csat_mean, 2),
    interval: (f: Figures) =>
      f.nps_low === null || f.nps_high === null
        ? '—'
        : t('survey_results.interval_range', {
            low: fmt.number(f.nps_low, 1),
            high: fmt.number(f.nps_high, 1),
          }),
    rate: (percent: number | null) => fmt.percent(percent === null ? null : percent / 100),
  };
}

/** Sent, answered, response rate and the score per channel, journey, segment or month. */
export function FiguresTable({
  kind,
  rows,
  keyTitle,
  keyText,
  label,
  empty,
}: {
  kind: SurveyKind;
  rows: Figures[];
  keyTitle: string;
  keyText: (key: string) => string;
  label: string;
  /** What an empty table says, when not "no answers yet". */
  empty?: string;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const text = useScoreText();
  return (
    <Table<Figures>
      aria-label={label}
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={rows}
      scroll={{ x: 600 }}
      locale={{ emptyText: empty ?? t('survey_results.no_answers') }}
      columns={[
        { title: keyTitle, dataIndex: 'key', render: (k: string) => keyText(k) },
        { title: t('survey_results.sent'), dataIndex: 'sent', align: 'right', render: (n) => fmt.number(n) },
        {
          title: t('survey_results.answered'),
          dataIndex: 'responses',
          align: 'right',
          render: (n) => fmt.number(n),
        },
        {
          title: t('survey_results.response_rate'),
          dataIndex: 'response_rate',
          align: 'right',
          render: (p: number | null) => text.rate(p),
        },
        ...(kind === 'nps'
          ? [
              {
                title: t('survey_results.nps'),
                key: 'nps',
                align: 'right' as const,
                render: (_: unknown, f: Figures) => text.score(kind, f),
              },
              {
                title: t('survey_results.interval'),
                key: 'interval',
                render: (_: unknown, f: Figures) => text.interval(f),
              },
            ]
          : [
              {
                title: t('survey_results.csat'),
                key: 'csat',
                align: 'right' as const,
                render: (_: unknown, f: Figures) => text.score(kind, f),
              },
              {
                title: t('survey_results.satisfied'),
                key: 'satisfied',
                align: 'right' as const,
                render: (_: unknown, f: Figures) => text.rate(f.csat_satisfied_percent),
              },
            ]),
      ]}
    />
  );
}
