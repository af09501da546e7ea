import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// Creating and reassigning tasks in real Chromium against the real server, in Chinese words.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();
type TaskOut = { id: number; title: string; assignee_id: number | null; due_at: string; kind: string };
const tasksTitled = async (title: string) =>
  ((await api('/tasks?limit=200')) as { items: TaskOut[] }).items.filter((t) => t.title === title);

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

/** Picks an option of an antd select by its aria label and the option's text. */
async function choose(scope: Page, label: string, option: string) {
  await scope.getByRole('dialog').getByLabel(label).click();
  await scope
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
    .first()
    .click();
}

describe('task actions in Chromium', () => {
  it('creates a task from the tasks page, then reassigns it alone and in bulk', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
    const me = (await api('/auth/me')) as { user: { id: string } };
    const users = (await api('/users')) as { id: number; email: string }[];
    const operator = users.find((u) => u.email === 'operator@shop.test')!;
    const [customer] = ((await api('/customers?limit=1')) as { items: { id: number; name: string }[] }).items;

    await page.getByRole('navigation').getByRole('link', { name: '任务' }).click();
    await page.getByRole('button', { name: '新建任务' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('新建任务').waitFor();
    // No English in the form (the member emails aside).
    const formText = (await dialog.innerText()).replace(/\S+@\S+/g, '');
    expect(formText.match(/[A-Za-z]{2,}/g)).toBeNull();
    await dialog.getByLabel('选择客户').fill(customer!.name);
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: customer!.name })
      .first()
      .click();
    await choose(page, '类型', '到店邀约');
    await dialog.getByLabel('任务', { exact: true }).fill('邀请到店试穿');
    await dialog.getByLabel('几小时内完成').fill('2');
    await choose(page, '分配给', '我自己');
    const before = Date.now();
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByText('任务已创建').waitFor();
    const [made] = await tasksTitled('邀请到店试穿');
    expect(made).toMatchObject({ kind: 'store_invite', assignee_id: Number(me.user.id) });
    const due = Date.parse(made!.due_at);
    expect(due).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 60_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    const row = rows.filter({ hasText: '邀请到店试穿' });
    await row.waitFor();
    // One due column: the header names it once, the row shows its time once.
    const headers = await page.locator('.ant-table-thead th').allInnerTexts();
    expect(headers.filter((h) => h.includes('截止时间'))).toHaveLength(1);
    await screenshot(page, 'task-actions-01-created');

    // Single: the row's button, to the operator.
    await row.getByRole('button', { name: '转派' }).click();
    await choose(page, '转派给', 'operator@shop.test');
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.getByText('已转派 1 个任务').waitFor();
    expect((await tasksTitled('邀请到店试穿'))[0]!.assignee_id).toBe(operator.id);

    // Bulk: two tasks of the open list, selected by their boxes, back to the queue.
    await page.locator('.ant-segmented-item', { hasText: '团队任务' }).click();
    await row.waitFor();
    await page.getByRole('button', { name: '新建任务' }).click();
    await dialog.getByLabel('选择客户').fill(customer!.name);
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: customer!.name })
      .first()
      .click();
    await dialog.getByLabel('任务', { exact: true }).fill('第二个回访');
    await dialog.getByRole('button', { name: '确定' }).click();
    const second = rows.filter({ hasText: '第二个回访' });
    await second.waitFor();
    await row.locator('.ant-checkbox-input').check();
    await second.locator('.ant-checkbox-input').check();
    await page.getByRole('button', { name: '转派所选（2）' }).click();
    await choose(page, '转派给', '放入待分配');
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.getByText('已转派 2 个任务').waitFor();
    for (const title of ['邀请到店试穿', '第二个回访'])
      expect((await tasksTitled(title))[0]!.assignee_id).toBeNull();
    await screenshot(page, 'task-actions-02-reassigned');
  });

  it('creates a task from the customer profile’s service tab', async () => {
    const [customer] = ((await api('/customers?limit=2')) as { items: { id: number }[] }).items.slice(-1);
    await page.goto(`${app.base}/customers/${customer!.id}`);
    await page.getByRole('tab', { name: '服务记录与任务' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('button', { name: '新建任务' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('任务', { exact: true }).fill('生日前回访');
    await choose(page, '分配给', '放入待分配');
    await dialog.getByRole('button', { name: '确定' }).click();
    await panel.getByRole('cell', { name: '生日前回访' }).waitFor();
    const [made] = await tasksTitled('生日前回访');
    expect(made).toMatchObject({ kind: 'callback', assignee_id: null });
    const headers = await panel.locator('.ant-table-thead th').allInnerTexts();
    expect(headers.filter((h) => h.includes('截止时间'))).toHaveLength(1);
    await screenshot(page, 'task-actions-03-profile');
  });
});
