import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { signAliyunQuery } from './aliyun-sms-signature.ts';
import { type ChannelAdapter, ChannelError } from './channel.ts';
import { httpFailure } from './webhook-channel.ts';

/**
 * Alibaba Cloud SMS (阿里云短信, Dysmsapi) SendSms: the endpoint (configurable, for a proxy or a
 * test server), the approved sign name and template, and the template variable that carries the
 * rendered body (`${content}` by default). The AccessKey pair are secrets.
 */
export const AliyunSmsConfig = z
  .object({
    endpoint: z.url().default('https://dysmsapi.aliyuncs.com'),
    sign_name: z.string().min(1),
    template_code: z.string().min(1),
    template_param_name: z.string().min(1).default('content'),
  })
  .strict();

/**
 * Codes that may clear on a later try: flow control (`isv.BUSINESS_LIMIT_CONTROL`,
 * `isv.DAY_LIMIT_CONTROL`, `Throttling…`), Alibaba's own faults (`isp.SYSTEM_ERROR`,
 * `InternalError`, `ServiceUnavailable`) and a reused nonce (a retry draws a new one). Everything
 * else (`SignatureDoesNotMatch`, `InvalidAccessKeyId…`, `isv.SMS_SIGNATURE_ILLEGAL`,
 * `isv.MOBILE_NUMBER_ILLEGAL`, `isv.AMOUNT_NOT_ENOUGH`, …) will not heal on retry.
 */
function aliyunRetryable(code: string): boolean {
  return (
    /^(?:Throttling|InternalError|ServiceUnavailable|isp\.)/.test(code) ||
    code === 'isv.BUSINESS_LIMIT_CONTROL' ||
    code === 'isv.DAY_LIMIT_CONTROL' ||
    code === 'SignatureNonceUsed'
  );
}

/**
 * Sends an SMS to the customer's phone (`message.to`) with Alibaba Cloud SMS.
 */
export function smsAliyunChannel(
  config: z.infer<typeof AliyunSmsConfig>,
  secrets: { access_key_id?: string; access_key_secret?: string },
): ChannelAdapter {
  return {
    needs: 'phone',
    async send(message) {
      // Alibaba takes mainland numbers bare (or 86-prefixed) and others as country code + number.
      const phone = message.to?.trim().replace(/^\+/, '');
      if (!phone) throw new ChannelError('Aliyun SMS: the customer has no phone number', true);
      if (!secrets.access_key_id || !secrets.access_key_secret)
        throw new ChannelError('Aliyun SMS: access_key_id and access_key_secret must both be set', true);
      const params: Record<string, string> = {
        AccessKeyId: secrets.access_key_id,
        Action: 'SendSms',
        Format: 'JSON',
        OutId: message.idempotencyKey,
        PhoneNumbers: phone,
        RegionId: 'cn-hangzhou',
        SignName: config.sign_name,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: config.template_code,
        TemplateParam: JSON.stringify({ [config.template_param_name]: message.body }),
        Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      const url = new URL(config.endpoint);
      url.search = signAliyunQuery(params, secrets.access_key_secret);
      let response: Response;
      try {
        response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        throw new ChannelError(`Aliyun SMS: ${(error as Error).message}`, false);
      }
      const answer = (await response.json().catch(() => undefined)) as
        | { Code?: string; Message?: string; BizId?: string; RequestId?: string }
        | undefined;
      if (answer?.Code === 'OK') return { providerId: answer.BizId ?? null };
      if (!answer?.Code) {
        if (!response.ok) throw httpFailure('Aliyun SMS', response.status);
        throw new ChannelError('Aliyun SMS: the answer carries no result code', false);
      }
      throw new ChannelError(
        `Aliyun SMS: ${answer.Code} ${answer.Message ?? ''}`.trim(),
        !aliyunRetryable(answer.Code) && response.status < 500,
      );
    },
  };
}
