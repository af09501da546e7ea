import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Input,
  Popconfirm,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
} from 'antd';
import { useDeferredValue, useState } from 'react';
import { api, downloadUrl } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Segment, SegmentPreview } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { newRule, type Rule, segmentCondition } from './segment-rule.ts';
import { RuleEditor } from './segment-rule-editor.tsx';

/** The no-code segment builder with a live count and sample, and the saved segments. */
export function SegmentsPage() {
  const { t } = useI18n();
  const { me, fmt, canWrite } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [rules, setRules] = useState<Rule[]>([newRule('field')]);
  const [join, setJoin] = useState<'all' | 'any'>('all');
  const [name, setName] = useState('');
  const [saveError, setSaveError] = useState<string | null>(null);
  const condition = useDeferredValue(
    segmentCondition(rules, join, 10 ** currencyDigits(me.workspace.currency)),
  );
  const preview = useQuery({
    queryKey: ['segment-preview', me.workspace.name, condition],
    queryFn: () => api<SegmentPreview>('POST', '/segments/preview', { condition, sample: 10 }),
    enabled: condition !== undefined,
    placeholderData: keepPreviousData,
  });
  const saved = useApi<Segment[]>('/segments');
  const save = async () => {
    setSaveError(null);
    try {
      await api('POST', '/segments', { name, condition });
      message.success(t('segments.saved', { name }));
      setName('');
      await client.invalidateQueries({ queryKey: ['/segments'] });
    } catch (error) {
      setSaveError((error as Error).message);
    }
  };
  const remove = async (segment: string) => {
    await api('DELETE', `/segments/${encodeURIComponent(segment)}`);
    await client.invalidateQueries({ queryKey: ['/segments'] });
  };

  return (
    <>
      <PageTitle title={t('nav.segments')} />
      <Card title={t('segments.builder')} id="segment-builder">
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Segmented
            aria-label={t('segments.join')}
            value={join}
            onChange={(v) => setJoin(v as 'all' | 'any')}
            options={[
              { value: 'all', label: t('segments.all') },
              { value: 'any', label: t('segments.any') },
            ]}
          />
          {rules.map((rule, i) => (
            <RuleEditor
              // Rules have no identity of their own; their place is it.
              // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, never reordered
              key={i}
              rule={rule}
              index={i}
              onChange={(next) => setRules(rules.map((r, j) => (j === i ? next : r)))}
              onRemove={() => setRules(rules.filter((_, j) => j !== i))}
            />
          ))}
          <Button onClick={() => setRules([...rules, newRule('tag')])}>{t('segments.add_rule')}</Button>
        </Space>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={8}>
          <Card title={t('segments.preview')}>
            <Statistic
              title={t('segments.matching')}
              value={condition && preview.data ? fmt.number(preview.data.count) : '—'}
              loading={preview.isFetching && !preview.data}
            />
            {preview.error && <Alert type="error" showIcon title={preview.error.message} role="alert" />}
            {canWrite && (
              <Space.Compact style={{ width: '100%', marginTop: 16 }}>
                <Input
                  aria-label={t('segments.name')}
                  placeholder={t('segments.name')}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                />
                <Button type="primary" disabled={!name || !condition} onClick={() => void save()}>
                  {t('segments.save')}
                </Button>
              </Space.Compact>
            )}
            {saveError && (
              <Alert type="error" showIcon title={saveError} role="alert" style={{ marginTop: 8 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title={t('segments.sample')}>
            <Table<SegmentPreview['sample'][number]>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={condition ? (preview.data?.sample ?? []) : []}
              scroll={{ x: 560 }}
              columns={[
                {
                  title: t('customer.name'),
                  key: 'name',
                  render: (_, c) => (
                    <Link to={`/customers/${c.id}`}>{c.name ?? c.external_id ?? `#${c.id}`}</Link>
                  ),
                },
                { title: t('customer.phone'), dataIndex: 'phone' },
                { title: t('customer.orders'), dataIndex: 'order_count', align: 'right' },
                {
                  title: t('customer.net_total'),
                  dataIndex: 'net_total',
                  align: 'right',
                  render: (v: number) => fmt.money(v),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t('segments.saved_list')} style={{ marginTop: 16 }}>
        <Loaded query={saved}>
          {(list) => (
            <Table<Segment>
              rowKey="name"
              size="small"
              pagination={false}
              dataSource={list}
              locale={{
                emptyText: (
                  <EmptyNext text={t(canWrite ? 'empty.segments_next' : 'empty.segments')}>
                    {canWrite && (
                      <Button
                        type="primary"
                        onClick={() => {
                          // The builder is this page's top: the new segment starts there.
                          document.getElementById('segment-builder')?.scrollIntoView({ behavior: 'smooth' });
                          document.querySelector<HTMLInputElement>('#segment-builder input')?.focus();
                        }}
                      >
                        {t('empty.segments_new')}
                      </Button>
                    )}
                  </EmptyNext>
                ),
              }}
              columns={[
                {
                  title: t('segments.name'),
                  dataIndex: 'name',
                  render: (n: string) => <Link to={`/customers?segment=${encodeURIComponent(n)}`}>{n}</Link>,
                },
                {
                  title: t('segments.members'),
                  dataIndex: 'members',
                  align: 'right',
                  render: (n: number) => fmt.number(n),
                },
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_, s) => (
                    <Space wrap>
                      <Button
                        size="small"
                        href={downloadUrl(`/segments/${encodeURIComponent(s.name)}/export`, {
                          format: 'csv',
                        })}
                      >
                        CSV
                      </Button>
                      <Button
                        size="small"
                        href={downloadUrl(`/segments/${encodeURIComponent(s.name)}/export`, {
                          format: 'xlsx',
                        })}
                      >
                        XLSX
                      </Button>
                      {canWrite && (
                        <Popconfirm
                          title={t('segments.confirm_delete')}
                          onConfirm={() => void remove(s.name)}
                        >
                          <Button size="small" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
    </>
  );
}
