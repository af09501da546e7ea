import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAssociations } from '../src/predict/product-associations.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import { expectedAssociations, expectedTopN } from './independent-associations.ts';
import { importBabyShop, NAMES, PLAIN_ORDERS } from './recommendation-fixture.ts';

// The profile's 猜你喜欢 card in real Chromium against `retain serve`: the baby shop's order lines
// imported beside the dashboard fixture and the associations refreshed; customer X's card lists
// what a plain count over the orders ranks first, with its reason, in Chinese (and in English).
const RULES = { top: 10, recentDays: 90, notSoldDays: 180, seeds: 50 };
const EXPECTED = expectedTopN(
  PLAIN_ORDERS,
  expectedAssociations(PLAIN_ORDERS, { minPairs: 2, maxBasket: 50, maxBuyer: 100 }),
  NAMES,
  'X',
  RULES,
);

let app: Awaited<ReturnType<typeof startDashboard>>;
let ids: Record<string, number>;
const browsers: BrowserContext[] = [];

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      ids = await importBabyShop(store, workspace);
      await refreshAssociations(store, workspace, { asOf: '2024-06-01', actor: null });
    },
  });
}, 180_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  app?.stop();
});

describe('猜你喜欢 on the customer profile in Chromium', () => {
  it('shows the top recommendation with its reason, in Chinese only', async () => {
    const browser = await openBrowser('zh-CN');
    browsers.push(browser);
    const { page, errors } = await watchedPage(browser);
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
    await page.goto(`${app.base}/customers/${ids.X}`);
    const card = page.locator('[data-card="recommendations"]');
    await card.getByText('猜你喜欢', { exact: true }).waitFor();
    const first = card.locator('[data-item]').first();
    await first.getByText(`1. ${EXPECTED[0]!.name}`).waitFor();
    const items = await card.locator('[data-part="name"]').allTextContents();
    expect(items).toEqual(EXPECTED.map((e, i) => `${i + 1}. ${e.name}`));
    // Nappies were X's purchase of 05-01 and the old teat is no longer sold: neither is offered.
    expect(items.join()).not.toMatch(/纸尿裤|旧款奶嘴/);
    expect(await first.locator('[data-part="because"]').textContent()).toMatch(/^因为买过「.+」$/);
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    expect(text).not.toMatch(/[A-Za-z]/);
    // The server's worker refreshes the associations on its first pass of the day: dated today.
    const [y, m, d] = app.today.split('-').map(Number) as [number, number, number];
    await expect
      .poll(
        async () => {
          await page.reload();
          return card.locator('[data-part="as-of"]').textContent();
        },
        { timeout: 60_000 },
      )
      .toMatch(new RegExp(`^依据 ${y}年${m}月${d}日 及以前的订单计算`));
    expect(await card.locator('[data-part="name"]').allTextContents()).toEqual(items);
    await screenshot(page, 'recommendations-zh');
    expect(errors).toEqual([]);
  }, 120_000);

  it('reads in English for an English browser', async () => {
    const browser = await openBrowser('en-US');
    browsers.push(browser);
    const { page, errors } = await watchedPage(browser);
    await signIn(page, app.base, 'admin@shop.test', {
      email: 'Email',
      password: 'Password',
      submit: 'Sign in',
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).waitFor();
    await page.goto(`${app.base}/customers/${ids.X}`);
    const card = page.locator('[data-card="recommendations"]');
    await card.getByText('You may also like', { exact: true }).waitFor();
    await card.getByText(`1. ${EXPECTED[0]!.name}`).waitFor();
    expect(await card.locator('[data-part="because"]').first().textContent()).toMatch(
      /^Because they bought “.+”$/,
    );
    expect(errors).toEqual([]);
  }, 120_000);
});
