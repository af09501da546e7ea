import type { Kysely } from 'kysely';
import { maskName } from '../access/pii-mask.ts';
import type { Schema } from '../db/schema.ts';
import { recommendationVariables, usesRecommendation } from '../predict/recommendation.ts';
import { clockNow } from '../shared/clock.ts';
import { surveyToken } from '../surveys/survey-token.ts';
import type { Workspace } from '../workspaces/index.ts';
import { customerVariables, type ExtraVariables } from './message-variables.ts';
import { type LinkTracker, type Locale, renderText, type SurveyLinkMaker } from './template-render.ts';
import { findTemplate } from './template-service.ts';
import { type TemplateSurveys, templateSurveys } from './template-surveys.ts';
import { linkSignature, publicUrl } from './tracking-token.ts';

/** What to render: a template for a customer, in a language, with extra variables. */
export interface RenderRequest {
  template: string;
  customerId: number;
  locale?: Locale;
  variables?: ExtraVariables;
  /** For a viewer without the personal-data permission: the customer's name is masked as in lists. */
  maskPersonal?: boolean;
}

/** Tracking of one sent message: its token and the installation's signing key. */
interface Tracking {
  key: string;
  token: string;
}

/**
 * Renders a template for a customer (the preview an operator sees, and what a send sends). With
 * tracking, `{{ unsubscribe_link }}` and `| track`ed links point at this message; in a preview
 * they are placeholders.
 */
export async function renderForCustomer(
  db: Kysely<Schema>,
  workspace: Workspace,
  request: RenderRequest,
  tracking?: Tracking,
) {
  const template = await findTemplate(db, workspace.id, request.template);
  const locale = localeOf(template, request.locale);
  const extra = await withRecommendations(db, workspace.id, request.customerId, template, {
    ...request.variables,
  });
  const variables = await customerVariables(db, workspace, request.customerId, locale, extra);
  if (request.maskPersonal && typeof variables.name === 'string') variables.name = maskName(variables.name);
  const surveys = await templateSurveys(db, workspace.id, template);
  return renderTemplate(template, locale, variables, tracking, surveys);
}

type Template = Awaited<ReturnType<typeof findTemplate>>;

/**
 * The extra variables with the customer's stored recommendations added when the template uses
 * them; ones the sender gave win (a list given alone also gives its first as the single one).
 */
export async function withRecommendations(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  template: Pick<Template, 'subject' | 'body'>,
  extra: ExtraVariables,
): Promise<ExtraVariables> {
  if (!usesRecommendation({ ...template.subject, ...template.body })) return extra;
  if (extra.recommendation === undefined && extra.recommendations !== undefined)
    return { ...extra, recommendation: extra.recommendations[0] };
  if (extra.recommendation !== undefined && extra.recommendations !== undefined) return extra;
  const found = await recommendationVariables(db, workspaceId, customerId);
  return {
    ...extra,
    recommendation: extra.recommendation ?? found.recommendation,
    recommendations: extra.recommendations ?? found.recommendations,
  };
}

/**
 * `{{ survey_link }}`: the personal link of the survey a `send_survey` step put in the message's
 * variables (`survey_id`, `survey_expires`), signed for this message; a placeholder in a preview.
 */
function surveyLink(base: string, vars: Record<string, unknown>, tracking?: Tracking): string | null {
  const surveyId = Number(vars.survey_id);
  const expires = Number(vars.survey_expires);
  if (!Number.isSafeInteger(surveyId) || !Number.isSafeInteger(expires)) return null;
  if (!tracking) return `${base}/s/preview`;
  const [workspaceId, messageId] = tracking.token.split('.').map(Number) as [number, number];
  return `${base}/s/${surveyToken(tracking.key, { workspaceId, messageId, surveyId, expires })}`;
}

/**
 * What the `survey_link` filter renders for a survey name: the customer's own signed link for
 * this message, expiring the survey's `expires_days` after `now`; a placeholder in a preview.
 */
function surveyLinkMaker(
  base: string,
  surveys: TemplateSurveys,
  now: Date,
  tracking?: { key: string; token: string },
): SurveyLinkMaker {
  return (name) => {
    const survey = surveys.get(name);
    if (!survey) throw new Error(`no survey "${name}" for survey_link`);
    if (!tracking) return `${base}/s/preview`;
    const [workspaceId, messageId] = tracking.token.split('.').map(Number) as [number, number];
    const expires = Math.floor(now.getTime() / 1000) + survey.expiresDays * 86_400;
    return `${base}/s/${surveyToken(tracking.key, { workspaceId, messageId, surveyId: survey.id, expires })}`;
  };
}

/** The locale a template is rendered in: the one asked for, else zh-CN when it has it. */
export function localeOf(template: Template, asked?: Locale): Locale {
  return asked ?? (template.body['zh-CN'] ? 'zh-CN' : 'en');
}

/**
 * Renders a loaded template with the customer's variables (no database work); `surveys` are the
 * ones its `survey_link` filters name ({@link templateSurveys}).
 */
export async function renderTemplate(
  template: Template,
  locale: Locale,
  customerVars: Record<string, unknown>,
  tracking?: Tracking,
  surveys: TemplateSurveys = new Map(),
) {
  const pick = (texts: Record<string, string>) => texts[locale] ?? texts['zh-CN'] ?? texts.en;
  const base = publicUrl();
  const variables = {
    ...customerVars,
    unsubscribe_link: `${base}/t/u/${tracking?.token ?? 'preview'}`,
    survey_link: surveyLink(base, customerVars, tracking),
  };
  const tracker: LinkTracker | undefined = tracking && {
    track: (url) =>
      `${base}/t/c/${tracking.token}?u=${encodeURIComponent(url)}&s=${linkSignature(tracking.key, tracking.token, url)}`,
  };
  const links = surveyLinkMaker(base, surveys, clockNow(), tracking);
  const subjectText = pick(template.subject);
  const where = (part: string) => `template "${template.name}" ${part} (${locale})`;
  return {
    template,
    locale,
    subject: subjectText ? await renderText(subjectText, variables, where('subject'), tracker, links) : null,
    body: await renderText(pick(template.body)!, variables, where('body'), tracker, links),
    unsubscribeUrl: variables.unsubscribe_link,
    openPixelUrl: tracking ? `${base}/t/o/${tracking.token}` : undefined,
    surveyIds: [...new Set([...surveys.values()].map((s) => s.id))],
  };
}
