import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { configureChannel, listChannels, requireChannel, runChannelTest } from '../../channels/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import {
  applyTemplates,
  LOCALES,
  type Locale,
  listTemplates,
  renderForCustomer,
  sendMessageAs,
} from '../../messaging/index.ts';
import { InvalidInputError, RetainError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** A secret from the environment variable named on the command line (never the value itself). */
function secretFrom(flag: string, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (!value)
    throw new InvalidInputError(`${flag} ${variable}: that environment variable is empty or not set`);
  return value;
}

function locale(text: string | undefined): Locale | undefined {
  if (text === undefined) return undefined;
  if (!(LOCALES as readonly string[]).includes(text))
    throw new InvalidInputError(`--locale ${text}: use ${LOCALES.join(' or ')}`);
  return text as Locale;
}

type Flags = Record<string, string | string[] | boolean | undefined>;

/** SMS settings: `--config JSON` and `--credential-env name=VAR…`. */
function smsSettings(o: Flags) {
  let config: unknown;
  try {
    config = JSON.parse(String(o.config ?? '{}'));
  } catch {
    throw new InvalidInputError('--config: not valid JSON');
  }
  const secrets: Record<string, string | undefined> = {};
  for (const pair of (o.credentialEnv as string[] | undefined) ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InvalidInputError(`--credential-env ${pair}: expected name=VARIABLE`);
    secrets[pair.slice(0, at)] = secretFrom('--credential-env', pair.slice(at + 1));
  }
  return { config, secrets };
}

/** Email, webhook and WeCom robot settings from their own flags. */
function fixedSettings(channel: string, o: Flags) {
  if (channel === 'email')
    return {
      config: { host: o.host, port: Number(o.port), secure: Boolean(o.secure), user: o.user, from: o.from },
      secrets: { password: secretFrom('--password-env', o.passwordEnv as string | undefined) },
    };
  if (channel === 'webhook')
    return {
      config: { url: o.url },
      secrets: { secret: secretFrom('--secret-env', o.secretEnv as string | undefined) },
    };
  return {
    config: o.endpoint ? { endpoint: o.endpoint } : {},
    secrets: { key: secretFrom('--key-env', o.keyEnv as string | undefined) },
  };
}

/** `retain channels …`, `retain templates …` and `retain send`. */
export function registerMessagingCommands(program: Command): void {
  const channels = program
    .command('channels')
    .description('where messages go: email (SMTP), webhook, WeCom group robot');
  channels
    .command('set')
    .description(
      'configure a channel; secrets are read from environment variables you name, and never printed',
    )
    .argument(
      '<channel>',
      'email, sms_aliyun, sms_tencent, webhook, wecom_robot, wechat_template or wecom_customer',
    )
    .option('--host <host>', 'email: SMTP host')
    .option('--port <port>', 'email: SMTP port', '587')
    .option('--secure', 'email: TLS from the start (port 465)')
    .option('--user <user>', 'email: SMTP user')
    .option('--from <address>', 'email: sender, e.g. "店铺 <service@shop.cn>"')
    .option('--password-env <VAR>', 'email: environment variable holding the SMTP password')
    .option('--url <url>', 'webhook: endpoint')
    .option('--secret-env <VAR>', 'webhook: environment variable holding the signing secret')
    .option('--endpoint <url>', 'wecom_robot: webhook endpoint (default: WeCom’s)')
    .option('--key-env <VAR>', 'wecom_robot: environment variable holding the robot key')
    .option(
      '--config <json>',
      'sms_aliyun / sms_tencent / wechat_template / wecom_customer: settings as JSON, e.g. {"sign_name":"某某旗舰店","template_code":"SMS_1"} or {"corp_id":"ww1234"}',
    )
    .option(
      '--credential-env <name=VAR...>',
      'sms_aliyun / sms_tencent / wechat_template / wecom_customer: a credential from an environment variable, e.g. access_key_secret=ALI_SECRET or secret=WECOM_SECRET',
    )
    .action(async (name: string, o: Flags, command: Command) => {
      const channel = requireChannel(name);
      const sms = ['sms_aliyun', 'sms_tencent', 'wechat_template', 'wecom_customer'].includes(channel);
      const { config, secrets } = sms ? smsSettings(o) : fixedSettings(channel, o);
      await withWorkspace(ws(command), async (store, workspace) => {
        await configureChannel(store.db, workspace.id, cliActor(), channel, config, secrets);
        console.log(`channel ${channel} saved`);
      });
    });
  channels
    .command('test')
    .description('send a test message on a configured channel, to see that settings and credentials work')
    .argument('<channel>', 'a configured channel')
    .option('--to <address>', 'email address, phone number or openid (not for webhook / wecom_robot)')
    .action(async (name: string, o: { to?: string }, command: Command) => {
      const channel = requireChannel(name);
      await withWorkspace(ws(command), async (store, workspace) => {
        const result = await runChannelTest(store.db, workspace.id, cliActor(), channel, o.to);
        if (!result.sent) throw new RetainError('unavailable', `${channel} test failed: ${result.error}`);
        console.log(
          `test message sent on ${channel}${result.provider_id ? ` (provider id ${result.provider_id})` : ''}`,
        );
      });
    });
  channels
    .command('list')
    .description('configured channels (secrets shown only as set / not set)')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) =>
        printJson(await listChannels(store.db, workspace.id)),
      );
    });

  const templates = program.command('templates').description('message templates in Liquid, zh-CN and en');
  templates
    .command('apply')
    .description('create or replace templates from a JSON file (one template or an array)')
    .argument('<file>', 'JSON file')
    .action(async (file: string, _opts: unknown, command: Command) => {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(cliPath(file), 'utf8'));
      } catch (error) {
        throw new InvalidInputError(
          `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
        );
      }
      await withWorkspace(ws(command), async (store, workspace) => {
        const names = await applyTemplates(
          store.db,
          workspace.id,
          cliActor(),
          Array.isArray(value) ? value : [value],
        );
        console.log(`saved ${names.length} template(s): ${names.join(', ')}`);
      });
    });
  templates
    .command('list')
    .description('templates of the workspace')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        printTable(
          (await listTemplates(store.db, workspace.id)).map((t) => ({
            name: t.name,
            channel: t.channel,
            purpose: t.purpose,
            locales: Object.keys(t.body).join(','),
          })),
        );
      });
    });
  templates
    .command('preview')
    .description('render a template for a real customer')
    .argument('<name>', 'template name')
    .requiredOption('--customer <query>', 'external id, phone, email or id')
    .option('--locale <locale>', 'zh-CN or en')
    .option('--coupon-code <code>', 'value for {{ coupon_code }}')
    .action(
      async (
        name: string,
        opts: { customer: string; locale?: string; couponCode?: string },
        command: Command,
      ) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          const customerId = await findCustomerId(store.db, workspace.id, opts.customer);
          const r = await renderForCustomer(store.db, workspace, {
            template: name,
            customerId,
            locale: locale(opts.locale),
            variables: { coupon_code: opts.couponCode },
          });
          if (r.subject) console.log(`subject: ${r.subject}`);
          console.log(r.body);
        });
      },
    );

  program
    .command('send')
    .description('send a template to a customer now (once per --key)')
    .argument('<template>', 'template name')
    .requiredOption('--customer <query>', 'external id, phone, email or id')
    .option('--key <key>', 'idempotency key (default: a new one)')
    .option('--locale <locale>', 'zh-CN or en')
    .action(
      async (name: string, opts: { customer: string; key?: string; locale?: string }, command: Command) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          const customerId = await findCustomerId(store.db, workspace.id, opts.customer);
          const result = await sendMessageAs(store.db, workspace, cliActor(), {
            template: name,
            customerId,
            idempotencyKey: opts.key ?? `cli:${crypto.randomUUID()}`,
            locale: locale(opts.locale),
          });
          console.log(
            `${result.status}${result.reason ? ` (${result.reason})` : ''}${result.fresh ? '' : ' — already handled under this key'}`,
          );
          if (result.status === 'failed') process.exitCode = 1;
        });
      },
    );
}
