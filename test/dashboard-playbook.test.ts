import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// The journeys page's seed playbook button in real Chromium against the real server: an operator
// installs it, sees in Chinese what was created, the journeys appear paused; a second install
// creates nothing; a viewer has no button.
const examples = new URL('../examples/', import.meta.url).pathname;
const journeyFiles = readdirSync(`${examples}journeys`).filter((f) => f.endsWith('.yaml'));
const total =
  (JSON.parse(readFileSync(`${examples}journeys/templates.json`, 'utf8')) as unknown[]).length +
  (JSON.parse(readFileSync(`${examples}playbook/coupons.json`, 'utf8')) as unknown[]).length +
  journeyFiles.length;

let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  app = await startDashboard();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

const install = async () => {
  await page.getByRole('button', { name: '安装预置方案' }).first().click();
  const ok = page
    .getByRole('dialog')
    .filter({ hasText: '安装预置营销方案？' })
    .getByRole('button', { name: '安装' });
  await ok.click();
  const result = page.getByRole('dialog').filter({ hasText: '预置方案安装结果' });
  const row = result.locator('[data-playbook-result] .ant-table-row').first();
  // Under load a re-render can swallow the confirm's click (the question stays open): click again.
  // While the install runs the button is loading and ignores a click, so nothing installs twice.
  await expect
    .poll(
      async () => {
        if (await row.isVisible()) return true;
        if (await ok.isVisible()) await ok.click({ timeout: 5_000 }).catch(() => undefined);
        return row.isVisible();
      },
      { timeout: 90_000, interval: 1_000 },
    )
    .toBe(true);
  return result;
};

describe('seed playbook button in Chromium', () => {
  it('installs the playbook once, paused, and a second install creates nothing', async () => {
    await signIn(page, app.base, 'operator@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '自动化旅程' }).click();
    const result = await install();
    const rows = result.locator('.ant-table-row');
    await expect.poll(() => rows.count()).toBe(total);
    const text = await result.innerText();
    expect(text).toContain(`新建 ${total} 项，已存在未改动 0 项，保留您修改过的 0 项`);
    expect(text).toContain('新旅程处于暂停状态');
    expect(await result.getByText('已新建', { exact: true }).count()).toBe(total);
    for (const word of ['消息模板', '优惠券模板', '旅程', '生日礼券', '生日关怀'])
      expect(text).toContain(word);
    // Chinese words only, apart from the names the playbook gives (none of them English).
    expect(text.match(/[A-Za-z]{2,}/g)).toBeNull();
    await screenshot(page, 'playbook-01-installed');
    await result.getByRole('button', { name: /知道了|OK/ }).click();

    // The list shows every example journey, each paused (暂停) until the operator resumes it.
    const listed = page.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => listed.count()).toBe(journeyFiles.length);
    const statuses = await listed.locator('.ant-tag', { hasText: /^(已暂停|运行中)$/ }).allInnerTexts();
    expect(new Set(statuses)).toEqual(new Set(['已暂停']));

    const again = await install();
    expect(await again.innerText()).toContain(`新建 0 项，已存在未改动 ${total} 项，保留您修改过的 0 项`);
    expect(await again.getByText('已存在', { exact: true }).count()).toBe(total);
    await again.getByRole('button', { name: /知道了|OK/ }).click();
  });

  it('shows no install button to a viewer', async () => {
    const viewer = await openBrowser('zh-CN');
    const other = await viewer.newPage();
    await signIn(other, app.base, 'viewer@shop.test');
    await other.getByRole('navigation').getByRole('link', { name: '自动化旅程' }).click();
    await other.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    expect(await other.getByRole('button', { name: '安装预置方案' }).count()).toBe(0);
    await viewer.close();
  });
});
