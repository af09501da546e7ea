import { Descriptions, Modal, Table, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { PublishPreview } from './journey-report-types.ts';

/**
 * Before a publish: what the draft would have done over the last 30 days (entered, capped,
 * reached each step), and the confirmation that publishes it.
 */
export function PublishModal({
  preview,
  titleOf,
  order,
  busy,
  onConfirm,
  onCancel,
}: {
  preview: PublishPreview | null;
  /** A step's node title, by id. */
  titleOf: (step: string) => string;
  /** The steps in the canvas's order (start first). */
  order: string[];
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const b = preview?.backtest;
  return (
    <Modal
      open={!!preview}
      title={t('jcanvas.publish_title', { version: preview?.next_version ?? 1 })}
      okText={t('jcanvas.publish_confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={onConfirm}
      onCancel={onCancel}
      width={640}
    >
      {b && (
        <>
          <Typography.Paragraph type="secondary">
            {t('jcanvas.backtest_period', { from: b.from, to: b.to })}
          </Typography.Paragraph>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            {(['triggered', 'not_eligible', 'entered', 'capped', 'in_progress_at_end'] as const).map((k) => (
              <Descriptions.Item key={k} label={t(`jcanvas.backtest.${k}`)}>
                <span data-backtest={k}>{fmt.number(b[k])}</span>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey="step"
            pagination={false}
            dataSource={[...b.steps].sort((x, y) => order.indexOf(x.step) - order.indexOf(y.step))}
            onRow={(s) => ({ 'data-backtest-step': s.step }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('journeys.step'), key: 'step', render: (_, s) => titleOf(s.step) },
              {
                title: t('journeys.reached'),
                key: 'reached',
                align: 'right',
                render: (_, s) => <span data-reached>{fmt.number(s.reached)}</span>,
              },
            ]}
          />
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            {t('jcanvas.publish_note')}
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}
