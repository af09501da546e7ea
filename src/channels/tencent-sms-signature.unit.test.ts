import { describe, expect, it } from 'vitest';
import { tc3Headers, tc3Sign } from './tencent-sms-signature.ts';

/*
 * The worked example of Tencent Cloud's "Signature v3" documentation (CVM DescribeInstances in
 * Guangzhou), copied from the documentation, not computed here:
 *   https://cloud.tencent.com/document/api/213/30654 (CVM, 中文)
 *   https://tencentcloud.com/document/api/614/42761 (the same "Signature v3" page, English)
 * The documentation prints every intermediate (payload hash, CanonicalRequest, HashedCanonicalRequest,
 * StringToSign), the signature and the final Authorization header, for
 *   SecretId AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE, SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE,
 *   X-TC-Timestamp 1551113065, Host cvm.tencentcloudapi.com,
 *   Content-Type application/json; charset=utf-8, and the body below.
 */
const example = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  region: 'ap-guangzhou',
  timestamp: 1551113065,
  // The body exactly as printed: the JSON escapes \u672a\u547d\u540d ("未命名") are literal text.
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
};

// Expected values as printed in the documentation.
const DOC_CANONICAL_REQUEST =
  'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064';
const DOC_STRING_TO_SIGN =
  'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031';
const DOC_SIGNATURE = '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168';
const DOC_AUTHORIZATION =
  'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168';

describe('TC3-HMAC-SHA256 against the documented CVM DescribeInstances example', () => {
  const signed = tc3Sign(example);

  it('builds the documented CanonicalRequest (including the payload hash)', () => {
    expect(signed.canonicalRequest).toBe(DOC_CANONICAL_REQUEST);
  });

  it('builds the documented StringToSign (UTC date 2019-02-25, not the UTC+8 2019-02-26)', () => {
    expect(signed.stringToSign).toBe(DOC_STRING_TO_SIGN);
  });

  it('derives the documented signature and Authorization header', () => {
    expect(signed.signature).toBe(DOC_SIGNATURE);
    expect(signed.authorization).toBe(DOC_AUTHORIZATION);
  });

  it('sends the documented request headers', () => {
    expect(tc3Headers(example)).toEqual({
      Authorization: DOC_AUTHORIZATION,
      'Content-Type': 'application/json; charset=utf-8',
      Host: 'cvm.tencentcloudapi.com',
      'X-TC-Action': 'DescribeInstances',
      'X-TC-Timestamp': '1551113065',
      'X-TC-Version': '2017-03-12',
      'X-TC-Region': 'ap-guangzhou',
    });
  });

  it('changes the signature when the body, key or time changes', () => {
    expect(tc3Sign({ ...example, payload: example.payload.replace('1', '2') }).signature).not.toBe(
      DOC_SIGNATURE,
    );
    expect(tc3Sign({ ...example, secretKey: `${example.secretKey}x` }).signature).not.toBe(DOC_SIGNATURE);
    expect(tc3Sign({ ...example, timestamp: example.timestamp + 1 }).signature).not.toBe(DOC_SIGNATURE);
  });
});
