import { describe, expect, it } from 'vitest';
import {
  aliyunSignature,
  aliyunStringToSign,
  canonicalizedQuery,
  percentEncode,
  signAliyunQuery,
} from './aliyun-sms-signature.ts';

/*
 * Worked examples published by Alibaba Cloud, copied from the documentation, not computed here.
 *
 * 1. SMS (Dysmsapi SendSms), "HTTP协议及签名" / "请求签名":
 *      https://help.aliyun.com/document_detail/56189.html, later https://help.aliyun.com/document_detail/101343.htm
 *      (reposted by Alibaba at https://developer.aliyun.com/ask/218522 and /ask/218529)
 *    AccessKeyId testId, AccessKeySecret testSecret; it prints the sorted query string, the
 *    StringToSign, the signature zJDF+Lrzhj/ThnlvIToysFRq6t4= and the final GET URL.
 * 2. The English "Request signature" topic for RPC APIs (e.g. https://www.alibabacloud.com/help/doc-detail/131955.html),
 *    its "Example" section: DescribeRegions, AccessKeyId testid, AccessKeySecret testsecret,
 *    Timestamp 2016-02-23T12:46:24Z → OLeaidS1JvxuMvnyHOwuJ+uX5qY=.
 * 3. The older Chinese edition of the same example (https://developer.aliyun.com/ask/210168,
 *    "API 签名机制(示例)"), whose request spells the parameter `TimeStamp`:
 *    → CT9X0VtwR86fNWSnsc6v8YGOjuE=. (Its printed StringToSign shows the `&` between pairs
 *    unencoded, inconsistent with its own rule, so only its signature is checked.)
 */
const smsExample: Record<string, string> = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'XML',
  OutId: '123',
  PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
};
const DOC_SMS_SORTED_QUERY =
  'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25';
const DOC_SMS_STRING_TO_SIGN =
  'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25';
const DOC_SMS_SIGNATURE = 'zJDF+Lrzhj/ThnlvIToysFRq6t4=';
// The documented final URL is http://dysmsapi.aliyuncs.com/? followed by this.
const DOC_SMS_SIGNED_QUERY = `Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&${DOC_SMS_SORTED_QUERY}`;

const describeRegions: Record<string, string> = {
  Timestamp: '2016-02-23T12:46:24Z',
  Format: 'XML',
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  Version: '2014-05-26',
  SignatureVersion: '1.0',
};

describe('Alibaba Cloud RPC signature against the documented SMS SendSms example', () => {
  it('sorts and encodes into the documented canonicalized query string', () => {
    expect(canonicalizedQuery(smsExample)).toBe(DOC_SMS_SORTED_QUERY);
  });

  it('builds the documented StringToSign', () => {
    expect(aliyunStringToSign(smsExample)).toBe(DOC_SMS_STRING_TO_SIGN);
  });

  it('computes the documented signature with key testSecret&', () => {
    expect(aliyunSignature(smsExample, 'testSecret')).toBe(DOC_SMS_SIGNATURE);
  });

  it('returns the documented signed query string', () => {
    expect(signAliyunQuery(smsExample, 'testSecret')).toBe(DOC_SMS_SIGNED_QUERY);
  });

  it('leaves a Signature parameter out of what it signs', () => {
    expect(aliyunSignature({ ...smsExample, Signature: 'stale' }, 'testSecret')).toBe(DOC_SMS_SIGNATURE);
  });
});

describe('Alibaba Cloud RPC signature against the documented ECS DescribeRegions example', () => {
  it('computes OLeaidS1JvxuMvnyHOwuJ+uX5qY= with key testsecret&', () => {
    expect(aliyunSignature(describeRegions, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('computes CT9X0VtwR86fNWSnsc6v8YGOjuE= for the older edition spelling TimeStamp', () => {
    const { Timestamp, ...rest } = describeRegions;
    expect(aliyunSignature({ ...rest, TimeStamp: Timestamp! }, 'testsecret')).toBe(
      'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
    );
  });
});

describe('percentEncode follows the documented special cases', () => {
  // The rules: A-Z a-z 0-9 - _ . ~ unencoded; space %20 (not +); `*` %2A; `~` not %7E;
  // `"` %22 (the documentation's own example); UTF-8 bytes as %XY%ZA….
  it('encodes space, *, " and the characters encodeURIComponent keeps', () => {
    expect(percentEncode('a b')).toBe('a%20b');
    expect(percentEncode('*')).toBe('%2A');
    expect(percentEncode('"')).toBe('%22');
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
    expect(percentEncode('+/=&')).toBe('%2B%2F%3D%26');
  });

  it('keeps the unreserved characters, ~ included', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
  });

  it('encodes UTF-8 characters byte by byte in upper-case hex', () => {
    expect(percentEncode('阿')).toBe('%E9%98%BF');
  });
});
