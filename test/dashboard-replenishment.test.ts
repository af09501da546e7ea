import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { learnIntervals } from '../src/products/product-intervals.ts';
import { setProduct } from '../src/products/product-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// The profile's "即将用完" card and the learned intervals in settings, in real Chromium against
// `retain serve`. Dates of need are worked out here from the lines written below.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Five customers buy one tin of milk twice, 10 days apart (learned: 10 days a tin); 顾客007 bought
 * 2 tins 15 days ago (out in 5 days), soap 12 days ago (set to 10 days: out 2 days ago) and tea
 * 100 days ago (set to 5 days: long gone, counted but not listed).
 */
function lines(today: string): string {
  const rows = ['order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status'];
  for (let c = 1; c <= 5; c++) {
    rows.push(`RM${c}a,C00${c},${addDays(today, -60)} 12:00,MILK,奶粉 900g,1,200,completed`);
    rows.push(`RM${c}b,C00${c},${addDays(today, -50)} 12:00,MILK,奶粉 900g,1,200,completed`);
  }
  rows.push(`R7a,C007,${addDays(today, -15)} 12:00,MILK,奶粉 900g,2,200,completed`);
  rows.push(`R7b,C007,${addDays(today, -12)} 12:00,SOAP,香皂,1,10,completed`);
  rows.push(`R7c,C007,${addDays(today, -100)} 12:00,TEA,花茶,1,50,completed`);
  return `${rows.join('\n')}\n`;
}

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      const today = todayIn(workspace.timezone);
      const file = join(mkdtempSync(join(tmpdir(), 'retain-replenish-')), 'lines.csv');
      writeFileSync(file, lines(today));
      const r = await importFile(store, { kind: 'order-lines', file, workspace });
      expect(r.rejected).toBe(0);
      await setProduct(store.db, workspace.id, 'SOAP', { repurchase_days: 10 });
      await setProduct(store.db, workspace.id, 'TEA', { repurchase_days: 5 });
      await learnIntervals(store, workspace.id, { asOf: today, actor: null });
    },
  });
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

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();

describe('replenishment in the dashboard', () => {
  it('shows on the profile what the customer is due to run out of, in Chinese sentences', async () => {
    const [{ id }] = ((await api('/customers?q=C007')) as { items: { id: number }[] }).items as [
      { id: number },
    ];
    const due = (await api(`/customers/${id}/replenishment`)) as {
      items: { sku: string; need_date: string; days_left: number }[];
    };
    expect(due.items.map((i) => [i.sku, i.need_date])).toEqual([
      ['TEA', addDays(app.today, -95)],
      ['SOAP', addDays(app.today, -2)],
      ['MILK', addDays(app.today, 5)],
    ]);
    await page.goto(`${app.base}/customers/${id}`);
    const card = page.getByTestId('replenishment-card');
    await card.getByText('即将用完').waitFor();
    const rows = card.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('香皂');
    expect(await rows.nth(0).textContent()).toContain('已用完 2 天');
    expect(await rows.nth(0).textContent()).toContain('手动设置的复购周期');
    expect(await rows.nth(1).textContent()).toContain('奶粉 900g');
    expect(await rows.nth(1).textContent()).toContain('还剩 5 天');
    expect(await rows.nth(1).textContent()).toContain('买了 2 件，每件约用 10 天');
    expect(await rows.nth(1).textContent()).toContain('从该商品的复购中学到');
    await card.getByText('另有 1 件商品早已用完，未在此列出').waitFor();
    // Chinese first: no English word and no raw code in the card (the product's own name aside).
    expect((await card.textContent())?.replaceAll('奶粉 900g', '')).not.toMatch(/[A-Za-z]/);
    await screenshot(page, 'replenishment-profile');
  });

  it('lists learned intervals beside hand-set ones in settings', async () => {
    await page.goto(`${app.base}/settings?section=catalog`);
    const card = page.getByTestId('intervals-card');
    await card.getByText('复购周期（每件）').waitFor();
    const row = (name: string) => card.locator('.ant-table-tbody tr.ant-table-row', { hasText: name });
    await row('奶粉 900g').waitFor();
    expect(await row('奶粉 900g').textContent()).toContain('10 天');
    expect(await row('奶粉 900g').textContent()).toContain('共 5 次复购');
    expect(await row('奶粉 900g').textContent()).toContain('学到的');
    expect(await row('香皂').textContent()).toContain('手动');
    expect((await card.textContent())?.replaceAll('奶粉 900g', '')).not.toMatch(/[A-Za-z]/);
    await screenshot(page, 'replenishment-intervals');
  });

  it('builds a journey started by P(alive) falling below a percentage', async () => {
    await page.goto(`${app.base}/journeys`);
    await page.getByRole('button', { name: '新建旅程' }).first().click();
    await page.getByRole('heading', { name: '新建旅程' }).waitFor();
    await page.getByLabel('旅程名称').fill('流失预警');
    const select = page.getByLabel('触发类型', { exact: true });
    await select.click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .and(page.getByTitle('活跃概率跌破阈值', { exact: true }))
      .click();
    await page.getByLabel('阈值（活跃概率）', { exact: true }).fill('25');
    await expect
      .poll(() => page.locator('[data-node="@trigger"] [data-node-title]').textContent())
      .toBe('活跃概率跌破 25%');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('旅程「流失预警」的草稿已保存').waitFor();
    const saved = await api(`/journeys/${encodeURIComponent('流失预警')}`);
    expect(saved.draft.trigger).toEqual({ p_alive_below: { threshold: 0.25 } });
    await screenshot(page, 'replenishment-p-alive-trigger');
  });
});
