import type { UserOut } from '../../../../src/api/access-schemas.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

/** A member a task can be given to: `me`, `queue` or `user:ID`, with its label. */
export interface TaskTarget {
  value: string;
  label: string;
}

/**
 * Who a task may be given to by the signed-in member: themself (a person, not an API key), the
 * queue, and for admins (who may list members) each member by name or email.
 */
export function useTaskTargets(): { targets: TaskTarget[]; userOf: (value: string) => number | null } {
  const { t } = useI18n();
  const { me, isAdmin } = useSession();
  const members = useApi<UserOut[]>('/users', {}, { enabled: isAdmin });
  const myId = me.user.kind === 'user' && me.user.id ? Number(me.user.id) : null;
  const targets: TaskTarget[] = [
    ...(myId !== null ? [{ value: 'me', label: t('task_rule.me') }] : []),
    { value: 'queue', label: t('task_rule.queue') },
    ...(members.data ?? [])
      .filter((m) => m.id !== myId)
      .map((m) => ({ value: `user:${m.id}`, label: m.name ? `${m.name}（${m.email}）` : m.email })),
  ];
  const userOf = (value: string) =>
    value === 'me' ? myId : value.startsWith('user:') ? Number(value.slice(5)) : null;
  return { targets, userOf };
}
