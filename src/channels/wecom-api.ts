import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ChannelError } from './channel.ts';
import { providerJson } from './webhook-channel.ts';

/**
 * WeCom customer contact (企业微信客户联系): the API base (configurable, for a proxy or a test
 * server), the corp id, and how long a message task may wait for the staff member to confirm it
 * before it counts as not sent; the app secret is kept apart.
 */
export const WecomCustomerConfig = z
  .object({
    api_base: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(300)
      .default('https://qyapi.weixin.qq.com')
      .transform((u) => u.replace(/\/+$/, '')),
    corp_id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (the corp id of 我的企业 → 企业信息)'),
    pending_hours: z
      .number()
      .int()
      .min(1)
      .max(720)
      .default(72)
      .describe('hours a task the staff member has not sent stays pending before it counts as not sent'),
  })
  .strict();

/** The settings of a workspace's WeCom customer contact channel. */
export type WecomConfig = z.infer<typeof WecomCustomerConfig>;

/** Tokens by API base, corp and secret (hashed): WeCom limits token requests, so they are kept. */
const tokens = new Map<string, Promise<{ token: string; expires: number }>>();

/** Token errors that a fresh token cures: 42001 expired, 40014 invalid. */
const TOKEN_ERRORS = new Set([42001, 40014]);
/** Error codes a later try may cure (busy, rate limits, token trouble). */
const TRANSIENT = new Set([-1, 42001, 40014, 45009, 45033]);

const cacheKey = (config: WecomConfig, secret: string) =>
  `${config.api_base}\n${config.corp_id}\n${createHash('sha256').update(secret).digest('hex')}`;

/** WeCom's answer as a failure; never with the URL, which carries the secret or the token. */
function failure(what: string, answer: Record<string, unknown>): ChannelError {
  const code = Number(answer.errcode ?? -1);
  const text = typeof answer.errmsg === 'string' ? answer.errmsg.slice(0, 200) : '';
  return new ChannelError(`${what}: ${code} ${text}`.trim(), !TRANSIENT.has(code));
}

async function fetchToken(config: WecomConfig, secret: string) {
  const query = new URLSearchParams({ corpid: config.corp_id, corpsecret: secret });
  const answer = await providerJson(`${config.api_base}/cgi-bin/gettoken?${query}`, {}, 'WeCom token');
  if (Number(answer.errcode ?? 0) !== 0 || typeof answer.access_token !== 'string' || !answer.access_token)
    throw failure('WeCom token', answer);
  // Renewed five minutes before WeCom's expiry (7200 s), never later than half its life.
  const seconds = Number(answer.expires_in) > 0 ? Number(answer.expires_in) : 7200;
  const margin = Math.min(300, seconds / 2);
  return { token: answer.access_token, expires: Date.now() + (seconds - margin) * 1000 };
}

/**
 * The access token for the corp and secret: the kept one while it is fresh, else a new one (sends
 * running at once share one request).
 */
export async function wecomToken(config: WecomConfig, secret: string): Promise<string> {
  const key = cacheKey(config, secret);
  const kept = tokens.get(key);
  if (kept) {
    const held = await kept.catch(() => null);
    if (held && held.expires > Date.now()) return held.token;
    if (tokens.get(key) !== kept) return wecomToken(config, secret);
    tokens.delete(key);
  }
  const fresh = fetchToken(config, secret);
  tokens.set(key, fresh);
  // A failed request is not kept: the next call asks again.
  fresh.catch(() => {
    if (tokens.get(key) === fresh) tokens.delete(key);
  });
  return (await fresh).token;
}

/** Forgets a token WeCom refused, unless another call already replaced it. */
async function forget(config: WecomConfig, secret: string, token: string) {
  const key = cacheKey(config, secret);
  const kept = tokens.get(key);
  if (kept && (await kept.catch(() => null))?.token === token && tokens.get(key) === kept) tokens.delete(key);
}

/**
 * Posts JSON to a WeCom API path with the access token; when WeCom answers that the token expired
 * (42001) or is invalid (40014), gets a new one and tries once more. An answer other than
 * errcode 0 is a {@link ChannelError} (permanent unless a later try may cure it).
 */
export async function wecomPost(
  config: WecomConfig,
  secret: string,
  path: string,
  body: unknown,
  what: string,
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const token = await wecomToken(config, secret);
    const answer = await providerJson(
      `${config.api_base}${path}?access_token=${encodeURIComponent(token)}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      what,
    );
    const code = Number(answer.errcode ?? -1);
    if (code === 0) return answer;
    if (TOKEN_ERRORS.has(code)) {
      await forget(config, secret, token);
      if (attempt === 1) continue;
    }
    throw failure(what, answer);
  }
}
