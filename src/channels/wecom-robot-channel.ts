import { z } from 'zod';
import { type ChannelAdapter, ChannelError } from './channel.ts';
import { httpFailure } from './webhook-channel.ts';

/**
 * A WeCom (企业微信) group robot: the webhook endpoint (configurable, for a proxy or a test server);
 * the robot key is a secret.
 */
export const WecomRobotConfig = z
  .object({ endpoint: z.url().default('https://qyapi.weixin.qq.com/cgi-bin/webhook/send') })
  .strict();

/** Posts to a WeCom group robot as markdown (staff groups: follow-up alerts, daily lists). */
export function wecomRobotChannel(
  config: z.infer<typeof WecomRobotConfig>,
  secrets: { key?: string },
): ChannelAdapter {
  return {
    needs: null,
    async send(message) {
      const url = `${config.endpoint}?key=${encodeURIComponent(secrets.key ?? '')}`;
      const content = message.subject ? `**${message.subject}**\n${message.body}` : message.body;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new ChannelError(`WeCom robot: ${(error as Error).message}`, false);
      }
      if (!response.ok) throw httpFailure('WeCom robot', response.status);
      const answer = (await response.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
      // WeCom answers 200 with an error code: 93000 (bad key) and 40008 (bad message) will not heal.
      if (answer.errcode !== 0)
        throw new ChannelError(
          `WeCom robot: ${answer.errcode} ${answer.errmsg ?? ''}`.trim(),
          answer.errcode !== 45009,
        );
      return { providerId: null };
    },
  };
}
