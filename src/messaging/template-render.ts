import { Liquid, Tag, type TagToken } from 'liquidjs';
import { InvalidInputError } from '../shared/errors.ts';

/**
 * Bounds on one render, the same in preview and send: a template is data an operator typed, so a
 * loop or a filter chain must never block the server or fill its memory.
 */
export const RENDER_LIMITS = {
  /** Characters of template text parsed at once. */
  templateChars: 100_000,
  /** Milliseconds of rendering before it stops. */
  milliseconds: 250,
  /** Characters the filters and ranges may create (liquidjs' memory counter). */
  memory: 2_000_000,
  /** Characters of rendered output. */
  outputChars: 200_000,
} as const;

// Message templates render from strings only: with an empty in-memory map there is no file
// system behind `include`, `render` or `layout` (file names must never reach the disk), and the
// tags themselves are refused below so the operator learns why when saving.
const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  cache: 500,
  templates: {},
  parseLimit: RENDER_LIMITS.templateChars,
  renderLimit: RENDER_LIMITS.milliseconds,
  memoryLimit: RENDER_LIMITS.memory,
});

/** A tag that refuses to parse: partials and layouts read other templates, which messages never do. */
class RefusedTag extends Tag {
  constructor(token: TagToken, ...rest: unknown[]) {
    // biome-ignore lint/suspicious/noExplicitAny: the base constructor's remaining arguments pass through
    super(token, ...(rest as [any, any]));
    throw new Error(
      `the tag "${token.name}" is not allowed in message templates (they cannot include other files)`,
    );
  }
  *render(): Generator<unknown, void, unknown> {}
}
for (const name of ['include', 'render', 'layout', 'block']) engine.registerTag(name, RefusedTag);

/** What a send passes to render tracked links: `{{ 'https://shop.cn/p/1' | track }}`. */
export interface LinkTracker {
  track(url: string): string;
}

const TRACKER = '__link_tracker';
// Without a tracker (previews) a link stays as written.
engine.registerFilter(
  'track',
  function (this: { context: { environments: Record<string, unknown> } }, url: unknown) {
    const tracker = this.context.environments[TRACKER] as LinkTracker | undefined;
    return tracker ? tracker.track(String(url)) : url;
  },
);

/** Renders a survey's personal link by its name: `{{ "购后NPS" | survey_link }}`. */
export type SurveyLinkMaker = (name: string) => string;

const SURVEY_LINKS = '__survey_links';
// Where no maker is given (a text that is not a message: a task title), the filter names the problem.
engine.registerFilter(
  'survey_link',
  function (this: { context: { environments: Record<string, unknown> } }, name: unknown) {
    const make = this.context.environments[SURVEY_LINKS] as SurveyLinkMaker | undefined;
    if (!make) throw new Error('survey_link works in message templates only');
    return make(String(name).trim());
  },
);

/** The locales templates are written in; zh-CN first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Parsed templates by their text, the most recent 500: a delivery round renders one template for many customers, parsed once. */
const parsed = new Map<string, ReturnType<typeof engine.parse>>();

function parseOnce(text: string): ReturnType<typeof engine.parse> {
  let template = parsed.get(text);
  if (!template) {
    template = engine.parse(text);
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, template);
  }
  return template;
}

/** liquidjs' message without its position suffix and the rest of its lines. */
function liquidMessage(error: unknown): string {
  const message = (error as Error).message.split('\n')[0]!.split(', line:')[0]!;
  if (/limit exceeded/i.test(message)) return `too much work to render (${message}); simplify the loops`;
  return message.replace(/^undefined variable: /, 'unknown variable ');
}

/**
 * Renders Liquid text with variables; a clear error names the template part and the problem.
 * Renders within {@link RENDER_LIMITS}.
 *
 * @example await renderText('您好，{{ name }}', { name: '张三' }, 'body') // '您好，张三'
 */
export async function renderText(
  text: string,
  variables: Record<string, unknown>,
  where: string,
  tracker?: LinkTracker,
  surveyLinks?: SurveyLinkMaker,
): Promise<string> {
  let output: string;
  const hidden = {
    ...(tracker ? { [TRACKER]: tracker } : {}),
    ...(surveyLinks ? { [SURVEY_LINKS]: surveyLinks } : {}),
  };
  try {
    const template = parseOnce(text);
    // Synchronously: liquidjs' render limit is a deadline on the wall clock, and an asynchronous
    // render yields to other work at every tag, so on a busy worker a short template was charged
    // for its neighbours' time and failed as "too much work" (2 of 5,000 in a delivery benchmark).
    // Every filter and tag here is synchronous; this is also several times cheaper.
    output = engine.renderSync(template, tracker || surveyLinks ? { ...variables, ...hidden } : variables);
  } catch (error) {
    throw new InvalidInputError(
      `${where}: ${liquidMessage(error)} (variables: ${Object.keys(variables).join(', ')})`,
    );
  }
  if (output.length > RENDER_LIMITS.outputChars)
    throw new InvalidInputError(
      `${where}: the rendered message has ${output.length} characters, more than ${RENDER_LIMITS.outputChars}`,
    );
  return output;
}

/** Checks that text parses as Liquid (names of variables are checked when rendering). */
export function checkTemplateSyntax(text: string, where: string): void {
  try {
    engine.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${where}: ${liquidMessage(error)}`);
  }
}
