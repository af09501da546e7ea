import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// Joining by invitation and changing one's password in real Chromium against `retain serve`:
// an admin creates an invitation link in 设置, a new person opens it in another browser, sets a
// password and lands in the workspace, then changes the password from the header.
let app: Awaited<ReturnType<typeof startDashboard>>;
let admin: BrowserContext;
let invitee: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  app = await startDashboard();
  admin = await openBrowser('zh-CN');
  invitee = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(admin));
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await invitee?.close();
  app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('invitations and passwords in Chromium', () => {
  it('an admin invites by link (no password chosen for anyone); the invitee accepts it and changes the password', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    await page.getByLabel('邮箱', { exact: true }).first().fill('newcomer@shop.test');
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    await page.getByText('邀请链接只显示这一次').waitFor();
    const link = (await page.getByText(`${app.base}/invite/`).textContent())!.trim();
    expect(link).toMatch(/\/invite\/ri_[\w-]+$/);
    await page.getByRole('cell', { name: '等待对方接受' }).waitFor();
    await screenshot(page, 'access-01-invited');

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
  });
});
