import { Table } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { Movement } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** Customers moving between RFM groups (or lifecycle stages): rows are `from`, columns `to`. */
export function MovementMatrix({
  from,
  to,
  kind = 'rfm',
}: {
  from: string;
  to: string;
  kind?: 'rfm' | 'lifecycle';
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const movement = useApi<Movement>('/rfm/movement', { from, to }, { enabled: valid });
  const label = (code: string) => t(`${kind}.${code}` as MessageKey);
  return (
    <Loaded query={movement}>
      {(m) => {
        const { labels, matrix } = m[kind];
        return (
          <Table
            rowKey="from"
            size="small"
            pagination={false}
            scroll={{ x: 900 }}
            dataSource={labels.map((code, i) => ({ from: code, cells: matrix[i]! }))}
            columns={[
              { title: t('rfm.from_to'), dataIndex: 'from', fixed: 'left', render: label },
              ...labels.map((code, j) => ({
                title: label(code),
                key: code,
                align: 'right' as const,
                render: (_: unknown, row: { cells: number[] }) => fmt.number(row.cells[j]),
              })),
            ]}
          />
        );
      }}
    </Loaded>
  );
}
