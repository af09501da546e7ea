import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Input, Popconfirm, Row, Space, Statistic } from 'antd';
import { useState } from 'react';
import type { BroadcastReport, BroadcastView, Reach } from '../../../../src/broadcasts/broadcast-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { navigate } from '../../router.tsx';
import { FunnelFigures } from '../journeys/journey-funnel.tsx';
import { HoldoutLift, SplitArms } from '../journeys/journey-lift.tsx';
import { useBroadcastError } from './broadcast-error.ts';
import { BroadcastStatus } from './broadcasts-page.tsx';

const REACH: (keyof Reach)[] = [
  'members',
  'held_out',
  'opted_out',
  'frequency_capped',
  'no_address',
  'deferred',
  'reachable',
];

/** The reach estimate in figures. */
function ReachFigures({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const reach = useApi<Reach>(`/broadcasts/${id}/reach`);
  return (
    <Card size="small" title={t('broadcasts.reach')}>
      <Loaded query={reach}>
        {(r) => (
          <Row gutter={[16, 16]}>
            {REACH.map((k) => (
              <Col key={k} xs={12} md={6} lg={3}>
                <Statistic
                  title={t(`broadcasts.reach.${k}` as MessageKey)}
                  value={fmt.number(r[k] as number)}
                  data-reach={k}
                />
              </Col>
            ))}
          </Row>
        )}
      </Loaded>
    </Card>
  );
}

/** The results: messages by status, the funnel, coupons, lift over the holdout, the arms. */
function Results({ id }: { id: number }) {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  const report = useApi<BroadcastReport>(`/broadcasts/${id}/report`);
  return (
    <Loaded query={report}>
      {(r) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('broadcasts.messages')}>
            <Row gutter={16}>
              {Object.entries(r.messages).map(([status, n]) => (
                <Col key={status}>
                  <Statistic
                    title={value('message_status', status)}
                    value={fmt.number(n)}
                    data-messages={status}
                  />
                </Col>
              ))}
            </Row>
          </Card>
          <Card size="small" title={t('broadcasts.results')}>
            <FunnelFigures funnel={r.funnel} title={t('broadcasts.results')} />
          </Card>
          <Card size="small" title={t('broadcasts.coupons')}>
            <Row gutter={16}>
              <Col>
                <Statistic
                  title={t('broadcasts.coupons_issued')}
                  value={fmt.number(r.coupons.issued)}
                  data-coupons="issued"
                />
              </Col>
              <Col>
                <Statistic
                  title={t('broadcasts.coupons_redeemed')}
                  value={fmt.number(r.coupons.redeemed)}
                  data-coupons="redeemed"
                />
              </Col>
              <Col>
                <Statistic title={t('broadcasts.coupons_discount')} value={fmt.money(r.coupons.discount)} />
              </Col>
            </Row>
          </Card>
          {r.lift && (
            <HoldoutLift
              holdout={{
                ...r.lift,
                step: r.broadcast.name,
                treated: { group: 'treated', ...r.lift.treated },
                held_out: { group: 'held_out', ...r.lift.held_out },
              }}
            />
          )}
          {r.arms.length > 1 && (
            <SplitArms
              split={{ step: r.broadcast.name, arms: r.arms.map((a) => ({ ...a, group: a.name })) }}
            />
          )}
        </Space>
      )}
    </Loaded>
  );
}

/** One broadcast: its reach estimate, test send, schedule / approve / pause / cancel, and results. */
export function BroadcastPage({ id }: { id: number }) {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const { message } = App.useApp();
  const explain = useBroadcastError();
  const client = useQueryClient();
  const broadcast = useApi<BroadcastView>(`/broadcasts/${id}`);
  const [to, setTo] = useState('');
  const writer = may(me.role, 'messaging.write');
  const admin = me.role === 'admin';
  const refresh = () =>
    client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/broadcasts') });
  const act = async (path: string) => {
    try {
      const b = await api<BroadcastView>('POST', `/broadcasts/${id}/${path}`);
      message.success(
        t('broadcasts.done', { name: b.name, status: t(`broadcast_status.${b.status}` as MessageKey) }),
      );
      await refresh();
    } catch (error) {
      message.error(explain(error));
    }
  };
  const testSend = async () => {
    try {
      const addresses = to.split(/[,，\s]+/).filter(Boolean);
      const r = await api<{ sent: { ok: boolean; error: string | null }[] }>(
        'POST',
        `/broadcasts/${id}/test`,
        {
          to: addresses,
        },
      );
      const failed = r.sent.find((s) => !s.ok);
      if (failed) message.error(t('broadcasts.test_failed', { error: failed.error ?? '' }));
      else message.success(t('broadcasts.test_sent', { n: r.sent.length }));
    } catch (error) {
      message.error(explain(error));
    }
  };
  return (
    <Loaded query={broadcast}>
      {(b) => (
        <>
          <PageTitle
            title={b.name}
            extra={<Button onClick={() => navigate('/broadcasts')}>{t('broadcasts.back')}</Button>}
          />
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Card size="small">
              <Space wrap>
                <BroadcastStatus status={b.status} />
                <span>
                  {t('broadcasts.send_at')}：{b.send_at ? fmt.dateTime(b.send_at) : t('broadcasts.send_now')}
                </span>
                {writer && b.status === 'draft' && (
                  <Button type="primary" onClick={() => void act('schedule')}>
                    {t('broadcasts.schedule')}
                  </Button>
                )}
                {admin && b.status === 'pending_approval' && (
                  <Button type="primary" onClick={() => void act('approve')}>
                    {t('broadcasts.approve')}
                  </Button>
                )}
                {writer && (b.status === 'scheduled' || b.status === 'sending') && (
                  <Button onClick={() => void act('pause')}>{t('broadcasts.pause')}</Button>
                )}
                {writer && b.status === 'paused' && (
                  <Button onClick={() => void act('resume')}>{t('broadcasts.resume')}</Button>
                )}
                {writer && !['completed', 'cancelled'].includes(b.status) && (
                  <Popconfirm
                    title={t('broadcasts.cancel_confirm', { name: b.name })}
                    okText={t('broadcasts.cancel')}
                    cancelText={t('broadcasts.keep')}
                    onConfirm={() => void act('cancel')}
                  >
                    <Button danger>{t('broadcasts.cancel')}</Button>
                  </Popconfirm>
                )}
              </Space>
            </Card>
            {!['completed', 'cancelled'].includes(b.status) && <ReachFigures id={id} />}
            {writer && b.status !== 'cancelled' && (
              <Card size="small" title={t('broadcasts.test')}>
                <Space.Compact style={{ maxWidth: 560, width: '100%' }}>
                  <Input
                    aria-label={t('broadcasts.test_to')}
                    placeholder={t('broadcasts.test_to')}
                    value={to}
                    onChange={(e) => setTo(e.target.value)}
                  />
                  <Button onClick={() => void testSend()}>{t('broadcasts.test_send')}</Button>
                </Space.Compact>
              </Card>
            )}
            {b.started_at && <Results id={id} />}
          </Space>
        </>
      )}
    </Loaded>
  );
}
