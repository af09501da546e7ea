import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { escapeHtml } from '../shared/html-escape.ts';
import { type ChannelAdapter, ChannelError } from './channel.ts';

/** SMTP settings; the password is a secret kept apart. */
export const EmailConfig = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z
      .boolean()
      .default(false)
      .describe('TLS from the start (port 465); otherwise STARTTLS when offered'),
    user: z.string().optional(),
    from: z.string().min(3).describe('e.g. "某某旗舰店 <service@shop.cn>"'),
  })
  .strict();

/** The text as simple HTML (links kept clickable) with the open-tracking image at the end. */
function htmlWithPixel(text: string, pixel: string): string {
  const body = escapeHtml(text)
    .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/\n/g, '<br>');
  return `<div>${body}</div><img src="${escapeHtml(pixel)}" width="1" height="1" alt="">`;
}

/**
 * The Message-ID of a message, the same on every attempt: a mail sent again after a worker died
 * carries the Message-ID of the first, so mail systems and readers can tell it is the same mail.
 *
 * @example messageIdFor('journey:7:3', 'shop <service@shop.cn>') // '<9f…@shop.cn>'
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'retain.local';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/** Email over SMTP with nodemailer. */
export function emailChannel(
  config: z.infer<typeof EmailConfig>,
  secrets: { password?: string },
): ChannelAdapter {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: secrets.password ?? '' } : undefined,
    // A local relay without a certificate is common on one server; TLS is still used when offered.
    tls: { rejectUnauthorized: false },
    // A delivery round sends many messages: reuse a few connections instead of one per message.
    pool: true,
    maxConnections: 4,
  });
  return {
    needs: 'email',
    close: () => transport.close(),
    async send(message) {
      if (!message.to) throw new ChannelError('no email address', true);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.to,
          messageId: messageIdFor(message.idempotencyKey, config.from),
          subject: message.subject ?? '',
          text: message.body,
          html: message.openPixelUrl ? htmlWithPixel(message.body, message.openPixelUrl) : undefined,
          headers: {
            'X-Retain-Idempotency-Key': message.idempotencyKey,
            ...(message.unsubscribeUrl
              ? {
                  'List-Unsubscribe': `<${message.unsubscribeUrl}>`,
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                }
              : {}),
          },
        });
        return { providerId: info.messageId ?? null };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // 5xx answers (unknown mailbox, rejected) will not change on retry; the rest might.
        throw new ChannelError(`SMTP: ${(error as Error).message}`, code !== undefined && code >= 500);
      }
    },
  };
}
