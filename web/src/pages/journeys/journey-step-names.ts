// The step names of a stored journey for the pages without a canvas (list, results): the canvas
// node's titles in the operator's words (stepNames), never the step's id (`send_1`).
import { useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageTemplate } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { stepNames } from './journey-canvas-titles.ts';
import { draftFromJourney } from './journey-draft-load.ts';

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
