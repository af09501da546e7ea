import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clockNow } from '../../shared/clock.ts';
import { RetainError } from '../../shared/errors.ts';
import { openLink, surveyAnswerQueue } from '../../surveys/survey-answer.ts';
import { formPage, notePage } from '../../surveys/survey-page.ts';
import type { ApiContext } from '../context.ts';

/** A posted form larger than this is refused: the longest answers fit many times over. */
const FORM_LIMIT = 64 * 1024;

const STATUS = { invalid: 404, expired: 410, closed: 410, answered: 409 } as const;

const browserLocale = (request: FastifyRequest) =>
  /^\s*en\b/i.test(request.headers['accept-language'] ?? '') ? ('en' as const) : ('zh-CN' as const);

const html = (reply: FastifyReply, status: number, body: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .header('referrer-policy', 'no-referrer')
    .send(body);

/**
 * The public survey page at `/s/{token}`: GET shows the survey (or why it cannot be answered),
 * POST records the answer once. No login; the signed token is the credential. Answers are
 * limited per client address (`answersPerMinute`).
 */
export const surveyPageRoutes: FastifyPluginAsyncZod<ApiContext & { answersPerMinute: number }> = async (
  app,
  { store, answersPerMinute },
) => {
  const db = store.db;
  const answers = surveyAnswerQueue(db);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_r, body, done) => done(null, body),
  );
  await app.register(rateLimit, {
    max: answersPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (request) => ({
      statusCode: 429,
      html: notePage('busy', browserLocale(request)),
    }),
  });
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const locale = browserLocale(request);
    if (error.statusCode === 429) return html(reply, 429, notePage('busy', locale));
    // A malformed request (a NUL in the token, wrong content type, oversize body) gets the
    // plain "invalid" page; the input guard's refusals are RetainErrors without a status.
    const status = error instanceof RetainError ? 400 : error.statusCode;
    if (status && status < 500) return html(reply, status, notePage('invalid', locale));
    request.log.error({ err: error }, 'survey page failed');
    return html(reply, 500, notePage('busy', locale));
  });
  const route = {
    config: { permission: 'public' as const },
    schema: { hide: true, params: z.object({ token: z.string().max(200) }) },
  };

  app.get('/s/:token', route, async (request, reply) => {
    const opened = await openLink(db, {
      token: request.params.token,
      browserLocale: browserLocale(request),
      now: clockNow(),
    });
    if (opened.state === 'open') return html(reply, 200, formPage(opened.survey, opened.locale));
    return html(
      reply,
      STATUS[opened.state],
      notePage(opened.state, 'locale' in opened ? opened.locale : browserLocale(request)),
    );
  });

  app.post('/s/:token', route, async (request, reply) => {
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
    const result = await answers.push({
      token: request.params.token,
      form,
      browserLocale: browserLocale(request),
      now: clockNow(),
    });
    if (result.state === 'recorded') return html(reply, 200, notePage('recorded', result.locale));
    if (result.state === 'problems')
      return html(reply, 400, formPage(result.survey, result.locale, form, result.problems));
    return html(
      reply,
      STATUS[result.state],
      notePage(result.state, 'locale' in result ? result.locale : browserLocale(request)),
    );
  });
};
