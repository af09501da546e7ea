import { createHmac } from 'node:crypto';

/**
 * Alibaba Cloud RPC-style request signing (signature version 1.0, HMAC-SHA1), as used by the
 * Dysmsapi SendSms call. Steps as the provider documents them:
 * https://help.aliyun.com/document_detail/101343.htm (短信服务 请求签名) and
 * https://www.alibabacloud.com/help/en/sms/signature-method (the same in English).
 *
 * 1. percent-encode every name and value as UTF-8 per RFC 3986: A–Z a–z 0–9 - _ . ~ stay, every
 *    other byte is %XY (upper-case hex), so a space is %20 (not +), `*` is %2A and `~` stays.
 * 2. sort by parameter name (leaving out Signature), join `name=value` with `&`: the
 *    canonicalized query string.
 * 3. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized).
 * 4. Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
 */

/**
 * Percent-encodes per the RPC signature rules: `encodeURIComponent` then also `!'()*`, which it
 * leaves alone but RFC 3986 reserves.
 *
 * @example percentEncode('a b*c~') // 'a%20b%2Ac~'
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The parameters sorted by name (code-unit order; Signature left out), encoded and joined. */
export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`)
    .join('&');
}

/** `GET&%2F&` + the encoded canonicalized query string. */
export function aliyunStringToSign(params: Record<string, string>, method = 'GET'): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/** base64(HMAC-SHA1(secret + "&", StringToSign)). */
export function aliyunSignature(
  params: Record<string, string>,
  accessKeySecret: string,
  method = 'GET',
): string {
  return createHmac('sha1', `${accessKeySecret}&`)
    .update(aliyunStringToSign(params, method), 'utf8')
    .digest('base64');
}

/**
 * The signed query string to put after `?`: `Signature=…&` followed by the canonicalized query.
 * The parameters must already hold every common parameter (AccessKeyId, SignatureNonce,
 * Timestamp, …).
 */
export function signAliyunQuery(
  params: Record<string, string>,
  accessKeySecret: string,
  method = 'GET',
): string {
  const signature = aliyunSignature(params, accessKeySecret, method);
  return `Signature=${percentEncode(signature)}&${canonicalizedQuery(params)}`;
}
