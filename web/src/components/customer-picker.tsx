import { Select } from 'antd';
import { useDeferredValue, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { CustomerRow } from '../lib/types.ts';
import { useApi } from '../lib/use-api.ts';

/**
 * A customer chosen by typing a name, phone, email or id: the first ten matches of the customer
 * search as the operator types (previews and test runs act on one real customer).
 */
export function CustomerPicker({
  value,
  onChange,
}: {
  value: number | null;
  onChange: (customerId: number) => void;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);
  const found = useApi<{ items: CustomerRow[] }>(
    '/customers',
    { q, limit: 10 },
    { enabled: q.trim() !== '' },
  );
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      aria-label={t('templates.customer')}
      placeholder={t('templates.customer_search')}
      value={value ?? undefined}
      onChange={onChange}
      notFoundContent={q ? t('templates.no_customer') : null}
      options={(found.data?.items ?? []).map((c) => ({
        value: c.id,
        label: `${c.name ?? c.external_id ?? `#${c.id}`}${c.external_id ? ` · ${c.external_id}` : ''}`,
      }))}
      style={{ width: 240 }}
    />
  );
}
