import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, parseInput } from '../shared/errors.ts';
import { CHANNELS, type ChannelAdapter, type ChannelName } from './channel.ts';
import { EmailConfig, emailChannel } from './email-channel.ts';
import { AliyunSmsConfig, smsAliyunChannel } from './sms-aliyun-channel.ts';
import { smsTencentChannel, TencentSmsConfig } from './sms-tencent-channel.ts';
import { WebhookConfig, webhookChannel } from './webhook-channel.ts';
import { WechatTemplateConfig, wechatTemplateChannel } from './wechat-template-channel.ts';
import { WecomCustomerConfig, wecomCustomerChannel } from './wecom-customer-channel.ts';
import { WecomRobotConfig, wecomRobotChannel } from './wecom-robot-channel.ts';

/** Each channel's settings schema, the names of its secrets, and its adapter. */
const KINDS: Record<
  ChannelName,
  { schema: z.ZodType; secrets: readonly string[]; make: (c: never, s: never) => ChannelAdapter }
> = {
  email: { schema: EmailConfig, secrets: ['password'], make: emailChannel },
  sms_aliyun: {
    schema: AliyunSmsConfig,
    secrets: ['access_key_id', 'access_key_secret'],
    make: smsAliyunChannel,
  },
  sms_tencent: { schema: TencentSmsConfig, secrets: ['secret_id', 'secret_key'], make: smsTencentChannel },
  webhook: { schema: WebhookConfig, secrets: ['secret'], make: webhookChannel },
  wecom_robot: { schema: WecomRobotConfig, secrets: ['key'], make: wecomRobotChannel },
  wechat_template: { schema: WechatTemplateConfig, secrets: ['app_secret'], make: wechatTemplateChannel },
  wecom_customer: { schema: WecomCustomerConfig, secrets: ['secret'], make: wecomCustomerChannel },
};

/** Narrows a channel name, with the list in the error. */
export function requireChannel(name: string): ChannelName {
  if (!(CHANNELS as readonly string[]).includes(name))
    throw new InvalidInputError(`unknown channel "${name}" (use ${CHANNELS.join(', ')})`);
  return name as ChannelName;
}

/**
 * Saves a channel's settings and secrets for the workspace (a secret left out keeps its stored
 * value). A clear error names a bad field.
 */
export async function setChannel(
  db: Kysely<Schema>,
  workspaceId: number,
  channel: ChannelName,
  config: unknown,
  secrets: Record<string, string | undefined>,
): Promise<void> {
  const kind = KINDS[channel];
  const settings = parseInput(kind.schema, config, `${channel} setting`);
  for (const name of Object.keys(secrets))
    if (!kind.secrets.includes(name))
      throw new InvalidInputError(`${channel} has no secret "${name}" (secrets: ${kind.secrets.join(', ')})`);
  const stored = await db
    .selectFrom('channel_configs')
    .select('secrets')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  const merged = { ...(stored?.secrets ?? {}) };
  for (const [name, value] of Object.entries(secrets)) if (value !== undefined) merged[name] = value;
  await db
    .insertInto('channel_configs')
    .values({
      workspace_id: workspaceId,
      channel,
      config: JSON.stringify(settings) as never,
      secrets: JSON.stringify(merged) as never,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'channel']).doUpdateSet({
        config: (eb) => eb.ref('excluded.config'),
        secrets: (eb) => eb.ref('excluded.secrets'),
        updated_at: new Date(),
      }),
    )
    .execute();
}

/** The workspace's channels as they may be shown: secrets only as set or not. */
export async function listChannels(db: Kysely<Schema>, workspaceId: number) {
  const rows = await db
    .selectFrom('channel_configs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('channel')
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    config: r.config,
    secrets: Object.fromEntries(
      KINDS[r.channel as ChannelName].secrets.map((s) => [
        s,
        r.secrets[s] ? ('set' as const) : ('not set' as const),
      ]),
    ),
    updated_at: r.updated_at,
  }));
}

/**
 * {@link setChannel} as admins do it (API and CLI alike): the settings and their `channel.set`
 * audit row commit together. The row names the channel only, never a setting or secret.
 */
export function configureChannel(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  channel: ChannelName,
  config: unknown,
  secrets: Record<string, string | undefined>,
): Promise<void> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => setChannel(trx, workspaceId, channel, config, secrets),
    () => ({ action: 'channel.set', objectType: 'channel', objectId: channel }),
  );
}

/** The adapter for a configured channel; a clear error when it is not configured. */
export async function channelAdapter(
  db: Kysely<Schema>,
  workspaceId: number,
  channel: ChannelName,
): Promise<ChannelAdapter> {
  const row = await db
    .selectFrom('channel_configs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  if (!row)
    throw new NotFoundError(`the ${channel} channel is not set up (retain channels set ${channel} …)`);
  return KINDS[channel].make(row.config as never, row.secrets as never);
}
