import { Alert, Button, Card, Drawer, Segmented, Space, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { CustomerPicker } from '../../components/customer-picker.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { messageReason } from '../../lib/display.ts';
import type { TestRun } from './journey-report-types.ts';

type Source = 'draft' | 'published';

/** A step's outcome in a test run, in words (a split's outcome is the arm's name). */
function outcomeText(
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
  type: string,
  outcome: string,
) {
  if (type === 'split') return t('jcanvas.outcome.arm', { arm: outcome });
  const known: Record<string, MessageKey> = {
    waited: 'jcanvas.outcome.waited',
    would_send: 'jcanvas.outcome.would_send',
    would_skip: 'jcanvas.outcome.would_skip',
    would_run: 'jcanvas.outcome.would_run',
    event: 'outcome.event',
    timeout: 'outcome.timeout',
    matched: 'outcome.matched',
    not_matched: 'outcome.not_matched',
    treated: 'outcome.treated',
    held_out: 'outcome.held_out',
    exit: 'outcome.exit',
  };
  return known[outcome] ? t(known[outcome]) : outcome;
}

/**
 * The test run: choose a customer and the draft or published version, see the path they would
 * take and each message rendered as it would be sent. Nothing is sent or saved.
 */
export function TestRunPanel({
  name,
  open,
  onClose,
  hasDraft,
  published,
  titleOf,
}: {
  name: string;
  open: boolean;
  onClose: () => void;
  hasDraft: boolean;
  published: boolean;
  /** A step's node title in the version walked. */
  titleOf: (source: Source, step: string) => string;
}) {
  const words = useI18n();
  const { t, value } = words;
  const { fmt } = useSession();
  const [customer, setCustomer] = useState<number | null>(null);
  const [source, setSource] = useState<Source>(hasDraft ? 'draft' : 'published');
  // Opened after a draft was saved or discarded: the version there is.
  useEffect(() => {
    if (open) setSource(hasDraft ? 'draft' : 'published');
  }, [open, hasDraft]);
  const [run, setRun] = useState<TestRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    setRun(null);
    try {
      setRun(
        await api<TestRun>('POST', `/journeys/${encodeURIComponent(name)}/test-run`, {
          customer_id: customer,
          source,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Drawer open={open} onClose={onClose} title={t('jcanvas.test_run')} size="large">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('jcanvas.test_run_hint')}</Typography.Text>
        <Space wrap align="end">
          <CustomerPicker value={customer} onChange={setCustomer} />
          <Segmented<Source>
            aria-label={t('jcanvas.test_run_version')}
            value={source}
            onChange={setSource}
            options={[
              { value: 'draft', label: t('jcanvas.state.draft'), disabled: !hasDraft },
              { value: 'published', label: t('jcanvas.state.published'), disabled: !published },
            ]}
          />
          <Button type="primary" disabled={customer === null} onClick={() => void start()}>
            {t('jcanvas.test_run_go')}
          </Button>
        </Space>
        {error && <Alert type="error" showIcon role="alert" title={error} />}
        {run && (
          <Timeline
            data-test-run
            items={run.path.map((p) => ({
              color: p.outcome === 'would_skip' ? 'orange' : 'blue',
              content: (
                <div data-test-run-step={p.step}>
                  <Typography.Text strong>{titleOf(run.source, p.step)}</Typography.Text>{' '}
                  <Tag data-outcome>{outcomeText(t, p.type, p.outcome)}</Tag>
                  <Typography.Text type="secondary">{fmt.dateTime(p.at)}</Typography.Text>
                  {p.message && (
                    <Card size="small" style={{ marginTop: 8 }} data-test-run-message={p.message.template}>
                      <Typography.Text type="secondary">
                        {t('jcanvas.message_via', {
                          template: p.message.template,
                          channel: value('channel', p.message.channel),
                        })}
                      </Typography.Text>
                      {p.message.reason && (
                        <div>
                          <Tag color="orange">{messageReason(words, 'skipped', p.message.reason)?.text}</Tag>
                        </div>
                      )}
                      {p.message.subject && (
                        <Typography.Title level={5} style={{ marginTop: 8 }} data-test-run-subject>
                          {p.message.subject}
                        </Typography.Title>
                      )}
                      <Typography.Paragraph
                        style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}
                        data-test-run-body
                      >
                        {p.message.body}
                      </Typography.Paragraph>
                    </Card>
                  )}
                </div>
              ),
            }))}
          />
        )}
        {run && (
          <Typography.Text type="secondary">{t(`jcanvas.ended.${run.ended}` as MessageKey)}</Typography.Text>
        )}
      </Space>
    </Drawer>
  );
}
