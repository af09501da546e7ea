import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, InputNumber, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type {
  SpendItem,
  SpendPutResult,
  SpendRow,
} from '../../../../src/acquisition/acquisition-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

// Most months the grid shows: the newest ones of a longer range.
const MAX_MONTHS = 36;

/** Months `YYYY-MM` from `last` back to `first`, newest first (the month being entered), at most {@link MAX_MONTHS}. */
function monthList(first: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  while (`${y}-${String(m).padStart(2, '0')}` <= last) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out.slice(-MAX_MONTHS).reverse();
}

/** Major-unit text (`1234.5`) → minor units, by string digits (no float rounding of money). */
export function toMinor(text: string, digits: number): number {
  const [whole = '0', frac = ''] = text.trim().split('.');
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** Minor units → major-unit text for an input (`123456` → `1234.56`). */
function toMajor(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const key = (month: string, channel: string) => `${month}|${channel}`;

/** The month × channel grid of spend in 元: change cells, add a channel, save the changes in one PUT. */
export function SpendEditor(props: { first: string; last: string; rows: SpendRow[]; onClose: () => void }) {
  const { t } = useI18n();
  const { fmt, me } = useSession();
  const client = useQueryClient();
  const digits = currencyDigits(me.workspace.currency);
  const saved = new Map(props.rows.map((r) => [key(r.month, r.channel), toMajor(r.amount, digits)]));
  const [cells, setCells] = useState<Map<string, string | null>>(() => new Map(saved));
  const [channels, setChannels] = useState(() => [...new Set(props.rows.map((r) => r.channel))]);
  const [newChannel, setNewChannel] = useState('');
  const [note, setNote] = useState<{ type: 'success' | 'error' | 'info'; text: string } | null>(null);
  const months = monthList(props.first, props.last);
  const addChannel = () => {
    const name = newChannel.trim();
    if (name && !channels.includes(name)) setChannels([...channels, name]);
    setNewChannel('');
  };
  const save = async () => {
    const items: SpendItem[] = [];
    for (const [k, value] of cells) {
      const [month, channel] = k.split('|') as [string, string];
      const before = saved.get(k);
      const blank = value === null || value.trim() === '';
      if (blank && before !== undefined) items.push({ month, channel, amount: null });
      else if (!blank && (before === undefined || toMinor(before, digits) !== toMinor(value, digits)))
        items.push({ month, channel, amount: toMinor(value, digits) });
    }
    if (!items.length) return setNote({ type: 'info', text: t('acquisition.nothing_changed') });
    try {
      const done = await api<SpendPutResult>('PUT', '/acquisition/spend', { items });
      setNote({ type: 'success', text: t('acquisition.saved', done) });
      await client.invalidateQueries({ queryKey: ['/acquisition/report'] });
      await client.invalidateQueries({ queryKey: ['/acquisition/spend'] });
    } catch (error) {
      setNote({ type: 'error', text: t('acquisition.save_failed', { reason: (error as Error).message }) });
    }
  };
  return (
    <div style={{ marginBottom: 16 }} data-spend-editor>
      <Typography.Title level={5}>{t('acquisition.editor_title')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('acquisition.channel_name')}
          placeholder={t('acquisition.channel_hint')}
          value={newChannel}
          maxLength={100}
          onChange={(e) => setNewChannel(e.target.value)}
          onPressEnter={addChannel}
          style={{ width: 320 }}
        />
        <Button onClick={addChannel}>{t('acquisition.add_channel')}</Button>
      </Space>
      {channels.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('acquisition.editor_empty')}</Typography.Paragraph>
      ) : (
        <Table<{ month: string }>
          rowKey="month"
          size="small"
          pagination={false}
          scroll={{ x: 200 + channels.length * 160, y: 360 }}
          dataSource={months.map((month) => ({ month }))}
          columns={[
            {
              title: t('acquisition.month'),
              dataIndex: 'month',
              width: 140,
              render: (m: string) => fmt.period(`${m}-01`, 'month'),
            },
            ...channels.map((channel) => ({
              title: channel,
              key: channel,
              width: 160,
              render: (_: unknown, row: { month: string }) => (
                <InputNumber<string>
                  stringMode
                  min="0"
                  precision={digits}
                  style={{ width: '100%' }}
                  aria-label={t('acquisition.amount_of', {
                    month: fmt.period(`${row.month}-01`, 'month'),
                    channel,
                  })}
                  value={cells.get(key(row.month, channel)) ?? null}
                  onChange={(v) => setCells((c) => new Map(c).set(key(row.month, channel), v))}
                />
              ),
            })),
          ]}
        />
      )}
      {note && <Alert type={note.type} showIcon title={note.text} style={{ marginTop: 12 }} />}
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" onClick={() => void save()} disabled={channels.length === 0}>
          {t('acquisition.save')}
        </Button>
        <Button onClick={props.onClose}>{t('acquisition.close')}</Button>
      </Space>
    </div>
  );
}
