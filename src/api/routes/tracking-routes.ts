import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { linkSignature, readMessageToken, trackingKey } from '../../messaging/index.ts';
import { recordTouch } from '../../messaging/tracking-service.ts';
import type { ApiContext } from '../context.ts';

// The smallest transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const page = (zh: string, en: string) =>
  `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${zh}</title><body style="font-family:sans-serif;text-align:center;padding:3em"><h1>${zh}</h1><p>${en}</p></body></html>`;

/**
 * The links in sent messages: `/t/o/{token}` (open pixel), `/t/c/{token}?u=&s=` (signed click
 * redirect) and `/t/u/{token}` (a confirmation page on GET; the unsubscribe itself is a POST, from
 * that page's button or a mail client's RFC 8058 one-click). Public, but a token only
 * works for the one message it was signed for, and a click only redirects to the URL it was sent with.
 */
export const trackingRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;
  // Mail clients' one-click unsubscribe posts a form; its content does not matter.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
  const open = {
    config: { permission: 'public' as const },
    schema: { hide: true, params: z.object({ token: z.string().max(100) }) },
  };
  const message = async (token: string) => readMessageToken(await trackingKey(db), token);

  app.get('/t/o/:token', open, async (request, reply) => {
    const m = await message(request.params.token);
    if (m) await recordTouch(db, m.workspaceId, m.messageId, 'opened');
    return reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL);
  });

  app.get(
    '/t/c/:token',
    {
      ...open,
      schema: { ...open.schema, querystring: z.object({ u: z.string().max(4000), s: z.string().max(100) }) },
    },
    async (request, reply) => {
      const key = await trackingKey(db);
      const { token } = request.params;
      const { u, s } = request.query;
      const m = readMessageToken(key, token);
      if (!m || linkSignature(key, token, u) !== s || !/^https?:\/\//.test(u))
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(page('链接无效', 'This link is not valid.'));
      await recordTouch(db, m.workspaceId, m.messageId, 'clicked', { url: u });
      return reply.redirect(u, 302);
    },
  );

  const unsubscribe = async (token: string) => {
    const m = await message(token);
    return Boolean(m && (await recordTouch(db, m.workspaceId, m.messageId, 'unsubscribed')));
  };
  const html = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
  // A GET only asks: mail scanners and link previews fetch every link, and must not opt anyone out.
  app.get('/t/u/:token', open, async (request, reply) => {
    if (!(await message(request.params.token)))
      return html(reply).code(404).send(page('链接无效', 'This link is not valid.'));
    return html(reply).send(CONFIRM);
  });
  // The page's button, and RFC 8058 one-click unsubscribe from mail clients
  // (`List-Unsubscribe-Post: List-Unsubscribe=One-Click`), both POST here.
  app.post('/t/u/:token', open, async (request, reply) => {
    const done = await unsubscribe(request.params.token);
    if (!request.headers.accept?.includes('text/html'))
      return reply.code(done ? 200 : 404).send({ unsubscribed: done });
    if (!done) return html(reply).code(404).send(page('链接无效', 'This link is not valid.'));
    return html(reply).send(
      page('您已退订', 'You are unsubscribed and will not receive these messages any more.'),
    );
  });
};

// Posts to its own address; no script, so it works in any browser and under a strict CSP.
const CONFIRM =
  `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>确认退订</title><body style="font-family:sans-serif;text-align:center;padding:3em">` +
  `<h1>确认退订</h1><p>确认后，您将不再收到这类消息。</p>` +
  `<p>Confirm to stop receiving these messages.</p>` +
  `<form method="post"><button type="submit" style="font-size:1.1em;padding:.5em 2em">确认退订</button></form>` +
  `</body></html>`;
