import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInProcess } from './cli-in-process.ts';
import { startHttpSink } from './local-servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-messaging-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w shop ARGS` with `env` added, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[], env: Record<string, string> = {}) =>
  cli.run(['-w', 'shop', ...args], { env });

describe('retain channels and templates', () => {
  it('keeps SMS credentials out of sight and previews a template for a real customer', async () => {
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id,name,phone\nK1,王五,13800138000\n');
    expect((await retain(['import', 'customers', customers])).code).toBe(0);
    const set = await retain(
      [
        'channels',
        'set',
        'sms_aliyun',
        '--config',
        '{"sign_name":"某某旗舰店","template_code":"SMS_1"}',
        '--credential-env',
        'access_key_id=ALI_ID',
        '--credential-env',
        'access_key_secret=ALI_SECRET',
      ],
      { ALI_ID: 'LTAI-id', ALI_SECRET: 'very-secret-value' },
    );
    expect(set.code).toBe(0);
    const listed = await retain(['channels', 'list']);
    expect(listed.stdout).not.toContain('very-secret-value');
    expect(JSON.parse(listed.stdout)[0].secrets).toEqual({ access_key_id: 'set', access_key_secret: 'set' });
    const missing = await retain([
      'channels',
      'set',
      'sms_aliyun',
      '--config',
      '{}',
      '--credential-env',
      'access_key_id=NOT_SET_ANYWHERE',
    ]);
    expect(missing.stderr.split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/NOT_SET_ANYWHERE/);
    const template = join(dir, 'sms.json');
    writeFileSync(
      template,
      JSON.stringify({
        name: '提醒',
        channel: 'sms_aliyun',
        purpose: 'transactional',
        body: { 'zh-CN': '{{ name }}，您的包裹已发出' },
      }),
    );
    expect((await retain(['templates', 'apply', template])).code).toBe(0);
    expect((await retain(['templates', 'preview', '提醒', '--customer', '13800138000'])).stdout.trim()).toBe(
      '王五，您的包裹已发出',
    );
  });

  it('sends a test SMS through the provider and prints its refusal as one line', async () => {
    // A local stand-in for Dysmsapi: OK for one number, Aliyun's own error code for another.
    const aliyun = await startHttpSink((req, res) => {
      const phone = new URL(req.url ?? '', 'http://x').searchParams.get('PhoneNumbers');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          phone === '13800138000'
            ? { Code: 'OK', BizId: '900619746', RequestId: 'r1' }
            : { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'r2' },
        ),
      );
    });
    try {
      const set = await retain(
        [
          'channels',
          'set',
          'sms_aliyun',
          '--config',
          JSON.stringify({
            sign_name: '某某旗舰店',
            template_code: 'SMS_1',
            endpoint: `http://127.0.0.1:${aliyun.port}/`,
          }),
          '--credential-env',
          'access_key_id=ALI_ID',
          '--credential-env',
          'access_key_secret=ALI_SECRET',
        ],
        { ALI_ID: 'LTAI-id', ALI_SECRET: 's' },
      );
      expect(set.code).toBe(0);
      const ok = await retain(['channels', 'test', 'sms_aliyun', '--to', '13800138000']);
      expect([ok.code, ok.stdout.trim()]).toEqual([
        0,
        'test message sent on sms_aliyun (provider id 900619746)',
      ]);
      const query = new URL(aliyun.requests[0]!.path, 'http://x').searchParams;
      expect([query.get('Action'), query.get('SignName'), query.has('Signature')]).toEqual([
        'SendSms',
        '某某旗舰店',
        true,
      ]);
      const refused = await retain(['channels', 'test', 'sms_aliyun', '--to', '12345']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toBe(
        'retain: sms_aliyun test failed: Aliyun SMS: isv.MOBILE_NUMBER_ILLEGAL 非法手机号',
      );
    } finally {
      await aliyun.close();
    }
  });
});
