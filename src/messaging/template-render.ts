import { Liquid } from 'liquidjs';
import { InvalidInputError } from '../shared/errors.ts';

// Strict: a misspelt variable or filter is an error to show, never an empty gap in a message.
const engine = new Liquid({ strictVariables: true, strictFilters: true, cache: 500 });

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

/** The locales templates are written in; zh-CN first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Renders Liquid text with variables; a clear error names the template part and the problem.
 *
 * @example await renderText('您好，{{ name }}', { name: '张三' }, 'body') // '您好，张三'
 */
export async function renderText(
  text: string,
  variables: Record<string, unknown>,
  where: string,
  tracker?: LinkTracker,
): Promise<string> {
  try {
    return await engine.parseAndRender(text, tracker ? { ...variables, [TRACKER]: tracker } : variables);
  } catch (error) {
    const message = (error as Error).message
      .split(', line:')[0]!
      .replace(/^undefined variable: /, 'unknown variable ');
    throw new InvalidInputError(`${where}: ${message} (variables: ${Object.keys(variables).join(', ')})`);
  }
}

/** Checks that text parses as Liquid (names of variables are checked when rendering). */
export function checkTemplateSyntax(text: string, where: string): void {
  try {
    engine.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}
