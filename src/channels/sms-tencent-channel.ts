import { z } from 'zod';
import { type ChannelAdapter, ChannelError } from './channel.ts';
import { tc3Headers } from './tencent-sms-signature.ts';
import { httpFailure } from './webhook-channel.ts';

/**
 * Tencent Cloud SMS (腾讯云短信) through API 3.0 SendSms: the endpoint (configurable, for a proxy or
 * a test server), the SMS application, the approved sign name and template, and the region. The
 * SecretId/SecretKey pair are secrets. The rendered body is the template's one parameter.
 */
export const TencentSmsConfig = z
  .object({
    endpoint: z.url().default('https://sms.tencentcloudapi.com'),
    sdk_app_id: z.string().min(1),
    sign_name: z.string().min(1),
    template_id: z.string().min(1),
    region: z.string().min(1).default('ap-guangzhou'),
  })
  .strict();

const SERVICE = 'sms';
const ACTION = 'SendSms';
const VERSION = '2021-01-11';

/**
 * Error codes that may clear on a later try: throttling/quota (`RequestLimitExceeded…`,
 * `LimitExceeded…`) and Tencent's own faults (`InternalError…`). Everything else (`AuthFailure…`,
 * `InvalidParameter…`, `MissingParameter`, `FailedOperation…` such as an unapproved sign or
 * template, `UnauthorizedOperation…`, `UnsupportedOperation…`) will not heal on retry.
 */
function tencentRetryable(code: string): boolean {
  return /^(?:RequestLimitExceeded|LimitExceeded|InternalError)(?:\.|$)/.test(code);
}

interface TencentAnswer {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: { SerialNo?: string; PhoneNumber?: string; Code?: string; Message?: string }[];
    RequestId?: string;
  };
}

/**
 * Sends an SMS to the customer's phone (`message.to`) with Tencent Cloud SMS.
 */
export function smsTencentChannel(
  config: z.infer<typeof TencentSmsConfig>,
  secrets: { secret_id?: string; secret_key?: string },
): ChannelAdapter {
  return {
    needs: 'phone',
    async send(message) {
      const phone = message.to?.trim();
      if (!phone) throw new ChannelError('Tencent SMS: the customer has no phone number', true);
      if (!secrets.secret_id || !secrets.secret_key)
        throw new ChannelError('Tencent SMS: secret_id and secret_key must both be set', true);
      const url = new URL(config.endpoint);
      const payload = JSON.stringify({
        // E.164, as SendSms asks: Retain keeps Chinese mobiles as their 11 digits.
        PhoneNumberSet: [/^1\d{10}$/.test(phone) ? `+86${phone}` : phone],
        SmsSdkAppId: config.sdk_app_id,
        SignName: config.sign_name,
        TemplateId: config.template_id,
        TemplateParamSet: [message.body],
        // Returned as-is by Tencent, so a delivery receipt can be matched to this send.
        SessionContext: message.idempotencyKey.slice(0, 500),
      });
      const headers = tc3Headers({
        secretId: secrets.secret_id,
        secretKey: secrets.secret_key,
        service: SERVICE,
        host: url.host,
        action: ACTION,
        version: VERSION,
        region: config.region,
        timestamp: Math.floor(Date.now() / 1000),
        payload,
      });
      // fetch sets Host itself from the URL, to the same value that was signed.
      const { Host: _host, ...sent } = headers;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: sent,
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new ChannelError(`Tencent SMS: ${(error as Error).message}`, false);
      }
      const answer = (await response.json().catch(() => undefined)) as TencentAnswer | undefined;
      const error = answer?.Response?.Error;
      if (error?.Code)
        throw new ChannelError(
          `Tencent SMS: ${error.Code} ${error.Message ?? ''}`.trim(),
          !tencentRetryable(error.Code) && response.status < 500,
        );
      if (!response.ok) throw httpFailure('Tencent SMS', response.status);
      const status = answer?.Response?.SendStatusSet?.[0];
      if (!status?.Code) throw new ChannelError('Tencent SMS: the answer carries no send status', false);
      // One number per request, so its status is the result ("Ok" when accepted).
      if (status.Code !== 'Ok')
        throw new ChannelError(
          `Tencent SMS: ${status.Code} ${status.Message ?? ''}`.trim(),
          !tencentRetryable(status.Code),
        );
      return { providerId: status.SerialNo ?? answer?.Response?.RequestId ?? null };
    },
  };
}
