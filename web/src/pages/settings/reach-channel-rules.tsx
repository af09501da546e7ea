import { Checkbox, Form, type FormInstance, Input, InputNumber, Switch, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { CHANNELS, type WorkspaceSettings } from '../../lib/types.ts';

type Messaging = WorkspaceSettings['messaging'];
type Override = NonNullable<Messaging['channels'][keyof Messaging['channels']]>;
type Channels = Partial<Record<string, Override>>;

/** One channel's row as the form holds it: on the default, or its own cap and quiet hours. */
export interface ChannelRow {
  default: boolean;
  /** An empty count: no cap on the channel. */
  cap: { count: number | null; days: number };
  quiet_on: boolean;
  quiet_hours: { start: string; end: string };
}

/** The rows' form values from the settings: a channel without its own values shows the workspace's. */
export function channelRows(m: Messaging): Record<string, ChannelRow> {
  const own = (c: string): Override | undefined =>
    Object.hasOwn(m.channels, c) ? m.channels[c as never] : undefined;
  return Object.fromEntries(
    CHANNELS.map((c) => {
      const o = own(c);
      const quiet = o?.quiet_hours === undefined ? m.quiet_hours : o.quiet_hours;
      return [
        c,
        {
          default: o?.cap === undefined && o?.quiet_hours === undefined,
          cap:
            o?.cap === null
              ? { count: null, days: m.frequency_days }
              : (o?.cap ?? { count: m.frequency_cap, days: m.frequency_days }),
          quiet_on: quiet !== null,
          quiet_hours: quiet ?? { start: '21:00', end: '09:00' },
        },
      ];
    }),
  );
}

/**
 * The `messaging.channels` setting from the rows: a row on the default is left out (so it follows
 * the workspace), any per-purpose values already stored for a channel are kept as they were.
 */
export function channelOverrides(rows: Record<string, ChannelRow>, m: Messaging): Record<string, Override> {
  const out: Record<string, Override> = {};
  for (const c of CHANNELS) {
    const row = rows[c];
    const purposes = Object.hasOwn(m.channels, c) ? (m.channels as Channels)[c]?.purposes : undefined;
    const kept = purposes ? { purposes } : {};
    if (!row || row.default) {
      if (purposes) out[c] = kept;
      continue;
    }
    out[c] = {
      cap:
        row.cap.count === null || row.cap.count === undefined
          ? null
          : { count: row.cap.count, days: row.cap.days },
      quiet_hours: row.quiet_on
        ? { start: row.quiet_hours.start.trim(), end: row.quiet_hours.end.trim() }
        : null,
      ...kept,
    };
  }
  return out;
}

const at = (c: string, ...rest: string[]) => ['messaging', 'channels', c, ...rest];

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

/** 按渠道设置: a row per channel, each on the workspace default or with its own cap and quiet hours. */
export function ChannelRulesTable({ form }: { form: FormInstance }) {
  const { t, value } = useI18n();
  const label = (c: string, key: Parameters<typeof t>[0]) => `${value('channel', c)} ${t(key)}`;
  return (
    <>
      <Typography.Title level={5}>{t('reach.rules')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('reach.rules_hint')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey={(c) => c}
        pagination={false}
        style={{ marginBottom: 24 }}
        dataSource={[...CHANNELS]}
        columns={[
          { title: t('reach.col_channel'), render: (_, c) => value('channel', c) },
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
