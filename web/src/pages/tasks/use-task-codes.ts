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
 * workspace added under Settings with the words given there (the code itself when none is given);
 * and the words of any kind or outcome code, for tables and histories.
 */
export function useTaskCodes(): {
  kinds: CodeOption[];
  outcomes: CodeOption[];
  kindLabel: (code: string | null) => string;
  outcomeLabel: (code: string | null) => string;
} {
  const { value } = useI18n();
  // Settings change rarely; a minute spares a request each time a dialog opens.
  const settings = useApi<WorkspaceSettings>('/workspace/settings', {}, { staleTime: 60_000 });
  const own = settings.data?.tasks;
  const labels: Record<string, string> = own?.labels ?? {};
  // The workspace's words for its own codes; built-in codes in the dashboard's language.
  const word = (kind: string) => (code: string | null) =>
    code !== null && Object.hasOwn(labels, code) ? labels[code]! : value(kind, code);
  const kindLabel = word('task_kind');
  const outcomeLabel = word('task_outcome');
  return {
    kinds: merged(TASK_KINDS, own?.kinds).map((k) => ({ value: k, label: kindLabel(k) })),
    outcomes: merged(TASK_OUTCOMES, own?.outcomes).map((o) => ({ value: o, label: outcomeLabel(o) })),
    kindLabel,
    outcomeLabel,
  };
}
