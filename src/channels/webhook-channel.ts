import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type ChannelAdapter, ChannelError } from './channel.ts';

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

/** Posts the message as JSON to the merchant's endpoint (an app push service, a CRM, …). */
export function postSigned(
  url: string,
  secret: string,
  payload: unknown,
  extraHeaders: Record<string, string> = {},
) {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-retain-timestamp': timestamp,
      'x-retain-signature': webhookSignature(secret, timestamp, body),
      ...extraHeaders,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
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

/** The generic signed webhook channel. */
export function webhookChannel(
  config: z.infer<typeof WebhookConfig>,
  secrets: { secret?: string },
): ChannelAdapter {
  const post = async (payload: unknown, idempotencyKey: string) => {
    let response: Response;
    try {
      response = await postSigned(config.url, secrets.secret ?? '', payload, {
        'idempotency-key': idempotencyKey,
      });
    } catch (error) {
      throw new ChannelError(`webhook: ${(error as Error).message}`, false);
    }
    if (!response.ok) throw httpFailure('webhook', response.status);
    return response;
  };
  return {
    needs: null,
    async send(message) {
      const payload = {
        customer_id: message.customerId,
        subject: message.subject,
        body: message.body,
        idempotency_key: message.idempotencyKey,
      };
      const response = await post(payload, message.idempotencyKey);
      return { providerId: response.headers.get('x-request-id') };
    },
    async post(payload, idempotencyKey) {
      await post(payload, idempotencyKey);
    },
  };
}
