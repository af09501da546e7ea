import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import type { Product, ProductPage } from '../../../../src/products/product-contract.ts';
import type { Store } from '../../../../src/stores/store-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';
import { IntervalsCard } from './intervals-card.tsx';

/** 门店与商品: the stores (codes that orders, coupons and members carry) and the products. */
export function CatalogCard() {
  return (
    <>
      <StoresCard />
      <ProductsCard />
      <IntervalsCard />
    </>
  );
}

function StoresCard() {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  const client = useQueryClient();
  const stores = useApi<Store[]>('/stores');
  const [form] = Form.useForm<{ code: string; name: string; city?: string }>();
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['/stores'] });
  const add = async (v: { code: string; name: string; city?: string }) => {
    setProblem(null);
    clearFieldErrors(form);
    try {
      await api('POST', '/stores', { code: v.code, name: v.name, city: v.city?.trim() || null });
      form.resetFields();
      await refresh();
    } catch (error) {
      if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  const setActive = async (s: Store, active: boolean) => {
    await api('PATCH', `/stores/${encodeURIComponent(s.code)}`, { active });
    await refresh();
  };
  return (
    <Card title={t('catalog.stores')} style={{ marginBottom: 16 }}>
      {isAdmin && (
        <Form
          form={form}
          layout="inline"
          onFinish={(v) => void add(v)}
          style={{ marginBottom: 12, rowGap: 8 }}
        >
          <Form.Item
            name="code"
            label={t('catalog.store_code')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input aria-label={t('catalog.store_code')} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('catalog.store_name')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input aria-label={t('catalog.store_name')} />
          </Form.Item>
          <Form.Item name="city" label={t('catalog.city')}>
            <Input aria-label={t('catalog.city')} style={{ width: 120 }} />
          </Form.Item>
          <Button htmlType="submit">{t('catalog.add_store')}</Button>
        </Form>
      )}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      <Loaded query={stores}>
        {(rows) => (
          <Table<Store>
            rowKey="code"
            size="small"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: t('catalog.store_code'), dataIndex: 'code' },
              { title: t('catalog.store_name'), dataIndex: 'name' },
              { title: t('catalog.city'), dataIndex: 'city', render: (c: string | null) => c ?? '—' },
              {
                title: t('common.status'),
                dataIndex: 'active',
                render: (a: boolean) => (
                  <Tag color={a ? 'green' : 'default'}>{t(a ? 'catalog.open' : 'catalog.closed')}</Tag>
                ),
              },
              ...(isAdmin
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      render: (_: unknown, s: Store) =>
                        s.active ? (
                          <Popconfirm
                            title={t('catalog.confirm_close')}
                            onConfirm={() => void setActive(s, false)}
                          >
                            <Button size="small">{t('catalog.close')}</Button>
                          </Popconfirm>
                        ) : (
                          <Button size="small" onClick={() => void setActive(s, true)}>
                            {t('catalog.reopen')}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
    </Card>
  );
}

function ProductsCard() {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const page = useApi<ProductPage>('/products', {
    q: search.trim() || undefined,
    cursor: cursors[cursors.length - 1],
    limit: 20,
  });
  return (
    <Card
      title={t('catalog.products')}
      extra={isAdmin && <Button onClick={() => setEditing('new')}>{t('catalog.add_product')}</Button>}
    >
      <Input.Search
        aria-label={t('catalog.search')}
        placeholder={t('catalog.search')}
        allowClear
        style={{ maxWidth: 320, marginBottom: 12 }}
        onSearch={(v) => {
          setSearch(v);
          setCursors([]);
        }}
      />
      <Loaded query={page}>
        {(p) => (
          <>
            <Table<Product>
              rowKey="sku"
              size="small"
              pagination={false}
              dataSource={p.items}
              columns={[
                { title: t('catalog.sku'), dataIndex: 'sku' },
                {
                  title: t('catalog.product_name'),
                  dataIndex: 'name',
                  render: (v: string | null) => v ?? '—',
                },
                {
                  title: t('catalog.category'),
                  dataIndex: 'category',
                  render: (v: string | null) => v ?? '—',
                },
                {
                  title: t('catalog.repurchase_days'),
                  dataIndex: 'repurchase_days',
                  render: (v: number | null) => (v === null ? '—' : t('catalog.days', { n: v })),
                },
                ...(isAdmin
                  ? [
                      {
                        title: t('common.actions'),
                        key: 'edit',
                        render: (_: unknown, r: Product) => (
                          <Button
                            size="small"
                            aria-label={`${t('common.edit')} ${r.sku}`}
                            onClick={() => setEditing(r)}
                          >
                            {t('common.edit')}
                          </Button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <Space style={{ marginTop: 12 }}>
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('common.previous')}
              </Button>
              <Button disabled={!p.next_cursor} onClick={() => setCursors([...cursors, p.next_cursor!])}>
                {t('common.next')}
              </Button>
            </Space>
          </>
        )}
      </Loaded>
      {editing && (
        <ProductModal product={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Card>
  );
}

type ProductValues = {
  sku: string;
  name?: string | null;
  category?: string | null;
  repurchase_days?: number | null;
};

function ProductModal({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [form] = Form.useForm<ProductValues>();
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (v: ProductValues) => {
    setProblem(null);
    clearFieldErrors(form);
    const text = (x: string | null | undefined) => x?.trim() || null;
    const body = {
      name: text(v.name),
      category: text(v.category),
      repurchase_days: v.repurchase_days ?? null,
    };
    try {
      if (product) await api('PATCH', `/products/${encodeURIComponent(product.sku)}`, body);
      else await api('POST', '/products', { sku: v.sku, ...body });
      await client.invalidateQueries({ queryKey: ['/products'] });
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, t)) setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Modal
      open
      title={product ? t('catalog.edit_product', { sku: product.sku }) : t('catalog.add_product')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<ProductValues>
        form={form}
        layout="vertical"
        initialValues={product ?? {}}
        onFinish={(v) => void save(v)}
      >
        <Form.Item
          name="sku"
          label={t('catalog.sku')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input disabled={product !== null} aria-label={t('catalog.sku')} />
        </Form.Item>
        <Form.Item name="name" label={t('catalog.product_name')}>
          <Input aria-label={t('catalog.product_name')} />
        </Form.Item>
        <Form.Item name="category" label={t('catalog.category')}>
          <Input aria-label={t('catalog.category')} />
        </Form.Item>
        <Form.Item
          name="repurchase_days"
          label={t('catalog.repurchase_days')}
          extra={t('catalog.repurchase_hint')}
        >
          <InputNumber aria-label={t('catalog.repurchase_days')} />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}
