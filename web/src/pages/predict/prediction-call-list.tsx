import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import type {
  CallList,
  CallListEntry,
  CallListTasksResult,
} from '../../../../src/predict/predict-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { Segment } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { predictError } from './prediction-shared.ts';

const TOPS = [20, 50, 100, 200];

/**
 * The staff call list: customers by value at risk (predicted CLV × (1 − P(alive))) with the reason
 * in the user's language, filtered by a saved segment, and 生成回访任务 for the chosen rows (or all shown).
 */
export function PredictionCallList() {
  const { t, lang } = useI18n();
  const { me, fmt } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [top, setTop] = useState(50);
  const [segment, setSegment] = useState<string | undefined>();
  const [selected, setSelected] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const list = useApi<CallList>('/predict/call-list', { top, segment, lang });
  const segments = useApi<Segment[]>('/segments');
  const create = async () => {
    setBusy(true);
    try {
      const body = selected.length > 0 ? { customer_ids: selected } : { top, segment };
      const done = await api<CallListTasksResult>('POST', '/predict/call-list/tasks', {
        ...body,
        kind: 'callback',
        lang,
      });
      message.success(
        `${t('predict.tasks_created', { created: fmt.number(done.created) })}${
          done.skipped > 0 ? t('predict.tasks_skipped', { skipped: fmt.number(done.skipped) }) : ''
        }`,
      );
      setSelected([]);
      await client.invalidateQueries({ queryKey: ['/tasks'] });
    } catch (error) {
      message.error(predictError(error, t));
    } finally {
      setBusy(false);
    }
  };
  const shown = list.data?.items.length ?? 0;
  return (
    <Card
      title={t('predict.call_list')}
      style={{ marginTop: 16 }}
      data-call-list
      extra={
        <Space wrap>
          <Select
            aria-label={t('customers.segment')}
            placeholder={t('predict.all_customers')}
            allowClear
            value={segment}
            onChange={(v) => {
              setSegment(v);
              setSelected([]);
            }}
            options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
            style={{ width: 160 }}
          />
          <Select
            aria-label={t('predict.top')}
            value={top}
            onChange={(v) => {
              setTop(v);
              setSelected([]);
            }}
            options={TOPS.map((n) => ({ value: n, label: t('predict.top_n', { n }) }))}
            style={{ width: 110 }}
          />
          {may(me.role, 'tasks.write') && (
            <Popconfirm
              title={
                selected.length > 0
                  ? t('predict.create_selected', { n: selected.length })
                  : t('predict.create_confirm', { n: shown })
              }
              onConfirm={create}
              disabled={shown === 0}
            >
              <Button type="primary" loading={busy} disabled={shown === 0}>
                {selected.length > 0
                  ? t('predict.create_selected', { n: selected.length })
                  : t('predict.create_tasks')}
              </Button>
            </Popconfirm>
          )}
          <Link to="/tasks">{t('predict.to_tasks')}</Link>
        </Space>
      }
    >
      <Loaded query={list}>
        {(l) => (
          <Table<CallListEntry>
            rowKey="customer_id"
            size="small"
            pagination={{ pageSize: 20, showSizeChanger: false }}
            dataSource={l.items}
            locale={{ emptyText: t('predict.empty_list') }}
            scroll={{ x: 1000 }}
            rowSelection={
              may(me.role, 'tasks.write')
                ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }
                : undefined
            }
            columns={[
              { title: t('predict.rank'), dataIndex: 'rank', width: 64 },
              {
                title: t('predict.customer'),
                dataIndex: 'customer_id',
                render: (id: number, e: CallListEntry) => (
                  <Link to={`/customers/${id}`}>{e.name ?? e.external_id ?? `#${id}`}</Link>
                ),
              },
              {
                title: t('predict.value_at_risk'),
                dataIndex: 'value_at_risk',
                align: 'right',
                render: (v: number) => fmt.money(v),
              },
              {
                title: t('predict.p_alive'),
                dataIndex: 'p_alive',
                align: 'right',
                render: (v: number) => fmt.percent(v),
              },
              {
                title: t('predict.clv'),
                dataIndex: 'predicted_clv',
                align: 'right',
                render: (v: number) => fmt.money(v),
              },
              {
                title: t('predict.last_order'),
                dataIndex: 'last_order_date',
                render: (d: string | null) => fmt.date(d),
              },
              { title: t('predict.reason'), dataIndex: 'reason', width: 360 },
            ]}
          />
        )}
      </Loaded>
    </Card>
  );
}
