/**
 * Values for the route fuzz test: a seeded random source, valid-ish values generated from an
 * OpenAPI (JSON Schema) description, and the hostile values the hardening issue found 500s with.
 */

/** A deterministic random source (mulberry32), so a failing run reproduces from its seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export type Random = ReturnType<typeof seededRandom>;

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema objects of any shape
type JsonSchema = Record<string, any>;

/** A value the schema accepts, or close to it (the fuzz only needs bodies that reach handlers). */
export function sample(schema: JsonSchema | undefined, random: Random, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return random.pick(schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const choices = union.filter((s: JsonSchema) => s.type !== 'null');
    return sample(random.pick(choices.length ? choices : union), random, depth + 1);
  }
  if (Array.isArray(schema.allOf)) return sample(schema.allOf[0], random, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [key, child] of Object.entries<JsonSchema>(schema.properties ?? {}))
        if (required.has(key) || random.next() < 0.7) out[key] = sample(child, random, depth + 1);
      return out;
    }
    case 'array':
      return [sample(schema.items, random, depth + 1)];
    case 'integer':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 3, 1));
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 10, 5));
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    case 'string':
      return sampleString(schema);
    default:
      return 'x';
  }
}

function sampleString(schema: JsonSchema): string {
  if (schema.format === 'date-time') return '2024-05-01T10:00:00Z';
  if (schema.format === 'email') return 'fuzz@example.com';
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return '2024-05-01';
  if (schema.pattern === '^\\d+$') return '1';
  return 'a'.repeat(Math.max(1, Math.min(schema.minLength ?? 1, 40)));
}

/** `n` arrays nested in each other: 3,000 deep blew the stack of recursive validators. */
export const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
/** `n` objects nested in each other, as JSON text. */
export const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** A hostile value with a label for the failure list. */
export interface Mutant {
  label: string;
  value: unknown;
}

/** Values put in place of one field of a JSON body (the 500s and their neighbours). */
export const BODY_MUTANTS: readonly Mutant[] = [
  { label: 'NUL byte', value: 'a\u0000b' },
  { label: 'lone surrogate', value: 'a\ud800b' },
  { label: '2^31', value: 2 ** 31 },
  { label: '2^63', value: 2 ** 63 },
  { label: '1e308', value: 1e308 },
  { label: '1.5', value: 1.5 },
  { label: '-1', value: -1 },
  { label: 'impossible date 1990-02-30', value: '1990-02-30' },
  { label: 'impossible date 2024-13-01', value: '2024-13-01' },
  { label: 'impossible timestamp', value: '2024-02-30T10:00:00Z' },
  { label: '20-digit number text', value: '99999999999999999999' },
  { label: 'huge string', value: 'x'.repeat(200_000) },
  { label: 'wrong type object', value: { a: 1 } },
  { label: 'wrong type array', value: [1, 'a'] },
  { label: 'wrong type boolean', value: true },
  { label: 'null', value: null },
  { label: 'empty string', value: '' },
  { label: 'deep nesting 3000 (value)', value: JSON.parse(deepArray(3000)) },
];

/** Keys added to an object of a body: prototype pollution attempts. */
export const POLLUTING: readonly Mutant[] = [
  { label: '__proto__ key', value: JSON.parse('{"__proto__":{"polluted":"yes"}}') },
  { label: 'constructor.prototype key', value: { constructor: { prototype: { polluted: 'yes' } } } },
  { label: 'prototype key', value: { prototype: { polluted: 'yes' } } },
  { label: 'dotted __proto__ path', value: { '__proto__.polluted': 'yes' } },
  { label: 'dotted constructor path', value: { 'constructor.prototype.polluted': 'yes' } },
];

/** Values put in place of one query or path parameter, already URL-encoded. */
export const TEXT_MUTANTS: readonly Mutant[] = [
  { label: 'NUL byte', value: 'a%00b' },
  { label: 'lone surrogate (CESU-8)', value: 'a%ED%A0%80b' },
  { label: 'invalid UTF-8', value: 'a%FFb' },
  { label: '20-digit cursor', value: '99999999999999999999' },
  { label: '2^31', value: '2147483648' },
  { label: '2^63', value: '9223372036854775808' },
  { label: '1e308', value: '1e308' },
  { label: '1.5', value: '1.5' },
  { label: '-1', value: '-1' },
  { label: 'impossible date 1990-02-30', value: '1990-02-30' },
  { label: 'impossible date 2024-13-01', value: '2024-13-01' },
  { label: 'long text', value: 'x'.repeat(4000) },
  { label: '__proto__', value: '__proto__' },
  { label: 'constructor', value: 'constructor' },
  { label: 'empty', value: '' },
  { label: 'JSON deep nesting', value: encodeURIComponent(deepObject(3000)) },
];

/** Every path to a value inside `value` (objects and arrays included), root excluded. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: (string | number)[][] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    out.push(...pathsOf(child, [...prefix, key]));
  }
  return out;
}

/** A deep copy of `value` with the value at `path` replaced. */
export function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  (copy as Record<string | number, unknown>)[head!] = replaceAt(
    (value as Record<string | number, unknown>)[head!],
    rest,
    replacement,
  );
  return copy;
}

/** The objects (not arrays) inside a value, by path; root included. */
export function objectPaths(value: unknown): (string | number)[][] {
  const all = [[], ...pathsOf(value)];
  return all.filter((p) => {
    let v: unknown = value;
    for (const k of p) v = (v as Record<string | number, unknown>)[k];
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  });
}

/** A deep copy of `value` with own keys of `extra` added to the object at `path`. */
export function addKeysAt(value: unknown, path: (string | number)[], extra: object): unknown {
  let target: unknown = value;
  for (const k of path) target = (target as Record<string | number, unknown>)[k];
  const merged = Object.assign(Object.create(null), target);
  // Own-property definition: a plain assignment of "__proto__" would set the prototype instead.
  for (const key of Object.keys(extra))
    Object.defineProperty(merged, key, {
      value: (extra as Record<string, unknown>)[key],
      enumerable: true,
      writable: true,
    });
  return replaceAt(value, path, merged);
}
