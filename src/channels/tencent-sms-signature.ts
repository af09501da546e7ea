import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 request signing, "Signature v3" (TC3-HMAC-SHA256), for a JSON POST.
 * Steps as the provider documents them (CVM DescribeInstances worked example):
 * https://cloud.tencent.com/document/api/213/30654 (English: the "Signature v3" page of each product,
 * e.g. https://tencentcloud.com/document/api/614/42761).
 *
 * 1. CanonicalRequest = "POST\n/\n\n" + "content-type:…\nhost:…\n" + "\n" + "content-type;host\n"
 *    + hex(sha256(payload))
 * 2. StringToSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + "date/service/tc3_request\n"
 *    + hex(sha256(CanonicalRequest)), the date being the UTC date of the timestamp
 * 3. key = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request");
 *    signature = hex(HMAC(key, StringToSign))
 * 4. Authorization = "TC3-HMAC-SHA256 Credential=SecretId/scope, SignedHeaders=content-type;host, Signature=…"
 */
export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** The product, e.g. `sms` (the first label of its domain). */
  service: string;
  /** The Host header as sent, e.g. `sms.tencentcloudapi.com` (with `:port` when not the default). */
  host: string;
  action: string;
  version: string;
  /** Empty for APIs that take no region; the header is then left out. */
  region: string;
  /** UNIX seconds; also decides the UTC date in the credential scope. */
  timestamp: number;
  /** The exact request body that will be sent. */
  payload: string;
}

/** The content type that is signed, and must be sent byte for byte the same. */
export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';
const ALGORITHM = 'TC3-HMAC-SHA256';
const SIGNED_HEADERS = 'content-type;host';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** Every intermediate of the signature, for checking against the documented example. */
export function tc3Sign(request: Tc3Request): {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
} {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalHeaders = `content-type:${TC3_CONTENT_TYPE}\nhost:${request.host.toLowerCase()}\n`;
  const canonicalRequest = [
    'POST',
    '/',
    '',
    canonicalHeaders,
    SIGNED_HEADERS,
    sha256Hex(request.payload),
  ].join('\n');
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(request.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${request.secretKey}`, date), request.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${ALGORITHM} Credential=${request.secretId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

/**
 * The headers of a signed TencentCloud API 3.0 JSON POST.
 *
 * @example tc3Headers({ secretId, secretKey, service: 'sms', host: 'sms.tencentcloudapi.com',
 *   action: 'SendSms', version: '2021-01-11', region: 'ap-guangzhou', timestamp, payload })
 */
export function tc3Headers(request: Tc3Request): Record<string, string> {
  return {
    Authorization: tc3Sign(request).authorization,
    'Content-Type': TC3_CONTENT_TYPE,
    Host: request.host,
    'X-TC-Action': request.action,
    'X-TC-Timestamp': String(request.timestamp),
    'X-TC-Version': request.version,
    ...(request.region ? { 'X-TC-Region': request.region } : {}),
  };
}
