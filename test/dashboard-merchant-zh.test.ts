import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { todayIn } from '../src/shared/local-date.ts';
import { addDays } from '../src/shared/zoned-time.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// Built for Chinese merchants, in real Chromium against the real server: a 微盟 export is
// recognised and its mapping pre-filled; the column the operator changed is remembered for the next
// file; a 有赞 export chosen under the wrong kind offers its usual one; a template downloads and,
// filled with one row, imports cleanly. The analytics chart marks the running period as partial,
// and an empty workspace's lists say what to do next.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const SAMPLES = new URL('./fixtures/platforms/', import.meta.url).pathname;

beforeAll(async () => {
  // The worker's daily stage counts for yesterday and today (today's may still change).
  app = await startDashboard({
    setup: async (store, workspace) => {
      const today = todayIn(workspace.timezone);
      await store.db
        .insertInto('stage_counts')
        .values(
          [addDays(today, -1), today].flatMap((as_of, i) => [
            { workspace_id: workspace.id, as_of, kind: 'lifecycle' as const, code: 'new', customers: 3 + i },
            { workspace_id: workspace.id, as_of, kind: 'lifecycle' as const, code: 'active', customers: 5 },
          ]),
        )
        .execute();
    },
  });
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

/** What the column picker of a field shows (its label, then an example value). */
const shown = (field: string) =>
  page
    .getByLabel(`列 ${field}`, { exact: true })
    .evaluate((input) => input.closest('.ant-select')?.textContent ?? '');
const openImport = async () => {
  await page.getByRole('navigation').getByRole('link', { name: '数据导入' }).click();
  await page.getByText('数据类型').first().waitFor();
};
const chooseFile = (path: string) => page.locator('input[type=file]').setInputFiles(path);
const uploadAndWait = async () => {
  await page.getByRole('button', { name: '上传并导入' }).click();
  await page.locator('[data-import-status="completed"]').waitFor({ timeout: 30_000 });
};

describe('import page in Chromium', () => {
  it('recognises a 微盟 export, pre-fills its mapping, and remembers the column the operator changed', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await openImport();
    await chooseFile(join(SAMPLES, 'weimob-orders.csv'));
    await page.getByText('已识别为：微盟订单导出').waitFor();
    await page.getByText('已按该平台的列名预先填好').waitFor();
    expect(await shown('手机号')).toContain('会员手机号');
    await screenshot(page, 'import-01-recognised');

    // The picker is searchable: typing part of a header finds it.
    await page.getByLabel('列 手机号', { exact: true }).click();
    await page.keyboard.type('收货人手机');
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: '收货人手机号',
      })
      .click();
    await expect.poll(() => shown('手机号')).toContain('收货人手机号');
    await uploadAndWait();
    expect(await page.locator('[data-stat="rejected"]').textContent()).toBe('0');

    await page.reload();
    await page.getByText('数据类型').first().waitFor();
    await chooseFile(join(SAMPLES, 'weimob-orders.csv'));
    await page.getByText('已套用上次为该平台确认的列对应').waitFor();
    expect(await shown('手机号')).toContain('收货人手机号');
    await screenshot(page, 'import-02-saved-mapping');
  });

  it('offers a 有赞 export’s usual kind when another is chosen', async () => {
    await chooseFile(join(SAMPLES, 'youzan-order-lines.csv'));
    await page.getByText('已识别为：有赞订单导出').waitFor();
    await page.getByText('这种文件通常按「订单明细」导入。').waitFor();
    await page.getByRole('button', { name: '改为按订单明细导入' }).click();
    await expect
      .poll(() => page.locator('#import-kind').evaluate((input) => input.closest('.ant-select')?.textContent))
      .toBe('订单明细');
    expect(await shown('单价')).toContain('商品单价');
    await expect.poll(() => page.getByText('这种文件通常按').count()).toBe(0);
  });

  it('downloads a template that, filled with one row, imports cleanly', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 CSV 模板' }).click(),
    ]);
    const path = join(app.dir, 'template.csv');
    await download.saveAs(path);
    const text = readFileSync(path, 'utf8');
    const header = text.replace(/^\uFEFF/, '').trim();
    expect(header.startsWith('订单号,下单时间,数量,单价,商品编码,商品名称')).toBe(true);
    const values: Record<string, string> = {
      订单号: 'TPL-1',
      下单时间: '2024-05-02 10:00:00',
      数量: '2',
      单价: '18.50',
      商品名称: '可颂',
      手机号: '13900139999',
    };
    const filled = join(app.dir, '模板-已填写.csv');
    writeFileSync(
      filled,
      `${text}${header
        .split(',')
        .map((h) => values[h] ?? '')
        .join(',')}\r\n`,
    );
    await chooseFile(filled);
    await page.getByText('已按列名自动识别').waitFor();
    expect(await page.getByText('缺少必需的列').count()).toBe(0);
    await uploadAndWait();
    expect(await page.locator('[data-stat="read"]').textContent()).toBe('1');
    expect(await page.locator('[data-stat="rejected"]').textContent()).toBe('0');
    await screenshot(page, 'import-03-template');
  });

  it('marks the running period of the analytics metrics as partial', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '数据分析' }).click();
    await page.locator('[data-partial-note]').waitFor();
    // The default range ends with the month holding today: that row, and only that one, is partial.
    const periods = await page
      .locator('.ant-card', { hasText: '指标' })
      .first()
      .locator('tbody tr td:first-child')
      .allTextContents();
    expect(periods.length).toBeGreaterThan(1);
    expect(periods.filter((p) => p.endsWith('（未完）'))).toEqual([periods.at(-1)]);
    const month = Number(app.today.slice(5, 7));
    expect(periods.at(-1)).toContain(`${month}月`);
    expect(await page.locator('[data-partial-note]').textContent()).toContain('尚未结束');
  });

  it('draws today on the lifecycle trend as still running', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '生命周期' }).click();
    await page.locator('[data-partial-note]').getByText('今天尚未结束').waitFor();
  });

  it('gives an empty workspace’s lists a next step', async () => {
    await page.getByLabel('工作空间').click();
    await page.locator('.ant-select-item-option', { hasText: 'outlet' }).click();
    await page.getByRole('navigation').getByRole('link', { name: '自动化旅程' }).waitFor();
    const visit = async (nav: string, text: string, buttons: string[]) => {
      await page.getByRole('navigation').getByRole('link', { name: nav, exact: true }).click();
      const empty = page.locator('[data-empty-next]');
      await empty.getByText(text).waitFor();
      for (const name of buttons) await empty.getByRole('button', { name }).waitFor();
    };
    await visit('自动化旅程', '暂无旅程：安装预置方案', ['安装预置方案', '新建旅程']);
    await screenshot(page, 'empty-01-journeys');
    await visit('分群', '暂无分群：在上方设置条件', ['新建分群']);
    await visit('问卷', '暂无问卷：新建一份', ['新建问卷']);
    await visit('群发', '暂无群发：新建群发', ['新建群发']);
    await visit('消息模板', '暂无消息模板：在下方新建模板', []);
    await page.getByRole('navigation').getByRole('link', { name: '自动化旅程' }).click();
    await page.locator('[data-empty-next]').getByRole('button', { name: '新建旅程' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/journeys/new');
  });
});
