import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from './channel.ts';
import { AliyunSmsConfig, smsAliyunChannel } from './sms-aliyun-channel.ts';
import { smsTencentChannel, TencentSmsConfig } from './sms-tencent-channel.ts';

/*
 * Real HTTP servers on 127.0.0.1 stand in for Tencent Cloud SMS and Alibaba Cloud SMS. Each one
 * checks the request's signature the way the provider documents it, written here from the
 * documentation independently of the code under test, and answers as the provider does: a
 * signature that does not check out gets the provider's signature error, so every success below
 * also proves the signature was right.
 */

interface Reply {
  status?: number;
  body: unknown;
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
const answer = (res: import('node:http').ServerResponse, reply: Reply) => {
  res.statusCode = reply.status ?? 200;
  if (typeof reply.body === 'string') res.end(reply.body);
  else {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(reply.body));
  }
};
const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
};
const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  customerId: 7,
  to: '13800138000',
  subject: null,
  body: "【测试】您的订单已发货 *~ (100% 真) a+b=c & 'ok'! 🎉",
  idempotencyKey: 'send:42',
  ...over,
});

// ---------------------------------------------------------------------------------------------
// Tencent Cloud: TC3-HMAC-SHA256 verified from the received headers and body.

const TENCENT_KEYS: Record<string, string> = { AKIDretaintest: 'tencent-secret-key' };
interface TencentSeen {
  headers: IncomingMessage['headers'];
  payload: Record<string, unknown>;
  verified: boolean;
}
const tencentSeen: TencentSeen[] = [];
const tencentReplies: ((payload: Record<string, unknown>) => Reply)[] = [];

