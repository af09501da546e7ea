import { createSerializerCompiler, jsonSchemaTransform } from 'fastify-type-provider-zod';

type Compiler = ReturnType<typeof createSerializerCompiler>;

/** The first place where `sent` differs from `given` (as JSON would write them), or null. */
export function firstDifference(given: unknown, sent: unknown, path = ''): string | null {
  if (given === null || typeof given !== 'object' || sent === null || typeof sent !== 'object')
    return Object.is(given, sent)
      ? null
      : `${path || '(root)'}: ${JSON.stringify(sent)} instead of ${JSON.stringify(given)}`;
  if (Array.isArray(given) !== Array.isArray(sent)) return `${path || '(root)'}: array and object`;
  const a = given as Record<string, unknown>;
  const b = sent as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    // JSON leaves out undefined, so a missing key and an undefined one say the same.
    if (a[key] === undefined && b[key] === undefined) continue;
    if (!(key in b) || b[key] === undefined) return `${path}.${key}: left out by the response schema`;
    const found = firstDifference(a[key], b[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/**
 * The zod serializer, and (strict, for tests) a check that the response schema kept every field
 * the handler returned: zod drops keys a schema does not list, which would hide a stale contract.
 */
export function responseSerializer(strict: boolean): Compiler {
  const plain = createSerializerCompiler({});
  if (!strict) return plain;
  return (route) => {
    const serialize = plain(route);
    return (data) => {
      const text = serialize(data);
      const found = firstDifference(JSON.parse(JSON.stringify(data)), JSON.parse(text));
      if (found)
        throw new Error(`${route.method} ${route.url}: the response schema changed the answer at ${found}`);
      return text;
    };
  };
}

/**
 * The OpenAPI transform: zod's, then a 204's `null` schema written as JSON Schema's `null` type,
 * which the document shows as an answer without a body (OpenAPI 3.0 has no null type of its own).
 */
export const documentTransform: typeof jsonSchemaTransform = (document) => {
  const out = jsonSchemaTransform(document);
  const response = (out.schema as { response?: Record<string, unknown> } | undefined)?.response;
  if (response?.['204']) response['204'] = { type: 'null', description: 'No content' };
  return out;
};
