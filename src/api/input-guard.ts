import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError } from '../shared/errors.ts';
import { inputProblems, jsonNestsDeeper, MAX_DEPTH } from '../shared/safe-input.ts';

/**
 * Parses JSON bodies, refusing nesting deeper than {@link MAX_DEPTH} first with 400 (deep bodies
 * overflowed the prototype scan of Fastify's parser and the validators). A `__proto__` key stays
 * an own property of its plain object (JSON.parse never sets a prototype) until {@link guardInput}
 * refuses it by name, where Fastify's parser said only "not valid JSON".
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parseEmpty = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const text = raw as string;
    if (text.trim() === '') return parseEmpty(request, text, done);
    const refuse = (message: string) =>
      done(new InvalidInputError(`body: ${message}`, [{ field: 'body', message }]), undefined);
    if (jsonNestsDeeper(text, MAX_DEPTH)) return refuse(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      refuse(`not valid JSON: ${(error as Error).message}`);
    }
  });
}

/** Whether the route reports bad values per item of its batch (`config.itemErrors`). */
function itemErrors(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { itemErrors?: boolean } | undefined)?.itemErrors === true;
}

/**
 * A preValidation hook refusing, with 400 and the fields at fault, input no route can store or
 * walk safely; runs before every route's own schema, so no route can forget it.
 */
export async function guardInput(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const problems = [
    ...inputProblems(request.params, 'params'),
    ...inputProblems(request.query, 'querystring'),
    // A batch route answers a bad text value as that item's error; keys and nesting stay refused.
    ...inputProblems(request.body, 'body', 20, itemErrors(request) ? 'body.items.' : undefined),
  ];
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new InvalidInputError(`${first.field}: ${first.message}`, problems);
}
