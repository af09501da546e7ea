import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import { startSmtpSink } from './local-servers.ts';

// The settings page in real Chromium against the real server: an admin changes the zone and
// currency of an empty workspace, is told why a workspace with orders cannot change them, and
// test-sends on the email channel to a real SMTP server on 127.0.0.1; then invites a new member
// by link, who accepts it in another browser and changes the password from the header.
let app: Awaited<ReturnType<typeof startDashboard>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();
/** A write with the browser's session cookie and CSRF token, as the dashboard makes it. */
const write = async (method: 'PUT' | 'POST', path: string, data: unknown) => {
  const { csrf_token } = (await api('/auth/me')) as { csrf_token: string };
  const reply = await browser.request.fetch(`${app.base}/api/v1${path}`, {
    method,
    data,
    headers: { 'x-csrf-token': csrf_token },
  });
  expect(reply.ok()).toBe(true);
};
const section = (name: string) =>
  page.getByRole('menu', { name: '设置分类' }).getByRole('menuitem', { name, exact: true }).click();
const emailRow = () => page.locator('tr', { has: page.getByRole('cell', { name: '邮件', exact: true }) });

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startDashboard();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
  await smtp?.close();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('settings page in Chromium', () => {
  it('test-sends on the email channel: the mail arrives, and a refusing server is shown as such', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
    await write('PUT', '/channels', {
      channel: 'email',
      config: { host: '127.0.0.1', port: smtp.port, from: 'shop@example.com' },
    });
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    await section('消息渠道');
    await emailRow().getByLabel('email 收件邮箱').fill('owner@shop.test');
    await emailRow().getByRole('button', { name: '测试发送' }).click();
    await emailRow().getByText('测试消息已发出').waitFor();
    expect(smtp.mail.map((m) => [m.to, m.subject])).toEqual([
      [['owner@shop.test'], 'Retain 测试消息 / test message'],
    ]);
    await screenshot(page, 'settings-01-test-sent');

    await write('PUT', '/channels', {
      channel: 'email',
      config: { host: '127.0.0.1', port: 9, from: 'shop@example.com' },
    });
    await page.reload();
    await emailRow().getByLabel('email 收件邮箱').fill('owner@shop.test');
    await emailRow().getByRole('button', { name: '测试发送' }).click();
    await emailRow().getByText('发送失败').waitFor();
    expect(await emailRow().textContent()).toContain('ECONNREFUSED');
    expect(smtp.mail).toHaveLength(1);
  });

  it('keeps the zone of a workspace with orders fixed, and says why', async () => {
    await section('基本信息');
    await page.getByText('该工作空间已导入订单或事件').waitFor();
    expect(await page.getByLabel('时区').first().isDisabled()).toBe(true);
    expect(await page.getByLabel('币种').first().isDisabled()).toBe(true);
    // The RFM split (客户分层) still changes.
    await section('客户分层');
    await page.getByLabel('RFM 分组方式').first().click();
    await page.locator('.ant-select-item-option[title="按评分（≥ 3）"]').click();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('设置已保存').waitFor();
    expect(((await api('/workspace/settings')) as { rfm: { split: string } }).rfm.split).toBe('score');
    expect(((await api('/auth/me')) as { workspace: { timezone: string } }).workspace.timezone).toBe(
      app.timezone,
    );
    await screenshot(page, 'settings-02-zone-locked');
  });

  it('changes the zone and currency of the empty workspace', async () => {
    await page.getByLabel('工作空间').click();
    await page.locator('.ant-select-item-option', { hasText: 'outlet' }).click();
    await expect
      .poll(async () => ((await api('/auth/me')) as { workspace: { name: string } }).workspace.name)
      .toBe('outlet');
    await section('基本信息');
    await page.getByLabel('时区').first().click();
    await page.keyboard.type('Europe/Berlin');
    // Found by its IANA name, shown by its city.
    await page.locator('.ant-select-item-option[title="柏林时间"]').click();
    await page.getByLabel('币种').first().click();
    await page.keyboard.type('EUR');
    await page.locator('.ant-select-item-option[title="欧元"]').click();
    // The previous test's 设置已保存 may still show (a message stays 3 s): the one awaited is this save's.
    await expect.poll(() => page.getByText('设置已保存').count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('设置已保存').waitFor();
    expect(((await api('/auth/me')) as { workspace: unknown }).workspace).toMatchObject({
      name: 'outlet',
      timezone: 'Europe/Berlin',
      currency: 'EUR',
    });
    await page.reload();
    await page.locator('.ant-select [title="柏林时间"]').first().waitFor();
    await screenshot(page, 'settings-03-zone-changed');
  });

  it('an admin invites by link (no password chosen for anyone); the invitee accepts it and changes the password', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    await section('成员与权限');
    await page.getByLabel('邮箱', { exact: true }).first().fill('newcomer@shop.test');
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    await page.getByText('邀请链接只显示这一次').waitFor();
    const link = (await page.getByText(`${app.base}/invite/`).textContent())!.trim();
    expect(link).toMatch(/\/invite\/ri_[\w-]+$/);
    await page.getByRole('cell', { name: '等待对方接受' }).waitFor();
    await screenshot(page, 'access-01-invited');

    const invitee = await openBrowser('zh-CN');
    const other = await watchedPage(invitee);
    await other.page.goto(link);
    await other.page.getByRole('heading', { name: '接受邀请' }).waitFor();
    await screenshot(other.page, 'access-02-accept');
    await other.page.getByLabel('密码', { exact: true }).fill('newcomer-long-pass');
    await other.page.getByLabel('姓名（可不填）').fill('新同事');
    await other.page.getByRole('button', { name: '接受邀请' }).click();
    await other.page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
    await other.page.getByText('newcomer@shop.test · 只读').waitFor();

    await other.page.getByRole('button', { name: '修改密码' }).click();
    await other.page.getByLabel('当前密码', { exact: true }).fill('newcomer-long-pass');
    await other.page.getByLabel('新密码', { exact: true }).fill('newcomer-second-pass');
    await other.page.getByLabel('再次输入新密码', { exact: true }).fill('newcomer-second-pass');
    await other.page.getByRole('button', { name: '保存' }).click();
    await other.page.getByText('密码已修改').waitFor();
    await screenshot(other.page, 'access-03-password-changed');
    expect(other.errors).toEqual([]);

    const signInWith = async (password: string) =>
      (
        await fetch(`${app.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'newcomer@shop.test', password }),
        })
      ).status;
    expect(await signInWith('newcomer-second-pass')).toBe(200);
    await page.reload();
    await page.getByRole('cell', { name: '对方已接受' }).waitFor();
    await invitee.close();
  });
});
