import { Checkbox, Segmented, Select, Space } from 'antd';
import type { UserOut } from '../../../../src/api/access-schemas.ts';
import { TASK_STATUSES } from '../../../../src/tasks/task-codes.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { TaskTeam } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { useTaskCodes } from './use-task-codes.ts';

/** Whose tasks: mine, the queue's, or the team's (any member, or the one picked). */
export type Scope = 'mine' | 'queue' | 'team';
/** Open work (open and in progress), one status, or every status. */
export type StatusChoice = 'unfinished' | 'any' | (typeof TASK_STATUSES)[number];

/** What the list shows: the filters of `GET /tasks`. */
export interface TaskFilters {
  scope: Scope;
  /** A member's id in the team scope; undefined: everyone. */
  member?: number;
  kind?: string;
  status: StatusChoice;
  overdue: boolean;
}

export const DEFAULT_FILTERS: TaskFilters = { scope: 'mine', status: 'unfinished', overdue: false };

/** The query of `GET /tasks` for the filters (sorted by due time by the server: overdue first). */
export function queryOf(f: TaskFilters): Record<string, string> {
  const assignee = f.scope === 'mine' ? 'me' : f.scope === 'queue' ? 'queue' : f.member?.toString();
  const status = f.status === 'unfinished' ? 'open,in_progress' : f.status === 'any' ? undefined : f.status;
  return {
    ...(assignee ? { assignee } : {}),
    ...(status ? { status } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.overdue ? { overdue: 'true' } : {}),
  };
}

/** The members one may filter by: those with open work (the team board) and, for admins, every member. */
function useMembers(): { value: number; label: string }[] {
  const { isAdmin } = useSession();
  const team = useApi<TaskTeam>('/tasks/team');
  const users = useApi<UserOut[]>('/users', {}, { enabled: isAdmin });
  const byId = new Map<number, string>();
  for (const u of users.data ?? []) byId.set(u.id, u.name ? `${u.name}（${u.email}）` : u.email);
  for (const row of team.data?.items ?? [])
    if (row.assignee_id !== null && !byId.has(row.assignee_id))
      byId.set(row.assignee_id, row.assignee_email ?? `#${row.assignee_id}`);
  return [...byId].map(([value, label]) => ({ value, label }));
}

/** The filter bar: scope, member, kind, status and overdue only. */
export function TaskFilterBar({
  filters,
  onChange,
}: {
  filters: TaskFilters;
  onChange: (f: TaskFilters) => void;
}) {
  const { t, value } = useI18n();
  const { kinds } = useTaskCodes();
  const members = useMembers();
  const set = (patch: Partial<TaskFilters>) => onChange({ ...filters, ...patch });
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Segmented
        aria-label={t('tasks.scope')}
        value={filters.scope}
        onChange={(v) => set({ scope: v as Scope, member: undefined })}
        options={(['mine', 'team', 'queue'] as const).map((v) => ({ value: v, label: t(`tasks.view.${v}`) }))}
      />
      {filters.scope === 'team' && (
        <Select
          aria-label={t('tasks.assignee')}
          allowClear
          placeholder={t('tasks.filter.any_member')}
          value={filters.member}
          onChange={(member) => set({ member })}
          options={members}
          style={{ minWidth: 200 }}
        />
      )}
      <Select
        aria-label={t('tasks.kind')}
        allowClear
        placeholder={t('tasks.filter.any_kind')}
        value={filters.kind}
        onChange={(kind) => set({ kind })}
        options={kinds}
        style={{ minWidth: 140 }}
      />
      <Select
        aria-label={t('tasks.status')}
        value={filters.status}
        onChange={(status) => set({ status })}
        options={[
          { value: 'unfinished', label: t('tasks.filter.unfinished') },
          ...TASK_STATUSES.map((s) => ({ value: s, label: value('task_status', s) })),
          { value: 'any', label: t('tasks.filter.any_status') },
        ]}
        style={{ minWidth: 120 }}
      />
      <Checkbox checked={filters.overdue} onChange={(e) => set({ overdue: e.target.checked })}>
        {t('tasks.filter.overdue_only')}
      </Checkbox>
    </Space>
  );
}
