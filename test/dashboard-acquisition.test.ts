import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// An operator enters a month's spend on 抖音 in the analytics page's 获客成本 editor (in 元) and
// reads the acquisition cost it makes, in real Chromium against `retain serve`: three new buyers
// came through 抖音 this month (a fourth only cancelled), so ¥900 makes ¥300 each.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let month: { key: string; label: string };

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      const today = todayIn(workspace.timezone);
      const day = `${today.slice(0, 7)}-01`;
      const file = join(tmpdir(), `cac-orders-${process.pid}.csv`);
      writeFileSync(
        file,
        [
          'order_id,customer_id,ordered_at,amount,status,channel',
          `D1,N001,${day} 09:00:00,500.00,completed,抖音`,
          `D2,N002,${day} 10:00:00,300.00,paid,抖音`,
          `D3,N003,${day} 11:00:00,200.00,completed,抖音`,
          `D4,N004,${day} 12:00:00,999.00,cancelled,抖音`,
        ].join('\n'),
      );
      await importFile(store, { kind: 'orders', file, workspace });
    },
  });
  const [y, m] = app.today.split('-');
  month = { key: app.today.slice(0, 7), label: `${y}年${Number(m)}月` };
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
  await signIn(page, app.base, 'operator@shop.test');
  await page.getByRole('navigation').getByRole('link', { name: '数据分析' }).click();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('获客成本 on the analytics page', () => {
  it('lets an operator enter a month’s spend in 元 and shows the acquisition cost it makes', async () => {
    const section = page.locator('[data-section="acquisition"]');
    await expect.poll(() => section.textContent(), { timeout: 30_000 }).toContain('这段时间还没有投放记录');
    await section.getByRole('button', { name: '录入投放' }).click();
    await section.getByLabel('渠道名称').fill('抖音');
    await section.getByRole('button', { name: '添加渠道' }).click();
    await section.getByLabel(`${month.label}抖音投放金额（元）`).fill('900');
    await section.getByRole('button', { name: '保存投放金额' }).click();
    await expect.poll(() => section.textContent()).toContain('已保存 1 条，删除 0 条');
    const row = section
      .locator('table[aria-label="获客成本"] tbody tr, [aria-label="获客成本"] tbody tr')
      .filter({
        hasText: month.label,
      });
    await expect.poll(() => row.first().textContent(), { timeout: 30_000 }).toContain('¥300');
    const cells = (await row.first().locator('td').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 5)).toEqual(['抖音', month.label, '¥900', '3', '¥300']);
    expect(cells[7]).toBe(`${month.label}（当月回本）`);
    const headers = (await section.locator('thead th').allTextContents())
      .map((h) => h.trim())
      .filter(Boolean);
    expect(headers).toEqual(
      expect.arrayContaining(['渠道', '月份', '投放金额', '新客数', '获客成本', '回本月份']),
    );
    // Chinese first: no English word, no fen, no raw JSON in the section.
    const text = (await section.textContent()) ?? '';
    expect(text).not.toMatch(/[A-Za-z]{2,}|[{}]/);
    expect(text).not.toContain('90000');
    await screenshot(page, 'acquisition-cost');
    // The spend is stored in fen, as the API gives it.
    const spend = await (await browser.request.get(`${app.base}/api/v1/acquisition/spend`)).json();
    expect(
      spend.map((s: { month: string; channel: string; amount: number }) => [s.month, s.channel, s.amount]),
    ).toEqual([[month.key, '抖音', 90000]]);
  });

  it('shows a viewer the acquisition cost but no spend editor', async () => {
    const viewer = await openBrowser('zh-CN');
    try {
      const watched = await watchedPage(viewer);
      await signIn(watched.page, app.base, 'viewer@shop.test');
      await watched.page.getByRole('navigation').getByRole('link', { name: '数据分析' }).click();
      const section = watched.page.locator('[data-section="acquisition"]');
      await expect.poll(() => section.textContent(), { timeout: 30_000 }).toContain('¥300');
      expect(await section.getByRole('button', { name: '录入投放' }).count()).toBe(0);
      expect(watched.errors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});
