// The codes of surveys, free of other imports so the dashboard shares them with the server.

/** Survey kinds: Net Promoter Score (0–10), satisfaction (1–5), or the merchant's own questions. */
export const SURVEY_KINDS = ['nps', 'csat', 'custom'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SURVEY_STATUSES = ['active', 'archived'] as const;
/** Question types of a custom survey. */
export const QUESTION_TYPES = ['single', 'multiple', 'rating', 'text'] as const;
/** NPS groups: 9–10 promoters, 7–8 passives, 0–6 detractors. */
export const NPS_GROUPS = ['promoter', 'passive', 'detractor'] as const;
export type NpsGroup = (typeof NPS_GROUPS)[number];

/** The NPS group of a 0–10 score. */
export function npsGroup(score: number): NpsGroup {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** The score range of a kind: NPS 0–10, CSAT 1–5 (custom: its first rating question, 1–5). */
export function scoreRange(kind: SurveyKind): [min: number, max: number] {
  return kind === 'nps' ? [0, 10] : [1, 5];
}
