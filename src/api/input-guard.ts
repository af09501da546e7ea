import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError } from '../shared/errors.ts';
import { inputProblems } from '../shared/safe-input.ts';

/**
 * A preValidation hook refusing, with 400 and the fields at fault, input no route can store or
 * walk safely; runs before every route's own schema, so no route can forget it.
 */
export async function guardInput(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const problems = [
    ...inputProblems(request.params, 'params'),
    ...inputProblems(request.query, 'querystring'),
    ...inputProblems(request.body, 'body'),
  ];
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new InvalidInputError(`${first.field}: ${first.message}`, problems);
}
