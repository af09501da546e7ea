// The docs' link check (`npm run lint:docs`, part of `npm run lint`): every relative link and anchor
// in README.md and docs/*.md must lead somewhere — a file or folder of the repository and, for a
// `#anchor`, a heading of the page it names (GitHub's anchor for it). test/docs.unit.test.ts runs it
// on the repository and on broken pages it writes itself.
//
//   node --import tsx scripts/check-docs.ts [--root DIR]      exit 1 and one line per broken link
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** A link that leads nowhere: the page, its line, the target as written and why. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** The pages checked: README.md and every Markdown file under docs/ (paths relative to `root`). */
export function docPages(root: string): string[] {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => join('docs', f))
    : [];
  return ['README.md', ...pages.sort()];
}

/** The page's lines with fenced code blocks blanked (their `#` and `[..](..)` are not Markdown). */
function proseLines(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (open && open[0] === fence[0] && open.length >= fence.length) fence = null;
      return '';
    }
    if (open) {
      fence = open;
      return '';
    }
    return line;
  });
}

/** A line with inline code spans replaced by a word, so links inside code are not links. */
const withoutCode = (line: string) => line.replace(/(`+)[^`]*?\1/g, 'code');

/**
 * GitHub's anchor for a heading's text: formatting and link targets dropped, lower case, every
 * character that is not a letter, mark, digit, connector, space or hyphen removed, spaces to hyphens.
 */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats numbered -1, -2, … as GitHub does) and `<a id>`s. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** The link targets of a page with their line numbers: inline links, images and reference definitions. */
export function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ line: i + 1, target: m[1]! });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ line: i + 1, target: definition[1]! });
  });
  return links;
}

/** Targets outside the repository (a scheme such as https: or mailto:), not checked here. */
const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** The broken relative links and anchors of the given pages (default: README.md and docs/). */
export function brokenLinks(root: string, pages: string[] = docPages(root)): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    const anchors = anchorCache.get(path) ?? anchorsOf(readFileSync(path, 'utf8'));
    anchorCache.set(path, anchors);
    return anchors;
  };
  for (const page of pages) {
    const pagePath = join(root, page);
    for (const { line, target } of linksOf(readFileSync(pagePath, 'utf8'))) {
      if (isExternal(target)) continue;
      const hashAt = target.indexOf('#');
      const pathPart = decodeURI(hashAt < 0 ? target : target.slice(0, hashAt));
      const anchor = hashAt < 0 ? null : decodeURIComponent(target.slice(hashAt + 1));
      const file = pathPart === '' ? pagePath : resolve(dirname(pagePath), pathPart);
      const report = (reason: string) => broken.push({ file: page, line, target, reason });
      if (target === '') report('empty link');
      else if (relative(root, file).startsWith('..')) report('outside the repository');
      else if (!existsSync(file)) report(`no file ${relative(root, file)}`);
      else if (anchor !== null && file.endsWith('.md') && !anchorsIn(file).has(anchor))
        report(`no heading #${anchor} in ${relative(root, file)}`);
    }
  }
  return broken;
}

/** One line per broken link, as the check prints them. */
export const formatBroken = (b: BrokenLink) => `${b.file}:${b.line}: ${b.target} — ${b.reason}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  const root = resolve(values.root ?? join(import.meta.dirname, '..'));
  const broken = brokenLinks(root);
  for (const b of broken) console.error(formatBroken(b));
  if (broken.length > 0) process.exit(1);
  console.log(`docs: every relative link and anchor in ${docPages(root).length} pages leads somewhere`);
}

/** The code spans of a Markdown text, with a table's escaped `\|` read as `|`. */
function codeSpans(text: string): string[] {
  const spans: string[] = [];
  for (const line of proseLines(text))
    for (const m of line.matchAll(/(`+)([^`]+?)\1/g)) spans.push(m[2]!.replace(/\\\|/g, '|').trim());
  return spans;
}

/** `{customerId}` and `{id}` alike: a path with its parameters unnamed and without the `/api/v1` prefix. */
const routeShape = (path: string) => path.replace(/^\/api\/v1(?=\/)/, '').replace(/\{[^}]*\}/g, '{}');

/** Every `a|b` in a path's segments spelled out: `/x/{id}/pause|resume` → `/x/{id}/pause`, `/x/{id}/resume`. */
function expandAlternatives(path: string): string[] {
  return path
    .split('/')
    .reduce<string[]>(
      (paths, segment) =>
        paths.flatMap((p) => segment.split('|').map((s) => (p === '' && s === '' ? '' : `${p}/${s}`))),
      [''],
    )
    .map((p) => p.replace(/^\/\//, '/'));
}

/**
 * The routes (`METHOD /path`) an API page documents: each code span that starts with a method (or
 * methods joined by `/`, as in `GET/POST /coupon-templates`) and a path, the query string dropped.
 */
export function documentedRoutes(text: string): Set<string> {
  const routes = new Set<string>();
  for (const span of codeSpans(text)) {
    const m = /^((?:GET|POST|PUT|PATCH|DELETE)(?:\/(?:GET|POST|PUT|PATCH|DELETE))*)\s+(\/[^\s?]*)/.exec(span);
    if (!m) continue;
    for (const method of m[1]!.split('/'))
      for (const path of expandAlternatives(m[2]!)) routes.add(`${method} ${routeShape(path)}`);
  }
  return routes;
}

/** The operations (`METHOD /api/v1/path` as the OpenAPI document has them) the page does not document. */
export function undocumentedRoutes(operations: readonly string[], apiPage: string): string[] {
  const documented = documentedRoutes(apiPage);
  return operations.filter((op) => {
    const [method, path] = op.split(' ');
    return !documented.has(`${method} ${routeShape(path!)}`);
  });
}

/** The top-level commands the CLI page has no code span for that starts `retain NAME`. */
export function undocumentedCommands(names: readonly string[], cliPage: string): string[] {
  const spans = codeSpans(cliPage);
  return names.filter(
    (name) => !spans.some((s) => s === `retain ${name}` || s.startsWith(`retain ${name} `)),
  );
}
