import { TASK_KINDS, TASK_OUTCOMES } from '../../../../src/tasks/task-codes.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { WorkspaceSettings } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** An option of a select: a code and its words. */
export interface CodeOption {
  value: string;
  label: string;
}

/** The built-in codes first, then the workspace's own ones not among them, in their saved order. */
const merged = (builtIn: readonly string[], own: readonly string[] | undefined) => [
  ...builtIn,
  ...(own ?? []).filter((code, i, all) => !builtIn.includes(code) && all.indexOf(code) === i),
];

/**
 * The task kinds and outcome codes a member may choose: the built-in ones in words, then those the
 * workspace added under Settings (shown as written there, since the server keeps no words for them).
 */
export function useTaskCodes(): { kinds: CodeOption[]; outcomes: CodeOption[] } {
  const { value } = useI18n();
  // Settings change rarely; a minute spares a request each time a dialog opens.
  const settings = useApi<WorkspaceSettings>('/workspace/settings', {}, { staleTime: 60_000 });
  const own = settings.data?.tasks;
  return {
    kinds: merged(TASK_KINDS, own?.kinds).map((k) => ({ value: k, label: value('task_kind', k) })),
    outcomes: merged(TASK_OUTCOMES, own?.outcomes).map((o) => ({
      value: o,
      label: value('task_outcome', o),
    })),
  };
}
