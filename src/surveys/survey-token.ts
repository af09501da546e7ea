import { sameSecret } from '../access/secret-token.ts';
import { sign } from '../messaging/tracking-token.ts';

/** What a survey link names: the message that carried it, the survey, and when it expires. */
export interface SurveyLink {
  workspaceId: number;
  messageId: number;
  surveyId: number;
  /** Unix seconds. */
  expires: number;
}

// Signed apart from tracking tokens, so a message's open-pixel token is never a survey link.
const body = (l: SurveyLink) => `${l.workspaceId}.${l.messageId}.${l.surveyId}.${l.expires}`;

/**
 * The token of a personal survey link (`ws.message.survey.expires.signature`): it cannot be
 * forged or guessed without the installation's key, and it says which message it came with.
 *
 * @example surveyToken(key, { workspaceId: 1, messageId: 42, surveyId: 3, expires: 1767225600 })
 */
export function surveyToken(key: string, link: SurveyLink): string {
  return `${body(link)}.${sign(key, `survey:${body(link)}`)}`;
}

/** The link a token names, or undefined when it is not genuine (expiry is the caller's check). */
export function readSurveyToken(key: string, token: string): SurveyLink | undefined {
  const m = /^(\d{1,9})\.(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.([\w-]{22})$/.exec(token);
  if (!m) return undefined;
  const link = { workspaceId: +m[1]!, messageId: +m[2]!, surveyId: +m[3]!, expires: +m[4]! };
  return sameSecret(sign(key, `survey:${body(link)}`), m[5]!) ? link : undefined;
}
