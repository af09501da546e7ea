import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-messaging-'));

function retain(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, '-w', 'shop', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

describe('retain channels and templates', () => {
  it('keeps SMS credentials out of sight and previews a template for a real customer', () => {
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id,name,phone\nK1,王五,13800138000\n');
    expect(retain(['import', 'customers', customers]).code).toBe(0);
    const set = retain(
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
    const listed = retain(['channels', 'list']);
    expect(listed.stdout).not.toContain('very-secret-value');
    expect(JSON.parse(listed.stdout)[0].secrets).toEqual({ access_key_id: 'set', access_key_secret: 'set' });
    const missing = retain([
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
    expect(retain(['templates', 'apply', template]).code).toBe(0);
    expect(retain(['templates', 'preview', '提醒', '--customer', '13800138000']).stdout.trim()).toBe(
      '王五，您的包裹已发出',
    );
  });
});
