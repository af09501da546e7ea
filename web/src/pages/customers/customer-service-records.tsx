import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Input, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import type { ServiceRecordBody } from '../../../../src/tasks/service-record-contract.ts';
import { NOTE_TYPES, TICKET_STATUSES } from '../../../../src/tasks/task-codes.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { may } from '../../lib/permissions.ts';
import type { CustomerNote } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

type RecordType = (typeof NOTE_TYPES)[number];
type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * The profile's service history: a form to record a note, call, visit, complaint or ticket, and
 * the records on a timeline as sentences (「小王 记录了一次通话：…」), latest first.
 */
export function ServiceRecords({ id }: { id: number }) {
  const { t, value } = useI18n();
  const { me } = useSession();
  const path = `/customers/${id}/notes`;
  const notes = useApi<{ items: CustomerNote[] }>(path);
  const [type, setType] = useState<RecordType>('call');
  const [status, setStatus] = useState<TicketStatus>('open');
  const [summary, setSummary] = useState('');
  const client = useQueryClient();
  const { message } = App.useApp();
  const writer = may(me.role, 'tasks.write');

  const run = async (call: () => Promise<unknown>) => {
    try {
      await call();
      await client.invalidateQueries({ queryKey: [path] });
      return true;
    } catch (error) {
      message.error((error as Error).message);
      return false;
    }
  };
  const write = async () => {
    const body: z.input<typeof ServiceRecordBody> = {
      type,
      summary,
      ...(type === 'ticket' ? { status } : {}),
    };
    if (await run(() => api('POST', path, body))) setSummary('');
  };

  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('tasks.notes_title')}
      </Typography.Title>
      {writer && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Select
            aria-label={t('tasks.kind')}
            value={type}
            onChange={setType}
            style={{ width: 110 }}
            options={NOTE_TYPES.map((n) => ({ value: n, label: value('note_type', n) }))}
          />
          {type === 'ticket' && (
            <Select
              aria-label={t('service.status')}
              value={status}
              onChange={setStatus}
              style={{ width: 110 }}
              options={TICKET_STATUSES.map((s) => ({ value: s, label: value('record_status', s) }))}
            />
          )}
          <Input
            aria-label={t('tasks.notes')}
            placeholder={t('tasks.notes')}
            value={summary}
            maxLength={4000}
            onChange={(e) => setSummary(e.target.value)}
          />
          <Button type="primary" disabled={!summary.trim()} onClick={() => void write()}>
            {t('tasks.save_note')}
          </Button>
        </Space.Compact>
      )}
      <Loaded query={notes}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty description={t('tasks.no_notes')} />
          ) : (
            <Timeline
              items={page.items.map((n) => ({
                key: n.id,
                color: n.type === 'complaint' || n.status === 'open' ? 'red' : 'blue',
                content: (
                  <RecordLine
                    note={n}
                    onStatus={
                      writer && n.type === 'ticket'
                        ? (next) => void run(() => api('PATCH', `${path}/${n.id}`, { status: next }))
                        : undefined
                    }
                  />
                ),
              }))}
            />
          )
        }
      </Loaded>
    </>
  );
}

/** One record as a sentence, with when it happened, its status and where it came from. */
function RecordLine({ note: n, onStatus }: { note: CustomerNote; onStatus?: (s: TicketStatus) => void }) {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  const who = n.author || t('service.someone');
  return (
    <div data-record={n.id}>
      <Typography.Text type="secondary">{fmt.dateTime(n.occurred_at)}</Typography.Text>{' '}
      <Typography.Text>
        {t(`service.sentence.${n.type}` as MessageKey, { who, summary: n.summary })}
      </Typography.Text>{' '}
      {onStatus ? (
        <Select
          size="small"
          aria-label={t('service.status')}
          value={n.status as TicketStatus}
          onChange={onStatus}
          style={{ width: 100 }}
          options={TICKET_STATUSES.map((s) => ({ value: s, label: value('record_status', s) }))}
        />
      ) : (
        n.status && <Tag>{value('record_status', n.status)}</Tag>
      )}
      {n.external_ref && <Tag>{t('service.ref', { ref: n.external_ref })}</Tag>}
      {n.source === 'import' && <Tag color="default">{t('service.imported')}</Tag>}
    </div>
  );
}
