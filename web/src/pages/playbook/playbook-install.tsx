import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Table, Tag, Typography } from 'antd';
import type { PlaybookItem, PlaybookResult } from '../../../../src/playbook/playbook-contract.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const OUTCOME_COLOR = { created: 'green', unchanged: 'default', kept: 'blue' } as const;

/**
 * The journeys page's "install the seed playbook" button: asks first, installs, then lists what
 * was created and what was already there (kept as the operator left it).
 */
export function PlaybookInstallButton() {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const showResult = (result: PlaybookResult) =>
    modal.info({
      title: t('playbook.result_title'),
      width: 720,
      content: (
        <Space orientation="vertical" style={{ width: '100%' }} data-playbook-result>
          <Typography.Text>
            {t('playbook.summary', {
              created: result.created,
              unchanged: result.unchanged,
              kept: result.kept,
            })}
          </Typography.Text>
          {result.items.some((i) => i.kind === 'journey' && i.outcome === 'created') && (
            <Typography.Text type="secondary">{t('playbook.paused_hint')}</Typography.Text>
          )}
          <Table<PlaybookItem>
            rowKey={(i) => `${i.kind}:${i.name}`}
            size="small"
            pagination={false}
            scroll={{ y: 360 }}
            dataSource={result.items}
            columns={[
              {
                title: t('playbook.kind'),
                dataIndex: 'kind',
                render: (k: PlaybookItem['kind']) => t(`playbook.kind.${k}`),
              },
              { title: t('playbook.name'), dataIndex: 'name' },
              {
                title: t('playbook.outcome'),
                dataIndex: 'outcome',
                render: (o: PlaybookItem['outcome']) => (
                  <Tag color={OUTCOME_COLOR[o]}>{t(`playbook.outcome.${o}`)}</Tag>
                ),
              },
            ]}
          />
        </Space>
      ),
    });
  const install = async () => {
    try {
      showResult(await api<PlaybookResult>('POST', '/playbook/install', {}));
    } catch (error) {
      message.error((error as Error).message);
    }
    await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/journeys') });
  };
  return (
    <Button
      onClick={() =>
        modal.confirm({
          title: t('playbook.confirm_title'),
          content: t('playbook.confirm_body'),
          okText: t('playbook.confirm_ok'),
          onOk: install,
        })
      }
    >
      {t('playbook.install')}
    </Button>
  );
}
