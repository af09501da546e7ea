// A step's name wherever a journey is shown (list, results, funnel, errors, backtest, test run):
// the canvas node's title in the operator's words, never the step's id (`send_1`).
import { useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageTemplate } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { stepTitle, type Words } from './journey-canvas-titles.ts';
import type { JourneyDraft } from './journey-draft.ts';
import { draftFromJourney } from './journey-draft-load.ts';

/**
 * Each step's name by id: its title, and when another step has the same title its place in the
 * canvas's order (`发送短信「提醒」 · 第 2 步`), so two alike steps stay told apart. An id the draft
 * does not hold (a step since removed) is named by its place in words, not by the id.
 */
export function stepNames(
  draft: Pick<JourneyDraft, 'steps'>,
  words: Words,
  channelOf: (template: string) => string | undefined,
): (id: string) => string {
  const titles = draft.steps.map((s) => stepTitle(s, words, channelOf));
  const names = new Map(
    draft.steps.map((s, i) => {
      const title = titles[i]!;
      const shared = titles.filter((x) => x === title).length > 1;
      return [s.id, shared ? words.t('journeys.step_place', { title, n: i + 1 }) : title] as const;
    }),
  );
  return (id) => names.get(id) ?? words.t('journeys.step_removed');
}

/** The step names of a stored journey (`GET /journeys` gives its definition), for pages without a canvas. */
export function useStepNames(): (definition: Record<string, unknown>) => (id: string) => string {
  const i18n = useI18n();
  const { me } = useSession();
  const templates = useApi<MessageTemplate[]>('/templates');
  const minor = 10 ** currencyDigits(me.workspace.currency);
  return useMemo(() => {
    const channelOf = (name: string) => templates.data?.find((x) => x.name === name)?.channel;
    return (definition) => stepNames(draftFromJourney(definition, minor), i18n, channelOf);
  }, [templates.data, minor, i18n]);
}
