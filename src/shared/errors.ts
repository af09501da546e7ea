import type { z } from 'zod';

/**
 * Expected failures a user can act on. The CLI prints `message` as one line; the API maps `code`
 * to an HTTP status in one place. Anything else is a bug and is reported as such.
 */
export class RetainError extends Error {
  constructor(
    readonly code:
      | 'not_found'
      | 'invalid_input'
      | 'conflict'
      | 'unavailable'
      | 'unauthorized'
      | 'forbidden'
      | 'too_large'
      | 'rate_limited',
    message: string,
  ) {
    super(message);
    this.name = 'RetainError';
  }
}

/** The database could not be reached. */
export class DatabaseUnavailableError extends RetainError {
  constructor(where: string, reason: string) {
    super('unavailable', `cannot connect to the database at ${where}: ${reason}`);
  }
}

/** Bad input from a user: an option, a file, a field; `fields` lists every field at fault when known. */
export class InvalidInputError extends RetainError {
  constructor(
    message: string,
    readonly fields?: readonly { field: string; message: string }[],
  ) {
    super('invalid_input', message);
  }
}

/** Too many attempts: refused until `retryAfterSeconds` have passed (the API sends `Retry-After`). */
export class TooManyAttemptsError extends RetainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}

/** Something looked up by the user does not exist. */
export class NotFoundError extends RetainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/**
 * Parses input with a zod schema; on failure, an InvalidInputError naming the first field at
 * fault: `${label} ${path}: ${message}` (`fallback` when the whole value is at fault), with every
 * field at fault in its `fields` (so a form can mark them all at once).
 *
 * @example parseInput(TemplateInput, body, 'template 1:') // throws 'template 1: body: …'
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  label: string,
  fallback = '(all)',
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({
    field: i.path.join('.') || fallback,
    message: i.message,
  }));
  throw new InvalidInputError(`${label} ${fields[0]!.field}: ${fields[0]!.message}`, fields);
}
