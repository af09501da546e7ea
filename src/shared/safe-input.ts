import { InvalidInputError } from './errors.ts';

/** Largest value of a PostgreSQL `int` column (ids of users, keys, templates; counts and days). */
export const MAX_INT4 = 2 ** 31 - 1;

/** Deepest nesting of objects and arrays accepted in a JSON body or any other input. */
export const MAX_DEPTH = 64;

/** Keys that reach an object's prototype when an input's keys or dotted paths are walked. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether text holds U+0000, which PostgreSQL cannot store in text or jsonb. */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Whether text holds half of a UTF-16 surrogate pair, which is not Unicode text. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Sets an own enumerable property, even `__proto__`, without ever touching a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What is wrong with one text of an input (a value or a key), or undefined when it is fine. */
export function textProblem(text: string): string | undefined {
  if (hasNul(text)) return 'must not contain a NUL character (\\u0000)';
  if (hasLoneSurrogate(text)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return undefined;
}

/** What is wrong with a key of an input object (prototype keys, also as a segment of a dotted path). */
export function keyProblem(key: string): string | undefined {
  if (key.split('.').some((part) => PROTOTYPE_KEYS.has(part))) return `the key "${key}" is not allowed`;
  return textProblem(key);
}

/**
 * Every problem of an input, as `field: message` with the field as `body.items.3.name`: texts
 * with NUL or lone surrogates, prototype keys, nesting beyond {@link MAX_DEPTH}. Walks with a
 * stack of its own, so a value nested 100,000 deep cannot overflow the call stack.
 */
export function inputProblems(
  root: unknown,
  label: string,
  limit = 20,
  /** Texts under this path prefix are left to the caller (a batch reports them per item). */
  valuesLeftUnder?: string,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: label, depth: 0 }];
  while (stack.length && problems.length < limit) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (valuesLeftUnder && path.startsWith(valuesLeftUnder)) continue;
      const problem = textProblem(value);
      if (problem) problems.push({ field: path, message: problem });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ field: path, message: `nested deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}.${i}`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value).reverse()) {
      const problem = keyProblem(key);
      if (problem) problems.push({ field: `${path}.${key}`, message: problem });
      else
        stack.push({
          value: (value as Record<string, unknown>)[key],
          path: `${path}.${key}`,
          depth: depth + 1,
        });
    }
  }
  return problems;
}

/** Throws an InvalidInputError naming every field of `value` that {@link inputProblems} finds. */
export function assertSafeInput(value: unknown, label: string): void {
  const problems = inputProblems(value, label);
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new InvalidInputError(`${first.field}: ${first.message}`, problems);
}

/**
 * True when JSON text nests objects and arrays deeper than `max`: one pass over the characters,
 * so the check costs nothing like the recursion of a parser or validator on 1,000,000 levels.
 */
export function jsonNestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
