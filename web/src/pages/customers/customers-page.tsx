import { App, Button, Card, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, downloadUrl } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { type CustomerListPage, type CustomerRow, LIFECYCLE_STAGES, RFM_GROUPS } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, setQuery, useLocation } from '../../router.tsx';

const PAGE_SIZE = 20;
const FILTERS = ['q', 'segment', 'tag', 'lifecycle', 'rfm_group', 'r_score', 'f_score', 'tier'] as const;

/** The customer list: search and filters in the address, pages fetched from the server by cursor. */
export function CustomersPage() {
  const { t } = useI18n();
  const { fmt, canWrite } = useSession();
  const { message } = App.useApp();
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? undefined])) as Record<
    (typeof FILTERS)[number],
    string | undefined
  >;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<number[]>([]);
  const [bulkTag, setBulkTag] = useState('');
  const page = useApi<CustomerListPage>('/customers', {
    ...filters,
    cursor: cursors.at(-1),
    limit: PAGE_SIZE,
  });
  const segments = useApi<{ name: string }[]>('/segments');
  const change = (key: (typeof FILTERS)[number], value: string | undefined) => {
    setCursors([undefined]);
    setSelected([]);
    setQuery({ [key]: value });
  };
  const tagSelected = async () => {
    const result = await api<{ added: number }>('POST', '/customers/tags', {
      tag: bulkTag,
      customer_ids: selected,
    });
    message.success(t('customers.tagged', { count: result.added }));
    setSelected([]);
    setBulkTag('');
    void page.refetch();
  };
  const cell =
    filters.r_score && filters.f_score ? t('customers.cell', { r: filters.r_score, f: filters.f_score }) : '';

  return (
    <>
      <PageTitle
        title={t('nav.customers')}
        extra={
          <Button href={downloadUrl('/customers/export', filters)} download>
            {t('customers.export')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            aria-label={t('customers.search')}
            placeholder={t('customers.search')}
            defaultValue={filters.q}
            allowClear
            onSearch={(v) => change('q', v)}
            style={{ width: 240 }}
          />
          <Select
            aria-label={t('customers.segment')}
            placeholder={t('customers.segment')}
            allowClear
            value={filters.segment}
            onChange={(v) => change('segment', v)}
            options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
            style={{ width: 160 }}
          />
          <Input
            aria-label={t('customers.tag')}
            placeholder={t('customers.tag')}
            defaultValue={filters.tag}
            onPressEnter={(e) => change('tag', e.currentTarget.value)}
            onBlur={(e) => change('tag', e.currentTarget.value)}
            style={{ width: 120 }}
          />
          <Select
            aria-label={t('customers.lifecycle')}
            placeholder={t('customers.lifecycle')}
            allowClear
            value={filters.lifecycle}
            onChange={(v) => change('lifecycle', v)}
            options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: t(`lifecycle.${s}`) }))}
            style={{ width: 130 }}
          />
          <Select
            aria-label={t('customers.rfm_group')}
            placeholder={t('customers.rfm_group')}
            allowClear
            value={filters.rfm_group}
            onChange={(v) => change('rfm_group', v)}
            options={RFM_GROUPS.map((g) => ({ value: g, label: t(`rfm.${g}`) }))}
            style={{ width: 160 }}
          />
          <Input
            aria-label={t('customers.tier')}
            placeholder={t('customers.tier')}
            defaultValue={filters.tier}
            onPressEnter={(e) => change('tier', e.currentTarget.value)}
            onBlur={(e) => change('tier', e.currentTarget.value)}
            style={{ width: 110 }}
          />
          {cell && (
            <Tag
              closable
              onClose={() => {
                setCursors([undefined]);
                setQuery({ r_score: undefined, f_score: undefined });
              }}
            >
              {cell}
            </Tag>
          )}
        </Space>
      </Card>
      {canWrite && selected.length > 0 && (
        <Space wrap style={{ marginBottom: 12 }}>
          <span>{t('customers.selected', { count: selected.length })}</span>
          <Input
            aria-label={t('customers.bulk_tag')}
            placeholder={t('customers.bulk_tag')}
            value={bulkTag}
            onChange={(e) => setBulkTag(e.target.value)}
            style={{ width: 160 }}
          />
          <Button type="primary" disabled={!bulkTag} onClick={() => void tagSelected()}>
            {t('customers.add_tag')}
          </Button>
        </Space>
      )}
      <Table<CustomerRow>
        rowKey="id"
        size="middle"
        loading={page.isFetching}
        dataSource={page.data?.items ?? []}
        pagination={false}
        scroll={{ x: 800 }}
        locale={{
          // A new workspace's empty list says what to do next; a search that finds nobody says so.
          emptyText: Object.values(filters).some(Boolean) ? undefined : (
            <Link to="/import">{t('empty.import_customers')}</Link>
          ),
        }}
        rowSelection={
          canWrite
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }
            : undefined
        }
        columns={[
          {
            title: t('customer.name'),
            key: 'name',
            render: (_, c) => <Link to={`/customers/${c.id}`}>{c.name ?? c.external_id ?? `#${c.id}`}</Link>,
          },
          { title: t('customer.external_id'), dataIndex: 'external_id' },
          { title: t('customer.phone'), dataIndex: 'phone' },
          { title: t('customer.city'), dataIndex: 'city' },
          { title: t('customer.tier'), dataIndex: 'member_tier' },
          { title: t('customer.orders'), dataIndex: 'order_count', align: 'right' },
          {
            title: t('customer.net_total'),
            dataIndex: 'net_total',
            align: 'right',
            render: (v: number) => fmt.money(v),
          },
          {
            title: t('customer.last_order'),
            dataIndex: 'last_order_date',
            render: (v: string | null) => fmt.date(v),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </Button>
        <span>{t('common.page', { page: cursors.length })}</span>
        {page.data && (
          <span data-testid="customers-total">
            {t(page.data.total_exact ? 'customers.total' : 'customers.total_estimate', {
              n: fmt.number(page.data.total),
            })}
          </span>
        )}
        <Button
          disabled={!page.data?.next_cursor}
          onClick={() => setCursors((c) => [...c, page.data!.next_cursor!])}
        >
          {t('common.next')}
        </Button>
      </Space>
    </>
  );
}
