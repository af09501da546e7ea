import { z } from 'zod';
import { type ChannelAdapter, ChannelError } from './channel.ts';
import { providerJson } from './webhook-channel.ts';

/**
 * A WeChat official account's template message (公众号模板消息): the API base (configurable, for a
 * proxy or a test server), the app id, the approved template and which template fields carry the
 * rendered subject and body; the app secret is kept apart.
 */
export const WechatTemplateConfig = z
  .object({
    api_base: z.url().default('https://api.weixin.qq.com'),
    app_id: z.string().min(1),
    template_id: z.string().min(1),
    /** A page the message opens. */
    url: z.url().optional(),
    fields: z
      .object({ subject: z.string().min(1).default('first'), body: z.string().min(1).default('remark') })
      .strict()
      .prefault({}),
  })
  .strict();

type Config = z.infer<typeof WechatTemplateConfig>;

/** Access tokens by API base and app: WeChat allows few token requests a day, so they are kept. */
const tokens = new Map<string, { token: string; expires: number }>();

/** Error codes that a fresh token or a later try may cure (bad/expired token, busy, rate limit). */
const TRANSIENT = new Set([-1, 40001, 40014, 42001, 45009]);

async function accessToken(config: Config, secret: string): Promise<string> {
  const key = `${config.api_base} ${config.app_id}`;
  const kept = tokens.get(key);
  if (kept && kept.expires > Date.now()) return kept.token;
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: config.app_id, secret });
  const answer = await providerJson(`${config.api_base}/cgi-bin/token?${query}`, {}, 'WeChat token');
  if (typeof answer.access_token !== 'string')
    throw new ChannelError(
      `WeChat token: ${answer.errcode} ${answer.errmsg ?? ''}`.trim(),
      !TRANSIENT.has(Number(answer.errcode)),
    );
  // Renewed five minutes before WeChat's expiry (7200 s).
  const seconds = Number(answer.expires_in ?? 7200);
  tokens.set(key, { token: answer.access_token, expires: Date.now() + (seconds - 300) * 1000 });
  return answer.access_token;
}

/** Sends a template message to the customer's WeChat openid of the official account. */
export function wechatTemplateChannel(config: Config, secrets: { app_secret?: string }): ChannelAdapter {
  return {
    needs: 'wechat_openid',
    async send(message) {
      if (!message.to) throw new ChannelError('no WeChat openid', true);
      const token = await accessToken(config, secrets.app_secret ?? '');
      const data: Record<string, { value: string }> = { [config.fields.body]: { value: message.body } };
      if (message.subject) data[config.fields.subject] = { value: message.subject };
      const answer = await providerJson(
        `${config.api_base}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            touser: message.to,
            template_id: config.template_id,
            url: config.url,
            data,
          }),
        },
        'WeChat template message',
      );
      const code = Number(answer.errcode ?? -1);
      if (code === 40001 || code === 40014 || code === 42001)
        tokens.delete(`${config.api_base} ${config.app_id}`);
      if (code !== 0)
        throw new ChannelError(
          `WeChat template message: ${code} ${answer.errmsg ?? ''}`.trim(),
          !TRANSIENT.has(code),
        );
      return { providerId: answer.msgid === undefined ? null : String(answer.msgid) };
    },
  };
}
