import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ClientGoneError } from '../db/request-scope.ts';
import { InvalidInputError, RetainError, TooManyAttemptsError } from '../shared/errors.ts';

/** How a 400 starts when only the database caught the bad value (the fuzz test counts these as misses). */
export const DATABASE_REFUSED = 'a value was refused by the database';

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  /** For invalid input: each field at fault, as `body.items.3.amount` (a request's shape) or `steps.a.next` (a document's). */
  fields?: { field: string; message: string }[];
}

const STATUS: Record<RetainError['code'], number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** A caller without a valid credential. */
export class UnauthorizedError extends RetainError {
  constructor(message = 'sign in, or send an API key as "Authorization: Bearer rk_…"') {
    super('unauthorized', message);
  }
}

/** A caller whose role does not allow the route. */
export class ForbiddenError extends RetainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A body or batch over its limit. */
export class TooLargeError extends RetainError {
  constructor(message: string) {
    super('too_large', message);
  }
}

/**
 * The one place errors become HTTP responses: expected errors keep their message; validation
 * errors name each field; anything else is a 500 without details (logged with the request id).
 */
export function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((v) => {
      const path = [error.validationContext ?? 'body', ...(v.instancePath || '').split('/').filter(Boolean)];
      return { field: path.join('.'), message: v.message ?? 'invalid' };
    });
    const body: ErrorBody = {
      error: 'invalid_input',
      message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
      fields,
    };
    return reply.code(400).send(body);
  }
  if (error instanceof RetainError) {
    const body: ErrorBody = { error: error.code, message: error.message };
    if (error instanceof InvalidInputError && error.fields?.length) body.fields = [...error.fields];
    if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(STATUS[error.code]).send(body);
  }
  if (error instanceof ClientGoneError) return reply.code(499).send();
  const sqlState = (error as { code?: unknown }).code;
  if (sqlState === '57014') {
    // The statement timeout (or a cancel) stopped the query: the request asked for too much at once.
    return reply.code(503).send({
      error: 'unavailable',
      message:
        'the request took longer than the database statement timeout; narrow it down or try again later',
    } satisfies ErrorBody);
  }
  if (typeof sqlState === 'string' && sqlState.startsWith('22')) {
    // A data exception (a value out of range or malformed): bad input a schema should have named.
    request.log.warn({ err: error }, 'input refused by the database');
    return reply.code(400).send({
      error: 'invalid_input',
      message: `${DATABASE_REFUSED}: ${error.message}`,
    } satisfies ErrorBody);
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'too_large'
        : status === 429
          ? 'rate_limited'
          : status === 415
            ? 'unsupported_media_type'
            : 'bad_request';
    return reply.code(status).send({ error: code, message: error.message } satisfies ErrorBody);
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply
    .code(500)
    .send({ error: 'internal', message: `unexpected error (request ${request.id})` } satisfies ErrorBody);
}
