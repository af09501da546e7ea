import { Checkbox, Form, type FormInstance, Input, InputNumber, Switch, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { CHANNELS, type WorkspaceSettings } from '../../lib/types.ts';

type Messaging = WorkspaceSettings['messaging'];
type Override = NonNullable<Messaging['channels'][keyof Messaging['channels']]>;
type Quiet = { start: string; end: string };

/** One row as the form holds it: on the default, or its own cap and quiet hours. */
export interface ChannelRow {
  default: boolean;
  /** An empty count: no cap. */
  cap: { count: number | null; days: number };
  quiet_on: boolean;
  quiet_hours: Quiet;
}

const ownOf = <T,>(record: Partial<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** A row from a stored override; what the default is shows while the row is on it. */
function rowOf(
  o: Override | undefined,
  fallback: { cap: ChannelRow['cap']; quiet: Quiet | null },
): ChannelRow {
  const quiet = o?.quiet_hours === undefined ? fallback.quiet : o.quiet_hours;
  return {
    default: o?.cap === undefined && o?.quiet_hours === undefined,
    cap: o?.cap === null ? { count: null, days: fallback.cap.days } : (o?.cap ?? fallback.cap),
    quiet_on: quiet !== null,
    quiet_hours: quiet ?? { start: '21:00', end: '09:00' },
  };
}

/** A row's own values as an override (an empty count: no cap; quiet hours off: none). */
function overrideOf(row: ChannelRow): Override {
  const { count, days } = row.cap;
  return {
    cap: count === null || count === undefined ? null : { count, days },
    quiet_hours: row.quiet_on
      ? { start: row.quiet_hours.start.trim(), end: row.quiet_hours.end.trim() }
      : null,
  };
}

/** The table's form values: a row per channel (on the default: the workspace's values) and one for transactional messages (on the default: none). */
export function channelRows(m: Messaging): {
  channels: Record<string, ChannelRow>;
  purposes: Record<string, ChannelRow>;
} {
  const workspace = { cap: { count: m.frequency_cap, days: m.frequency_days }, quiet: m.quiet_hours };
  return {
    channels: Object.fromEntries(CHANNELS.map((c) => [c, rowOf(ownOf(m.channels, c), workspace)])),
    purposes: {
      transactional: rowOf(ownOf(m.purposes, 'transactional'), {
        cap: { count: null, days: 1 },
        quiet: null,
      }),
    },
  };
}

/**
 * The `messaging.channels` and `messaging.purposes` settings from the rows: a row on the default
 * is left out (so it falls back); values the table does not show (a channel's per-purpose values,
 * the marketing purpose's) are kept as they were.
 */
export function channelOverrides(
  rows: ReturnType<typeof channelRows>,
  m: Messaging,
): { channels: Record<string, Override>; purposes: Record<string, Override> } {
  const channels: Record<string, Override> = {};
  for (const c of CHANNELS) {
    const row = rows.channels[c];
    const purposes = ownOf(m.channels, c)?.purposes;
    const kept = purposes ? { purposes } : {};
    if (row && !row.default) channels[c] = { ...overrideOf(row), ...kept };
    else if (purposes) channels[c] = kept;
  }
  const purposes: Record<string, Override> = {};
  const marketing = ownOf(m.purposes, 'marketing');
  if (marketing) purposes.marketing = marketing;
  const notices = rows.purposes.transactional;
  if (notices && !notices.default) purposes.transactional = overrideOf(notices);
  return { channels, purposes };
}

/** A row's place in the form: `channels.<code>` or `purposes.transactional`, under `messaging`. */
const at = (c: string, ...rest: string[]) => ['messaging', ...c.split('.'), ...rest];

/** A cell that follows its row's switches: off while the row is on the workspace default. */
function Cell({
  form,
  c,
  children,
}: {
  form: FormInstance;
  c: string;
  children: (off: boolean) => ReactNode;
}) {
  return (
    <Form.Item noStyle dependencies={[at(c, 'default'), at(c, 'quiet_on')]}>
      {() => children(!!form.getFieldValue(at(c, 'default')))}
    </Form.Item>
  );
}

/**
 * 按渠道设置: a row per channel, each on the workspace default or with its own cap and quiet hours,
 * and a row for transactional messages on every channel (by default neither capped nor held).
 */
export function ChannelRulesTable({ form }: { form: FormInstance }) {
  const { t, value } = useI18n();
  const name = (c: string) =>
    c.startsWith('channels.') ? value('channel', c.slice('channels.'.length)) : t('reach.transactional_row');
  const label = (c: string, key: Parameters<typeof t>[0]) => `${name(c)} ${t(key)}`;
  return (
    <>
      <Typography.Title level={5}>{t('reach.rules')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('reach.rules_hint')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey={(c) => c}
        pagination={false}
        style={{ marginBottom: 24 }}
        dataSource={[...CHANNELS.map((c) => `channels.${c}`), 'purposes.transactional']}
        columns={[
          { title: t('reach.col_channel'), render: (_, c) => name(c) },
          {
            title: t('reach.col_default'),
            render: (_, c) => (
              <Form.Item name={at(c, 'default')} valuePropName="checked" style={{ margin: 0 }}>
                <Checkbox aria-label={label(c, 'reach.col_default')} />
              </Form.Item>
            ),
          },
          ...(
            [
              ['reach.col_cap', 'cap', 'count'],
              ['reach.col_days', 'cap', 'days'],
            ] as const
          ).map(([key, ...path]) => ({
            title: t(key),
            render: (_: unknown, c: string) => (
              <Cell form={form} c={c}>
                {(off) => (
                  <Form.Item name={at(c, ...path)} style={{ margin: 0 }}>
                    <InputNumber aria-label={label(c, key)} disabled={off} style={{ width: 90 }} />
                  </Form.Item>
                )}
              </Cell>
            ),
          })),
          {
            title: t('reach.col_quiet'),
            render: (_, c) => (
              <Cell form={form} c={c}>
                {(off) => (
                  <Form.Item name={at(c, 'quiet_on')} valuePropName="checked" style={{ margin: 0 }}>
                    <Switch aria-label={label(c, 'reach.col_quiet')} disabled={off} />
                  </Form.Item>
                )}
              </Cell>
            ),
          },
          ...(
            [
              ['reach.col_start', 'start'],
              ['reach.col_end', 'end'],
            ] as const
          ).map(([key, part]) => ({
            title: t(key),
            render: (_: unknown, c: string) => (
              <Cell form={form} c={c}>
                {(off) => (
                  <Form.Item name={at(c, 'quiet_hours', part)} style={{ margin: 0 }}>
                    <Input
                      aria-label={label(c, key)}
                      disabled={off || !form.getFieldValue(at(c, 'quiet_on'))}
                      style={{ width: 80 }}
                    />
                  </Form.Item>
                )}
              </Cell>
            ),
          })),
        ]}
      />
    </>
  );
}