/** Checks a TC3 signature as the "Signature v3" document describes; an error code, or null. */
function tencentCheck(req: IncomingMessage, raw: Buffer): string | null {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return 'AuthFailure.InvalidAuthorization';
  const [, secretId, date, service, signedHeaders, signature] = m as unknown as string[];
  const secretKey = TENCENT_KEYS[secretId!];
  if (!secretKey) return 'AuthFailure.SecretIdNotFound';
  const timestamp = Number(req.headers['x-tc-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300)
    return 'AuthFailure.SignatureExpire';
  // The credential date is the UTC date of X-TC-Timestamp.
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return 'AuthFailure.SignatureFailure';
  const names = signedHeaders!.split(';');
  if (!names.includes('content-type') || !names.includes('host')) return 'AuthFailure.SignatureFailure';
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .toLowerCase()}\n`,
    )
    .join('');
  const canonicalRequest = `${req.method}\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${createHash('sha256').update(raw).digest('hex')}`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const kDate = createHmac('sha256', `TC3${secretKey}`).update(date!).digest();
  const kService = createHmac('sha256', kDate).update(service!).digest();
  const kSigning = createHmac('sha256', kService).update('tc3_request').digest();
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return expected === signature ? null : 'AuthFailure.SignatureFailure';
}

const tencentServer = createServer(async (req, res) => {
  const raw = await readBody(req);
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    // Left empty: the checks below then fail the request the way Tencent would.
  }
  const error = tencentCheck(req, raw);
  tencentSeen.push({ headers: req.headers, payload, verified: error === null });
  if (error) {
    answer(res, {
      body: { Response: { Error: { Code: error, Message: 'rejected by the stand-in' }, RequestId: 'r-err' } },
    });
    return;
  }
  const scripted = tencentReplies.shift();
  answer(
    res,
    scripted
      ? scripted(payload)
      : {
          body: {
            Response: {
              SendStatusSet: [
                {
                  SerialNo: '2433:3370162131617158791',
                  PhoneNumber: (payload.PhoneNumberSet as string[])[0],
                  Fee: 1,
                  SessionContext: payload.SessionContext,
                  Code: 'Ok',
                  Message: 'send success',
                  IsoCode: 'CN',
                },
              ],
              RequestId: 'r-ok',
            },
          },
        },
  );
});
const statusReply = (code: string) => (payload: Record<string, unknown>) => ({
  body: {
    Response: {
      SendStatusSet: [
        {
          SerialNo: '',
          PhoneNumber: (payload.PhoneNumberSet as string[])[0],
          Fee: 0,
          Code: code,
          Message: 'stand-in status',
        },
      ],
      RequestId: 'r-status',
    },
  },
});
const errorReply = (code: string) => () => ({
  body: { Response: { Error: { Code: code, Message: 'stand-in error' }, RequestId: 'r-error' } },
});

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud: the RPC signature verified from the received query string.

const ALIYUN_KEYS: Record<string, string> = { LTAIretaintest: 'aliyun-secret' };
interface AliyunSeen {
  params: Record<string, string>;
  verified: boolean;
}
const aliyunSeen: AliyunSeen[] = [];
const aliyunReplies: Reply[] = [];
const usedNonces = new Set<string>();

/** RFC 3986 percent-encoding byte by byte: only A-Z a-z 0-9 - _ . ~ stay as they are. */
function rfc3986(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Checks the RPC signature of a GET as the Alibaba Cloud documentation describes; an error code, or null. */
function aliyunCheck(params: Record<string, string>, signature: string | undefined): Reply | null {
  const secret = ALIYUN_KEYS[params.AccessKeyId ?? ''];
  if (!secret) return { status: 404, body: { Code: 'InvalidAccessKeyId.NotFound', RequestId: 'a-err' } };
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`)
    .join('&');
  const stringToSign = `GET&${rfc3986('/')}&${rfc3986(canonical)}`;
  const expected = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
  if (expected !== signature)
    return {
      status: 400,
      body: { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched' },
    };
  const nonce = params.SignatureNonce ?? '';
  if (!nonce || usedNonces.has(nonce)) return { status: 400, body: { Code: 'SignatureNonceUsed' } };
  usedNonces.add(nonce);
  return null;
}

const aliyunServer = createServer(async (req, res) => {
  await readBody(req);
  const query = (req.url ?? '').split('?')[1] ?? '';
  const params: Record<string, string> = {};
  let signature: string | undefined;
  for (const pair of query.split('&').filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = decodeURIComponent(pair.slice(0, at));
    const value = decodeURIComponent(pair.slice(at + 1));
    if (name === 'Signature') signature = value;
    else params[name] = value;
  }
  const rejected = req.method === 'GET' ? aliyunCheck(params, signature) : { status: 405, body: {} };
  aliyunSeen.push({ params, verified: rejected === null });
  if (rejected) {
    answer(res, rejected);
    return;
  }
  answer(
    res,
    aliyunReplies.shift() ?? {
      body: { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'a-ok' },
    },
  );
});

// ---------------------------------------------------------------------------------------------

let tencentUrl = '';
let aliyunUrl = '';
let deadUrl = '';

beforeAll(async () => {
  tencentUrl = `http://127.0.0.1:${await listen(tencentServer)}`;
  aliyunUrl = `http://127.0.0.1:${await listen(aliyunServer)}`;
  // A port that was just in use and is now closed: connection refused.
  const dead = createServer();
  const deadPort = await listen(dead);
  await new Promise((r) => dead.close(r));
  deadUrl = `http://127.0.0.1:${deadPort}`;
});
afterAll(async () => {
  await new Promise((r) => tencentServer.close(r));
  await new Promise((r) => aliyunServer.close(r));
});
beforeEach(() => {
  tencentSeen.length = 0;
  tencentReplies.length = 0;
  aliyunSeen.length = 0;
  aliyunReplies.length = 0;
});

describe('Tencent Cloud SMS adapter against a local stand-in', () => {
  const config = (over: object = {}) =>
    TencentSmsConfig.parse({
      endpoint: tencentUrl,
      sdk_app_id: '1400006666',
      sign_name: '复购小店',
      template_id: '1110',
      ...over,
    });
  const secrets = { secret_id: 'AKIDretaintest', secret_key: 'tencent-secret-key' };

  it('has the documented defaults and needs a phone', () => {
    const parsed = TencentSmsConfig.parse({ sdk_app_id: '1', sign_name: 's', template_id: 't' });
    expect(parsed.endpoint).toBe('https://sms.tencentcloudapi.com');
    expect(parsed.region).toBe('ap-guangzhou');
    expect(smsTencentChannel(parsed, secrets).needs).toBe('phone');
    expect(TencentSmsConfig.safeParse({ sign_name: 's', template_id: 't' }).success).toBe(false);
  });

  it('sends phone, sign name, template and body in a request whose signature checks out', async () => {
    const msg = message();
    const result = await smsTencentChannel(config(), secrets).send(msg);
    expect(result).toEqual({ providerId: '2433:3370162131617158791' });
    expect(tencentSeen).toHaveLength(1);
    const seen = tencentSeen[0]!;
    expect(seen.verified).toBe(true);
    expect(seen.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDretaintest\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/,
    );
    expect(seen.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen.headers['x-tc-action']).toBe('SendSms');
    expect(seen.headers['x-tc-version']).toBe('2021-01-11');
    expect(seen.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(seen.payload).toEqual({
      PhoneNumberSet: ['+8613800138000'], // E.164, from the stored 11 digits
      SmsSdkAppId: '1400006666',
      SignName: '复购小店',
      TemplateId: '1110',
      TemplateParamSet: [msg.body],
      SessionContext: 'send:42',
    });
  });

  it('signs for the configured region', async () => {
    await smsTencentChannel(config({ region: 'ap-beijing' }), secrets).send(message());
    expect(tencentSeen[0]!.verified).toBe(true);
    expect(tencentSeen[0]!.headers['x-tc-region']).toBe('ap-beijing');
  });

  it('reports a wrong SecretKey as a permanent failure (AuthFailure.SignatureFailure)', async () => {
    const error = await failure(
      smsTencentChannel(config(), { ...secrets, secret_key: 'not-the-key' }).send(message()),
    );
    expect(tencentSeen[0]!.verified).toBe(false);
    expect(error.message).toContain('AuthFailure.SignatureFailure');
    expect(error.permanent).toBe(true);
  });

  it('maps a rejected number: unapproved template is permanent, a frequency limit is retried', async () => {
    tencentReplies.push(statusReply('FailedOperation.TemplateIncorrectOrUnapproved'));
    const template = await failure(smsTencentChannel(config(), secrets).send(message()));
    expect(template.message).toContain('FailedOperation.TemplateIncorrectOrUnapproved');
    expect(template.permanent).toBe(true);

    tencentReplies.push(statusReply('LimitExceeded.PhoneNumberDailyLimit'));
    const limit = await failure(smsTencentChannel(config(), secrets).send(message()));
    expect(limit.message).toContain('LimitExceeded.PhoneNumberDailyLimit');
    expect(limit.permanent).toBe(false);
  });

  it('maps API errors: throttling and internal errors retry, bad parameters do not', async () => {
    tencentReplies.push(errorReply('RequestLimitExceeded'));
    expect((await failure(smsTencentChannel(config(), secrets).send(message()))).permanent).toBe(false);
    tencentReplies.push(errorReply('InternalError.Timeout'));
    expect((await failure(smsTencentChannel(config(), secrets).send(message()))).permanent).toBe(false);
    tencentReplies.push(errorReply('InvalidParameterValue.IncorrectPhoneNumber'));
    const bad = await failure(smsTencentChannel(config(), secrets).send(message()));
    expect(bad.message).toContain('InvalidParameterValue.IncorrectPhoneNumber');
    expect(bad.permanent).toBe(true);
  });

  it('retries a 5xx without a body and a refused connection', async () => {
    tencentReplies.push(() => ({ status: 502, body: 'bad gateway' }));
    const gateway = await failure(smsTencentChannel(config(), secrets).send(message()));
    expect(gateway.message).toContain('502');
    expect(gateway.permanent).toBe(false);
    const down = await failure(smsTencentChannel(config({ endpoint: deadUrl }), secrets).send(message()));
    expect(down.permanent).toBe(false);
  });

  it('does not call Tencent without a phone number or without secrets', async () => {
    expect((await failure(smsTencentChannel(config(), secrets).send(message({ to: null })))).permanent).toBe(
      true,
    );
    expect(
      (await failure(smsTencentChannel(config(), { secret_id: 'AKIDretaintest' }).send(message()))).permanent,
    ).toBe(true);
    expect(tencentSeen).toHaveLength(0);
  });
});

describe('Alibaba Cloud SMS adapter against a local stand-in', () => {
  const config = (over: object = {}) =>
    AliyunSmsConfig.parse({
      endpoint: aliyunUrl,
      sign_name: '复购小店',
      template_code: 'SMS_71390007',
      ...over,
    });
  const secrets = { access_key_id: 'LTAIretaintest', access_key_secret: 'aliyun-secret' };

  it('has the documented defaults and needs a phone', () => {
    const parsed = AliyunSmsConfig.parse({ sign_name: 's', template_code: 'SMS_1' });
    expect(parsed.endpoint).toBe('https://dysmsapi.aliyuncs.com');
    expect(parsed.template_param_name).toBe('content');
    expect(smsAliyunChannel(parsed, secrets).needs).toBe('phone');
    expect(AliyunSmsConfig.safeParse({ sign_name: 's' }).success).toBe(false);
  });

  it('sends phone, sign name, template and body in a request whose signature checks out', async () => {
    const msg = message();
    const result = await smsAliyunChannel(config(), secrets).send(msg);
    expect(result).toEqual({ providerId: '900619746936498440^0' });
    expect(aliyunSeen).toHaveLength(1);
    const { params, verified } = aliyunSeen[0]!;
    expect(verified).toBe(true);
    expect(params).toMatchObject({
      AccessKeyId: 'LTAIretaintest',
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      PhoneNumbers: '13800138000',
      SignName: '复购小店',
      TemplateCode: 'SMS_71390007',
      OutId: 'send:42',
    });
    expect(JSON.parse(params.TemplateParam!)).toEqual({ content: msg.body });
    expect(params.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Math.abs(Date.parse(params.Timestamp!) - Date.now())).toBeLessThan(60_000);
    expect(params.SignatureNonce).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the body under the configured template variable and strips + from E.164 numbers', async () => {
    await smsAliyunChannel(config({ template_param_name: 'msg' }), secrets).send(
      message({ to: '+442079460958', body: 'Hi ~ 50% off *today*' }),
    );
    const { params, verified } = aliyunSeen[0]!;
    expect(verified).toBe(true);
    expect(JSON.parse(params.TemplateParam!)).toEqual({ msg: 'Hi ~ 50% off *today*' });
    expect(params.PhoneNumbers).toBe('442079460958');
  });

  it('draws a fresh SignatureNonce for every send', async () => {
    const adapter = smsAliyunChannel(config(), secrets);
    await adapter.send(message());
    await adapter.send(message());
    expect(aliyunSeen.map((s) => s.verified)).toEqual([true, true]);
    expect(aliyunSeen[0]!.params.SignatureNonce).not.toBe(aliyunSeen[1]!.params.SignatureNonce);
  });

  it('reports a wrong AccessKey secret as a permanent failure (SignatureDoesNotMatch)', async () => {
    const error = await failure(
      smsAliyunChannel(config(), { ...secrets, access_key_secret: 'wrong' }).send(message()),
    );
    expect(aliyunSeen[0]!.verified).toBe(false);
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(error.permanent).toBe(true);
    const unknown = await failure(
      smsAliyunChannel(config(), { ...secrets, access_key_id: 'LTAIunknown' }).send(message()),
    );
    expect(unknown.message).toContain('InvalidAccessKeyId.NotFound');
    expect(unknown.permanent).toBe(true);
  });

  it('maps business errors: flow control and system errors retry, a bad number does not', async () => {
    const adapter = smsAliyunChannel(config(), secrets);
    aliyunReplies.push({ body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控' } });
    const flow = await failure(adapter.send(message()));
    expect(flow.message).toContain('isv.BUSINESS_LIMIT_CONTROL');
    expect(flow.permanent).toBe(false);

    aliyunReplies.push({ status: 400, body: { Code: 'Throttling.User', Message: 'Request was denied' } });
    expect((await failure(adapter.send(message()))).permanent).toBe(false);

    aliyunReplies.push({ status: 500, body: { Code: 'isp.SYSTEM_ERROR', Message: '系统错误' } });
    expect((await failure(adapter.send(message()))).permanent).toBe(false);

    aliyunReplies.push({ body: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' } });
    const illegal = await failure(adapter.send(message()));
    expect(illegal.message).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    expect(illegal.permanent).toBe(true);

    aliyunReplies.push({ body: { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法' } });
    expect((await failure(adapter.send(message()))).permanent).toBe(true);
  });

  it('retries a 5xx without a body and a refused connection', async () => {
    aliyunReplies.push({ status: 503, body: 'Service Unavailable' });
    const unavailable = await failure(smsAliyunChannel(config(), secrets).send(message()));
    expect(unavailable.message).toContain('503');
    expect(unavailable.permanent).toBe(false);
    const down = await failure(smsAliyunChannel(config({ endpoint: deadUrl }), secrets).send(message()));
    expect(down.permanent).toBe(false);
  });

  it('does not call Alibaba without a phone number or without secrets', async () => {
    expect((await failure(smsAliyunChannel(config(), secrets).send(message({ to: '  ' })))).permanent).toBe(
      true,
    );
    expect(
      (await failure(smsAliyunChannel(config(), { access_key_id: 'LTAIretaintest' }).send(message())))
        .permanent,
    ).toBe(true);
    expect(aliyunSeen).toHaveLength(0);
  });
});
