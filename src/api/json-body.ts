import { InvalidInputError } from '../shared/errors.ts';

/**
 * Parses a JSON body, refusing a `__proto__` key (and `constructor.prototype`) with a 400 that names
 * where it is, as Fastify's own parser would refuse it but without saying why. `JSON.parse` itself
 * only makes such keys own properties; refusing them keeps code that later merges or walks the body
 * from ever reaching `Object.prototype`.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`body: not valid JSON (${(error as Error).message})`, [
      { field: 'body', message: 'not valid JSON' },
    ]);
  }
  // Iterative, so a body nested thousands deep cannot overflow the stack.
  const stack: [unknown, string][] = [[value, 'body']];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      const at = `${path}.${key}`;
      const poisoned =
        key === '__proto__' ||
        (key === 'constructor' &&
          child !== null &&
          typeof child === 'object' &&
          Object.hasOwn(child, 'prototype'));
      if (poisoned)
        throw new InvalidInputError(`${at}: a key named ${key} is not allowed`, [
          { field: at, message: `a key named ${key} is not allowed` },
        ]);
      stack.push([child, at]);
    }
  }
  return value;
}
