import { Button, Card, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { CacReport, CacRow, SpendRow } from '../../../../src/acquisition/acquisition-contract.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { SpendEditor } from './spend-editor.tsx';

/** The months `YYYY-MM` of the local dates [from, to). */
export function monthsOf(from: string, to: string): { first: string; last: string } {
  const end = new Date(`${to}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - 1);
  return { first: from.slice(0, 7), last: end.toISOString().slice(0, 7) };
}

/** 获客成本: spend, new buyers, CAC, CLV : CAC and payback per channel and month; operators enter spend. */
export function AcquisitionSection({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const { fmt, canWrite } = useSession();
  const [editing, setEditing] = useState(false);
  const { first, last } = monthsOf(from, to);
  const report = useApi<CacReport>('/acquisition/report', { from: first, to: last });
  const spend = useApi<SpendRow[]>('/acquisition/spend', { from: first, to: last });
  const month = (m: string) => fmt.period(`${m}-01`, 'month');
  const times = (x: number | null) => (x === null ? '—' : t('acquisition.times', { x: x.toFixed(1) }));
  const payback = (r: CacRow) => {
    if (r.new_buyers === 0) return t('acquisition.no_buyers');
    if (r.payback_month === null) return t('acquisition.not_paid_back');
    return r.payback_months === 0
      ? t('acquisition.paid_back_same', { month: month(r.payback_month) })
      : t('acquisition.paid_back_after', { month: month(r.payback_month), n: r.payback_months ?? 0 });
  };
  return (
    <Card
      title={t('acquisition.title')}
      style={{ marginTop: 16 }}
      data-section="acquisition"
      extra={
        canWrite && (
          <Button onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
            {t('acquisition.edit')}
          </Button>
        )
      }
    >
      {editing && canWrite && (
        <Loaded query={spend}>
          {(rows) => <SpendEditor first={first} last={last} rows={rows} onClose={() => setEditing(false)} />}
        </Loaded>
      )}
      <Loaded query={report}>
        {(r) =>
          r.rows.length === 0 ? (
            <Typography.Paragraph type="secondary">{t('acquisition.empty')}</Typography.Paragraph>
          ) : (
            <Table<CacRow>
              rowKey={(row) => `${row.month}|${row.channel}`}
              size="small"
              pagination={false}
              dataSource={r.rows}
              scroll={{ x: 960 }}
              aria-label={t('acquisition.title')}
              columns={[
                { title: t('acquisition.channel'), dataIndex: 'channel' },
                { title: t('acquisition.month'), dataIndex: 'month', render: (m: string) => month(m) },
                {
                  title: t('acquisition.spend'),
                  dataIndex: 'spend',
                  align: 'right',
                  render: (v: number) => fmt.moneyCompact(v),
                },
                {
                  title: t('acquisition.new_buyers'),
                  dataIndex: 'new_buyers',
                  align: 'right',
                  render: (v: number) => fmt.number(v),
                },
                {
                  title: t('acquisition.cac'),
                  dataIndex: 'cac',
                  align: 'right',
                  render: (v: number | null) => (v === null ? '—' : fmt.moneyCompact(Math.round(v))),
                },
                {
                  title: t('acquisition.clv_cac'),
                  dataIndex: 'clv_cac',
                  align: 'right',
                  render: (v: number | null) => times(v),
                },
                {
                  title: t('acquisition.predicted_clv_cac'),
                  dataIndex: 'predicted_clv_cac',
                  align: 'right',
                  render: (v: number | null) =>
                    r.predictions_fitted_at === null ? t('acquisition.no_predictions') : times(v),
                },
                {
                  title: t('acquisition.payback'),
                  key: 'payback',
                  render: (_: unknown, row: CacRow) => payback(row),
                },
              ]}
            />
          )
        }
      </Loaded>
      <Space style={{ marginTop: 12 }}>
        <Typography.Text type="secondary">{t('acquisition.hint')}</Typography.Text>
      </Space>
    </Card>
  );
}
