import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type ChannelAdapter, ChannelError } from './channel.ts';
import { keptAlivePoster, type PostAnswer } from './http-post.ts';

/** A generic webhook: the URL; the signing secret is kept apart. */
export const WebhookConfig = z.object({ url: z.url() }).strict();

/**
 * The signature a receiver checks: hex HMAC-SHA256, keyed by the shared secret, of
 * `timestamp + "." + body`, sent as `x-retain-signature: sha256=…` beside `x-retain-timestamp`.
 *
 * @example webhookSignature('s3cret', '1700000000', '{"a":1}')
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The signed headers and JSON body of a post to the merchant's endpoint. */
export function signedPost(secret: string, payload: unknown, extraHeaders: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/json',
    'x-retain-timestamp': timestamp,
    'x-retain-signature': webhookSignature(secret, timestamp, body),
    ...extraHeaders,
  };
  return { headers, body };
}

/** A response status as a channel failure: 4xx (but 408/429) will not change on retry. */
export function httpFailure(what: string, status: number): ChannelError {
  return new ChannelError(
    `${what} answered ${status}`,
    status >= 400 && status < 500 && status !== 408 && status !== 429,
  );
}

/**
 * A provider's JSON answer (WeChat, WeCom): a network failure or a non-2xx status as a
 * ChannelError naming `what`, and an answer that is not a JSON object as a permanent one.
 */
export async function providerJson(
  url: string,
  init: RequestInit,
  what: string,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new ChannelError(`${what}: ${(error as Error).message}`, false);
  }
  if (!response.ok) throw httpFailure(what, response.status);
  const answer = (await response.json().catch(() => null)) as unknown;
  if (!answer || typeof answer !== 'object' || Array.isArray(answer))
    throw new ChannelError(`${what}: the answer is not a JSON object`, false);
  return answer as Record<string, unknown>;
}

/** The generic signed webhook channel: JSON posted (signed) to the merchant's endpoint (an app push service, a CRM, …). */
export function webhookChannel(
  config: z.infer<typeof WebhookConfig>,
  secrets: { secret?: string },
): ChannelAdapter {
  const poster = keptAlivePoster();
  const post = async (payload: unknown, idempotencyKey: string) => {
    const { headers, body } = signedPost(secrets.secret ?? '', payload, {
      'idempotency-key': idempotencyKey,
    });
    let answer: PostAnswer;
    try {
      answer = await poster.post(config.url, headers, body);
    } catch (error) {
      throw new ChannelError(`webhook: ${(error as Error).message}`, false);
    }
    if (answer.status < 200 || answer.status > 299) throw httpFailure('webhook', answer.status);
    return answer;
  };
  return {
    needs: null,
    close: () => poster.close(),
    async send(message) {
      const payload = {
        customer_id: message.customerId,
        subject: message.subject,
        body: message.body,
        idempotency_key: message.idempotencyKey,
      };
      return { providerId: (await post(payload, message.idempotencyKey)).requestId };
    },
    async post(payload, idempotencyKey) {
      await post(payload, idempotencyKey);
    },
  };
}
