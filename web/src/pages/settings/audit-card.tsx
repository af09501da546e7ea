import { AutoComplete, Button, Card, Select, Space, Table } from 'antd';
import { useState } from 'react';
import type { AuditPage, UserOut } from '../../../../src/api/access-schemas.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

type Entry = AuditPage['items'][number];
/** The groups of actions the log is filtered by (an action starts with its group and a dot). */
const GROUPS = [
  'workspace',
  'channel',
  'store',
  'product',
  'coupon_template',
  'coupon',
  'api_key',
  'user',
  'invitation',
  'customer',
  'segment',
  'journey',
  'template',
  'message',
  'broadcast',
  'survey',
  'task',
  'points',
  'tiers',
  'predict',
  'spend',
  'import',
  'auth',
] as const;
const PAGE = 20;

/** 操作日志: who did what, newest first, a page at a time; filtered by who and by kind of action. */
export function AuditCard() {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  const users = useApi<UserOut[]>('/users');
  const [actor, setActor] = useState('');
  const [group, setGroup] = useState<string | undefined>();
  // The cursors of the pages before this one, so 上一页 goes back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useApi<AuditPage>('/audit', {
    limit: PAGE,
    cursor,
    actor: actor.trim() || undefined,
    action: group ? `${group}.` : undefined,
  });
  const object = (e: Entry) => {
    const name = typeof e.detail.name === 'string' ? e.detail.name : null;
    if (e.object_type === 'channel') return value('channel', e.object_id);
    return name ?? e.object_id ?? '';
  };
  const sentence = (e: Entry) => {
    const known = value('audit', e.action);
    const group = GROUPS.find((g) => e.action.startsWith(`${g}.`));
    const text =
      known !== e.action
        ? known
        : t('audit.other', { group: group ? t(`audit_group.${group}`) : t('audit_group.other') });
    return text.replace('{object}', object(e));
  };
  const who = (e: Entry) =>
    e.actor_kind === 'cli'
      ? t('audit.cli')
      : e.actor_kind === 'api_key'
        ? t('audit.by_key', { key: e.actor_label.replace(/^key:/, '') })
        : e.actor_label;
  const restart = () => setCursors([]);
  return (
    <Card title={t('section.audit')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <AutoComplete
          aria-label={t('audit.actor')}
          placeholder={t('audit.actor')}
          style={{ width: 240 }}
          allowClear
          value={actor}
          onChange={(v) => {
            setActor(v ?? '');
            restart();
          }}
          options={(users.data ?? []).map((u) => ({ value: u.email }))}
        />
        <Select
          aria-label={t('audit.action')}
          placeholder={t('audit.action')}
          allowClear
          showSearch={{ filterOption: (input, option) => String(option?.label ?? '').includes(input.trim()) }}
          style={{ width: 200 }}
          value={group}
          onChange={(v) => {
            setGroup(v);
            restart();
          }}
          options={GROUPS.map((g) => ({ value: g, label: t(`audit_group.${g}`) }))}
        />
      </Space>
      <Loaded query={page}>
        {(p) => (
          <>
            <Table<Entry>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={p.items}
              columns={[
                { title: t('audit.at'), dataIndex: 'at', width: 180, render: (v: string) => fmt.dateTime(v) },
                { title: t('audit.who'), key: 'who', width: 220, render: (_, e) => who(e) },
                { title: t('audit.what'), key: 'what', render: (_, e) => sentence(e) },
              ]}
            />
            <Space style={{ marginTop: 12 }}>
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t('common.previous')}
              </Button>
              <Button disabled={!p.next_cursor} onClick={() => setCursors([...cursors, p.next_cursor!])}>
                {t('common.next')}
              </Button>
            </Space>
          </>
        )}
      </Loaded>
    </Card>
  );
}
