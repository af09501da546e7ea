import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// The tasks page in real Chromium against the real server: a signed-in member sees their tasks,
// the overdue one first and marked, all in Chinese words, and completes it with an outcome.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();
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

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('tasks page in Chromium', () => {
  it('shows my tasks overdue first in Chinese and completes one with an outcome', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
    const me = (await api('/auth/me')) as { user: { id: string } };
    const [first, second] = ((await api('/customers?limit=2')) as { items: { id: number }[] }).items;
    const assign = { rule: 'user', user_id: Number(me.user.id) };
    await post('/tasks', {
      customer_id: second!.id,
      kind: 'vip_care',
      title: '生日关怀',
      due_at: new Date(Date.now() + 48 * 3_600_000).toISOString(),
      assign,
    });
    const late = await post('/tasks', {
      customer_id: first!.id,
      kind: 'callback',
      title: '首单回访',
      priority: 'high',
      due_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      assign,
    });

    await page.getByRole('navigation').getByRole('link', { name: '任务' }).click();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const top = rows.nth(0);
    await expect.poll(() => top.innerText()).toContain('首单回访');
    const topText = await top.innerText();
    for (const word of ['逾期', '回访', '高', '待处理']) expect(topText).toContain(word);
    const secondText = await rows.nth(1).innerText();
    for (const word of ['专属关怀', '普通']) expect(secondText).toContain(word);
    // No English word outside the staff email and the buttons' data.
    const words = `${topText}\n${secondText}`.replace(/\S+@\S+/g, '').match(/[A-Za-z]{2,}/g);
    expect(words).toBeNull();
    await screenshot(page, 'tasks-01-mine');

    await top.getByRole('button', { name: '完成' }).click();
    await page.getByRole('dialog').getByText('完成任务：首单回访').waitFor();
    await page.getByRole('dialog').getByLabel('备注').fill('已电话联系');
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.getByText('任务已完成').waitFor();
    await expect.poll(async () => rows.count()).toBe(1);
    const done = (await api(`/tasks/${late.id}`)) as { status: string; outcome: string; notes: string };
    expect(done).toMatchObject({ status: 'done', outcome: 'reached', notes: '已电话联系' });
  });

  it('shows the customer’s tasks on the profile, writes a call and a ticket there and resolves the ticket', async () => {
    const [first] = ((await api('/customers?limit=1')) as { items: { id: number }[] }).items;
    await page.goto(`${app.base}/customers/${first!.id}`);
    await page.getByRole('tab', { name: '服务记录与任务' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByText('首单回访').waitFor();
    const row = panel.locator('tr', { hasText: '首单回访' });
    for (const word of ['回访', '已完成', '已联系上']) expect(await row.innerText()).toContain(word);
    // A call (the default type) and then a ticket, each shown on the timeline as a sentence.
    await panel.getByLabel('备注').fill('客户反馈包装破损');
    await panel.getByRole('button', { name: '记录' }).click();
    const call = panel.getByText('admin@shop.test 记录了一次通话：客户反馈包装破损');
    await call.waitFor();
    await panel.getByLabel('类型').click();
    await page.locator('.ant-select-dropdown:visible').getByText('工单', { exact: true }).click();
    await panel.getByLabel('状态').first().waitFor();
    await panel.getByLabel('备注').fill('申请换货');
    await panel.getByRole('button', { name: '记录' }).click();
    const ticket = panel.locator('[data-record]', { hasText: 'admin@shop.test 记录了一张工单：申请换货' });
    await ticket.waitFor();
    // Latest first; the ticket is open and can be moved on from its line.
    const lines = await panel.locator('[data-record]').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/记录了一张工单：申请换货 待处理$/),
      expect.stringMatching(/记录了一次通话：客户反馈包装破损$/),
    ]);
    await ticket.getByLabel('状态').click();
    await page.locator('.ant-select-dropdown:visible').getByText('已解决', { exact: true }).click();
    await expect
      .poll(
        async () =>
          ((await api(`/customers/${first!.id}/notes`)) as { items: { status: string }[] }).items[0]!.status,
      )
      .toBe('resolved');
    await expect.poll(() => ticket.innerText()).toMatch(/已解决$/);
    const notes = (await api(`/customers/${first!.id}/notes`)) as {
      items: { type: string; summary: string; status: string | null; author: string }[];
    };
    expect(notes.items.map((n) => [n.type, n.summary, n.status, n.author])).toEqual([
      ['ticket', '申请换货', 'resolved', 'admin@shop.test'],
      ['call', '客户反馈包装破损', null, 'admin@shop.test'],
    ]);
    // No English word on the tab: codes appear in Chinese.
    expect(await panel.innerText()).not.toMatch(/\b(ticket|call|open|resolved)\b/);
    await screenshot(page, 'tasks-02-profile');
  });

  it('sets the customer’s owner on the profile, and the owner’s tasks then go to that member', async () => {
    const [, second] = ((await api('/customers?limit=2')) as { items: { id: number }[] }).items;
    const members = (await api('/users')) as { id: number; email: string }[];
    const guide = members.find((m) => m.email === 'operator@shop.test')!;
    await page.goto(`${app.base}/customers/${second!.id}`);
    await page.getByRole('tab', { name: '服务记录与任务' }).click();
    const panel = page.getByRole('tabpanel');
    const owner = panel.getByTestId('customer-owner');
    await expect.poll(() => owner.innerText()).toContain('未指定');
    await panel.getByRole('button', { name: '更换' }).click();
    // Under load a re-render can swallow the option's click (确定 stays disabled): choose again until taken.
    const confirm = page.getByRole('dialog').getByRole('button', { name: /确\s*定/ });
    await expect
      .poll(
        async () => {
          if (await confirm.isEnabled()) return true;
          await page.getByRole('dialog').getByLabel('专属客服/导购').click();
          await page
            .locator('.ant-select-dropdown:visible')
            .getByText(/operator@shop\.test/)
            .click({ timeout: 10_000 })
            .catch(() => undefined);
          return confirm.isEnabled();
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
    await confirm.click();
    await expect.poll(() => owner.innerText()).toContain('operator@shop.test');
    expect((await api(`/customers/${second!.id}/owner`)).owner).toMatchObject({ id: guide.id });
    // A task by the owner rule (the default) now goes to the guide.
    await post('/tasks', { customer_id: second!.id, kind: 'callback', title: '生日回访' });
    const tasks = (await api(`/customers/${second!.id}/tasks`)) as {
      items: { title: string; assignee_id: number | null }[];
    };
    expect(tasks.items.find((t) => t.title === '生日回访')?.assignee_id).toBe(guide.id);
    expect(await panel.innerText()).not.toMatch(/\b(owner|queue|null)\b/);
  });
});
