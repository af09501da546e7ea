import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../web/src/i18n/messages-zh-cn.ts';
import { validOrders, writeBadOrders } from './dashboard-fixture.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// The dashboard in real headless Chromium against the real `retain serve` (PGlite). Expected numbers
// come from the fixture file or from the API, never from the dashboard's code.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const zhMoney = (minor: number) =>
  new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(minor / 100);
const enMoney = (minor: number) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: 'CNY' }).format(minor / 100);
const lastMonth = (today: string) => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  return { from, to };
};
const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();
/** A write with the browser's session cookie and its CSRF token, as the dashboard makes it. */
const post = async (path: string, data: unknown) => {
  const { csrf_token } = (await api('/auth/me')) as { csrf_token: string };
  const reply = await browser.request.post(`${app.base}/api/v1${path}`, {
    data,
    headers: { 'x-csrf-token': csrf_token },
  });
  expect(reply.ok()).toBe(true);
  return reply.json();
};

beforeAll(async () => {
  app = await startDashboard();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
});

// No page may log an error to the console.
afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('dashboard in Chromium', () => {
  it('signs in, in Chinese for a zh-CN browser, and shows last month’s buyers and revenue from the file', async () => {
    await page.goto(`${app.base}/`);
    await expect.poll(() => page.getByRole('heading', { name: '登录' }).isVisible()).toBe(true);
    await screenshot(page, '01-login');
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();

    const { from, to } = lastMonth(app.today);
    const inMonth = validOrders(app.fixture).filter((o) => o.day >= from && o.day < to);
    const buyers = new Set(inMonth.map((o) => o.customer)).size;
    const revenue = inMonth.reduce((sum, o) => sum + o.amount, 0);
    const card = (title: string) =>
      page.locator('.ant-card', { has: page.getByText(title, { exact: true }) });
    await expect
      .poll(() => card('购买客户数').locator('.ant-statistic-content').textContent())
      .toBe(String(buyers));
    expect(await card('销售额').locator('.ant-statistic-content').textContent()).toBe(zhMoney(revenue));
    // Secondary and coloured texts on the white cards keep WCAG AA contrast (4.5:1).
    const ratios = await page.evaluate(() => {
      const luminance = (c: number[]) => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        }) as [number, number, number];
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const selector =
        '.ant-statistic-title, .ant-typography-success, .ant-typography-danger, .ant-typography-secondary';
      return [...document.querySelectorAll(selector)].map((el) => {
        const [r, g, b, a = 1] = (getComputedStyle(el).color.match(/[\d.]+/g) ?? []).map(Number) as number[];
        const over = [r!, g!, b!].map((v) => v * a + 255 * (1 - a));
        return { text: el.textContent, ratio: 1.05 / (luminance(over) + 0.05) };
      });
    });
    expect(ratios.length).toBeGreaterThan(6);
    for (const r of ratios) expect(r.ratio, r.text ?? '').toBeGreaterThanOrEqual(4.5);
    await screenshot(page, '02-overview');
  });

  it('charts the stage counts the server’s worker recorded today, equal to the live stage counts', async () => {
    // Before any test here imports more: the day's recording was made from the fixture alone.
    const live = (await api('/lifecycle')) as { stages: { lifecycle: string; customers: number }[] };
    const trend = async () =>
      (
        (await api(`/lifecycle/trend?from=${app.today}&to=9999-12-31`)) as {
          as_of: string;
          kind: string;
          code: string;
          customers: number;
        }[]
      ).filter((r) => r.kind === 'lifecycle');
    await expect.poll(async () => (await trend()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const recorded = Object.fromEntries((await trend()).map((r) => [r.code, r.customers]));
    expect(recorded).toEqual(
      Object.fromEntries(live.stages.filter((s) => s.customers > 0).map((s) => [s.lifecycle, s.customers])),
    );
    expect((await trend()).every((r) => r.as_of === app.today)).toBe(true);
    await page.getByRole('navigation').getByRole('link', { name: '生命周期' }).click();
    await page.getByRole('img', { name: '各阶段人数变化（近 90 天，每日记录）' }).locator('canvas').waitFor();
    await screenshot(page, '05b-lifecycle-trend');
  });

  it('builds a segment without code (reached by keyboard), shows its live count, and saves it', async () => {
    // Keyboard only: Tab through the page to the navigation's link and follow it with Enter.
    await page.locator('body').focus();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === '分群') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '分群', exact: true }).waitFor();
    // Default first rule: order count ≥ value.
    await page.getByLabel('值 (第 1 条)').fill('2');
    const counts = new Map<string, number>();
    for (const o of validOrders(app.fixture)) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1);
    const expected = [...counts.values()].filter((n) => n >= 2).length;
    const matching = page.locator('.ant-card', { hasText: '实时预览' }).locator('.ant-statistic-content');
    await expect.poll(() => matching.textContent()).toBe(String(expected));
    await page.getByLabel('分群名称').fill('两单以上');
    await page.getByRole('button', { name: '保存分群' }).click();
    const saved = page
      .locator('.ant-card', { hasText: '已保存的分群' })
      .getByRole('row', { name: /两单以上/ });
    await expect.poll(() => saved.textContent()).toContain(String(expected));
    const list = (await api('/segments')) as { name: string; members: number }[];
    expect(list.find((s) => s.name === '两单以上')?.members).toBe(expected);
    await screenshot(page, '03-segment');
  });

  it('shows the RFM groups with their suggested actions, and a heat-map cell opens its customers', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'RFM 分析' }).click();
    // PRODUCT.md §3.3's action for important_value.
    await page
      .getByRole('row', { name: /重要价值客户/ })
      .getByText('专属权益、定制优惠、一对一服务')
      .waitFor();
    const grid = (await api('/rfm/grid')) as { customers: number[][] };
    let best = { r: 0, f: 0, n: 0 };
    grid.customers.forEach((row, r) => {
      row.forEach((n, f) => {
        if (n > best.n) best = { r: r + 1, f: f + 1, n };
      });
    });
    // The chart is a canvas: click the cell's centre (the grid's margins are the chart option's).
    const chart = page.getByRole('img', { name: /R×F/ });
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const [left, right, top, bottom] = [56, 16, 16, 72];
    const cellW = (box.width - left - right) / 5;
    const cellH = (box.height - top - bottom) / 5;
    await screenshot(page, '04-rfm');
    await page.mouse.click(box.x + left + (best.f - 0.5) * cellW, box.y + top + (5 - best.r + 0.5) * cellH);
    await page.waitForURL(new RegExp(`/customers\\?r_score=${best.r}&f_score=${best.f}$`));
    await page.getByText(`R=${best.r}，F=${best.f}`).waitFor();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(Math.min(best.n, 20));
    await screenshot(page, '05-rfm-cell-customers');
  });

  it('opens a customer’s 360° profile with the orders and spend of the file, and their coupon', async () => {
    const who = app.fixture.customers.find((c) => c.id === 'C007')!;
    const [{ id }] = ((await api(`/customers?q=${who.id}`)) as { items: { id: number }[] }).items as [
      { id: number },
    ];
    const template = await post('/coupon-templates', {
      name: '满100减10',
      kind: 'amount_off',
      amount_off: 1000,
    });
    const issued = await post(`/coupon-templates/${template.id}/issue`, { customer_ids: [id] });
    const orders = app.fixture.orders.filter((o) => o.customer === who.id);
    const spend = validOrders(app.fixture)
      .filter((o) => o.customer === who.id)
      .reduce((sum, o) => sum + o.amount, 0);
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).click();
    await page.getByRole('searchbox', { name: zhCN['customers.search'] }).fill(who.name);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: who.name }).click();
    await page.getByRole('heading', { name: who.name }).waitFor();
    await page.getByText(who.phone).waitFor();
    const net = page
      .locator('.ant-descriptions-item', { hasText: '累计消费' })
      .locator('.ant-descriptions-item-content');
    expect(await net.textContent()).toBe(zhMoney(spend));
    const orderRows = page.getByRole('tabpanel').locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => orderRows.count()).toBe(orders.length);
    const rfm = (await api(`/rfm/customers/${page.url().split('/').pop()}`)) as {
      r_score: number;
      f_score: number;
      m_score: number;
    };
    await page.getByText(`R ${rfm.r_score} · F ${rfm.f_score} · M ${rfm.m_score}`).waitFor();
    await screenshot(page, '06-profile');
    await page.getByRole('tab', { name: '优惠券与推荐' }).click();
    await page.getByRole('cell', { name: issued.codes[0].code }).waitFor();
    expect(await page.getByRole('tabpanel').getByText('满100减10').count()).toBe(1);

    // The server's worker records every stage on its first pass of the day: this customer's stage
    // (as the RFM API computes it) from the first recording, dated today.
    const lifecycle = ((await api(`/rfm/customers/${id}`)) as { lifecycle: string }).lifecycle;
    await expect
      .poll(async () => ((await api(`/customers/${id}/stages`)) as unknown[]).length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    await page.getByRole('tab', { name: '阶段历史' }).click();
    const entry = page.getByRole('tabpanel').locator('.ant-timeline-item', { hasText: '生命周期' });
    await entry.waitFor();
    expect(await entry.textContent()).toBe(
      `${new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${app.today}T00:00:00Z`))}生命周期 首次记录 → ${zhCN[`lifecycle.${lifecycle}` as keyof typeof zhCN]}`,
    );
  });

  it('imports a file with bad rows and shows the error report with line numbers and the rejected rows', async () => {
    const bad = writeBadOrders(app.dir);
    await page.getByRole('navigation').getByRole('link', { name: '数据导入' }).click();
    await page.getByLabel('文件（CSV / TSV / XLSX）').setInputFiles(bad.path);
    await page.getByRole('button', { name: '上传并导入' }).click();
    await page.getByText('导入完成').waitFor();
    expect(await page.locator('[data-stat=rejected]').textContent()).toBe(String(bad.badLines.length));
    expect(await page.locator('[data-stat=inserted]').textContent()).toBe(String(bad.good));
    const report = page.locator('table', { has: page.getByText('错误报告') });
    const lines = await report.locator('tbody tr.ant-table-row td:first-child').allTextContents();
    expect(lines.map(Number)).toEqual(bad.badLines);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载被拒绝的行（CSV）' }).click(),
    ]);
    const rejected = readFileSync((await download.path())!, 'utf8');
    expect(rejected).toContain('X2');
    expect(rejected).toContain('X4');
    expect(rejected).not.toContain('X1');
    await screenshot(page, '07-import');
  });

  it('maps a marketplace file’s columns with the detected ones pre-filled, and leaves the masked phone out', async () => {
    const file = join(app.dir, 'tmall-masked.csv');
    writeFileSync(
      file,
      '订单号,会员卡号,手机号,下单时间,实付金额,订单状态\nM1,VIP9001,138****8000,2024-05-01 10:00,128.00,交易成功\nM2,VIP9002,139****1234,2024-05-02 11:30,56.50,交易成功\n',
    );
    await page.getByRole('navigation').getByRole('link', { name: '数据导入' }).click();
    await page.getByLabel('文件（CSV / TSV / XLSX）').setInputFiles(file);
    const phone = page.getByLabel('列 手机号', { exact: true });
    await phone.waitFor();
    // Detected by its Chinese name, with the file's first value beside it.
    expect(await page.locator('tr', { has: phone }).textContent()).toContain('手机号 — 例如 138****8000');
    expect(
      await page.locator('tr', { has: page.getByLabel('列 订单号', { exact: true }) }).textContent(),
    ).toContain('订单号 — 例如 M1');
    await screenshot(page, '07b-import-mapping');
    await phone.click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: '（不导入）',
      })
      .click();
    await page.getByRole('button', { name: '上传并导入' }).click();
    await page.getByText('导入完成').waitFor();
    expect(await page.locator('[data-stat=rejected]').textContent()).toBe('0');
    expect(await page.locator('[data-stat=inserted]').textContent()).toBe('2');
    const found = (await api('/customers?q=VIP9002')) as {
      items: { net_total: number; phone: string | null }[];
    };
    expect(found.items).toEqual([expect.objectContaining({ net_total: 5650, phone: null })]);
  });

  it('switches workspace: the other workspace’s (empty) customer list, then back', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).click();
    await page.getByRole('link', { name: '顾客001' }).waitFor();
    await page.getByLabel('工作空间').click();
    await page.locator('.ant-select-item-option', { hasText: 'outlet' }).click();
    // An empty workspace's list says what to do next.
    await page.locator('.ant-table-placeholder', { hasText: '暂无客户，去导入客户或订单' }).waitFor();
    expect(((await api('/auth/me')) as { workspace: { name: string } }).workspace.name).toBe('outlet');
    expect(((await api('/customers')) as { items: unknown[] }).items).toEqual([]);
    await page.getByLabel('工作空间').click();
    await page.locator('.ant-select-item-option', { hasText: 'default' }).click();
    await page.getByRole('link', { name: '顾客001' }).waitFor();
  });

  it('animates only for a reader whose system has not asked for less motion', async () => {
    // Ant Design's transitions last 0s once its motion is off; the harness's browser asks for less.
    const durations = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.ant-btn, .ant-menu-item')].flatMap((e) =>
          getComputedStyle(e).transitionDuration.split(', '),
        ),
      );
    expect((await durations()).length).toBeGreaterThan(0);
    expect(new Set(await durations())).toEqual(new Set(['0s']));
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    try {
      await page.reload();
      await page.getByRole('navigation').waitFor();
      expect((await durations()).some((d) => d !== '0s')).toBe(true);
    } finally {
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.reload();
      await page.getByRole('navigation').waitFor();
    }
  });

  it('switches to English: texts, money and the choice survive a reload', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '概览' }).click();
    await page.getByLabel('语言').click();
    await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const { from, to } = lastMonth(app.today);
    const revenue = validOrders(app.fixture)
      .filter((o) => o.day >= from && o.day < to)
      .reduce((sum, o) => sum + o.amount, 0);
    const card = page.locator('.ant-card', { has: page.getByText('Revenue', { exact: true }) }).first();
    await expect.poll(() => card.locator('.ant-statistic-content').textContent()).toBe(enMoney(revenue));
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, '08-english');
  });

  it('speaks English on every page: no Chinese left in headings, titles, labels, columns, tabs or buttons', async () => {
    const han = /\p{Script=Han}/u;
    const nav = page.getByRole('navigation');
    const links = await nav.getByRole('link').allTextContents();
    expect(links.length).toBeGreaterThan(8);
    const leftovers: string[] = [];
    for (const name of links) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const chrome = await page
        .locator(
          'h1, h2, h3, h4, .ant-card-head-title, label, th, [role=tab], button, .ant-select-placeholder, .ant-empty-description',
        )
        .allTextContents();
      expect(chrome.join(' '), name).toMatch(/[A-Za-z]{3}/);
      for (const text of chrome) if (han.test(text)) leftovers.push(`${name}: ${text.trim()}`);
    }
    // Data may be Chinese (the fixture's names, a segment called 两单以上); the product's own words may not.
    expect(leftovers.filter((l) => !/两单以上|顾客\d+/.test(l))).toEqual([]);
  });

  it('shows a viewer masked phones and no bulk actions or admin settings', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, app.base, 'viewer@shop.test', {
      email: 'Email',
      password: 'Password',
      submit: 'Sign in',
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
    const who = app.fixture.customers.find((c) => c.id === 'C007')!;
    // README: phones are masked as 138****5678 for roles without the personal-data permission.
    const masked = `${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`;
    await page.getByRole('cell', { name: masked, exact: true }).waitFor();
    expect(await page.getByText(who.phone).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await page.getByText('Channels, users and API keys are for admins.').waitFor();
    await screenshot(page, '09-viewer');
  });

  it('fits a 390×844 phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/', '/customers', '/rfm']) {
      await page.goto(`${app.base}${path}`);
      await page.locator('main h2').waitFor();
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await screenshot(page, '10-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
