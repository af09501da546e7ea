import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// 触达规则 › 按渠道设置 in real Chromium against the real server: an admin gives SMS its own cap
// and quiet hours; a bad value is refused on its own cell, in words, and nothing is saved; the
// saved row comes back after a reload, the other channels stay on the workspace default, and
// the table names channels in Chinese, never by their codes; the transactional row sets quiet
// hours for order and service notices while leaving them uncapped.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
const api = async (path: string): Promise<any> =>
  (await browser.request.get(`${app.base}/api/v1${path}`)).json();
/** The form item around a labelled control: where antd shows the field's error. */
const item = (label: string): Locator =>
  page.locator('.ant-form-item').filter({ has: page.getByLabel(label, { exact: true }) });
const open = async () => {
  await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
  await page
    .getByRole('menu', { name: '设置分类' })
    .getByRole('menuitem', { name: '触达规则', exact: true })
    .click();
  await page.getByText('按渠道设置').waitFor();
};

beforeAll(async () => {
  app = await startDashboard();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
  await signIn(page, app.base, 'admin@shop.test');
  await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('reach rules per channel in Chromium', () => {
  it('sets an SMS cap and quiet hours of its own; a bad value is refused on its cell, in words', async () => {
    await open();
    const sms = (what: string) => page.getByLabel(`腾讯云短信 ${what}`, { exact: true });
    // On the default, the row shows the workspace's values and cannot be edited.
    expect(await sms('使用工作空间默认').isChecked()).toBe(true);
    expect(await sms('条数上限').isDisabled()).toBe(true);
    expect(await sms('条数上限').inputValue()).toBe('2');

    await sms('使用工作空间默认').uncheck();
    await sms('条数上限').fill('500');
    await sms('免打扰开始').fill('25:00');
    await page.getByRole('button', { name: '保存' }).click();
    await item('腾讯云短信 条数上限').getByText('不能大于 100').waitFor();
    await item('腾讯云短信 免打扰开始').getByText('请输入时间，例如 21:00').waitFor();
    expect(errors.filter((e) => e.includes('status of 400'))).toHaveLength(1);
    errors.splice(0);
    expect((await api('/workspace/settings')).messaging.channels).toEqual({});
    await screenshot(page, 'reach-rules-01-field-error');

    await sms('条数上限').fill('1');
    await sms('周期（天）').fill('3');
    await sms('免打扰开始').fill('12:00');
    await sms('免打扰结束').fill('14:00');
    // Transactional messages: by default neither capped nor held; here held at night, still uncapped.
    const notices = (what: string) => page.getByLabel(`通知类消息（所有渠道） ${what}`, { exact: true });
    expect(await notices('条数上限').inputValue()).toBe('');
    expect(await notices('免打扰').isChecked()).toBe(false);
    await notices('使用工作空间默认').uncheck();
    await notices('免打扰').check();
    await notices('免打扰开始').fill('23:00');
    await notices('免打扰结束').fill('07:00');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('设置已保存').waitFor();
    expect((await api('/workspace/settings')).messaging).toMatchObject({
      frequency_cap: 2,
      frequency_days: 7,
      channels: {
        sms_tencent: { cap: { count: 1, days: 3 }, quiet_hours: { start: '12:00', end: '14:00' } },
      },
      purposes: { transactional: { cap: null, quiet_hours: { start: '23:00', end: '07:00' } } },
    });

    // After a reload the row is as saved; email is still on the default.
    await page.reload();
    await open();
    expect(await sms('使用工作空间默认').isChecked()).toBe(false);
    expect(await sms('条数上限').inputValue()).toBe('1');
    expect(await sms('免打扰结束').inputValue()).toBe('14:00');
    expect(await page.getByLabel('邮件 使用工作空间默认', { exact: true }).isChecked()).toBe(true);
    const table = page.locator('.ant-table').filter({ hasText: '腾讯云短信' });
    const text = await table.innerText();
    for (const code of [
      'sms_tencent',
      'sms_aliyun',
      'wecom_robot',
      'wechat_template',
      'wecom_customer',
      'email',
    ])
      expect(text).not.toContain(code);
    await screenshot(page, 'reach-rules-02-saved');

    // SMS back on the default; email with no cap at all (its count left empty), quiet hours kept.
    await sms('使用工作空间默认').check();
    await page.getByLabel('邮件 使用工作空间默认', { exact: true }).uncheck();
    await page.getByLabel('邮件 条数上限', { exact: true }).fill('');
    await page.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(async () => (await api('/workspace/settings')).messaging.channels)
      .toEqual({ email: { cap: null, quiet_hours: { start: '21:00', end: '09:00' } } });
    await page.reload();
    await open();
    expect(await page.getByLabel('邮件 条数上限', { exact: true }).inputValue()).toBe('');
    expect(await sms('使用工作空间默认').isChecked()).toBe(true);
    expect(await notices('免打扰开始').inputValue()).toBe('23:00');
  });
});
