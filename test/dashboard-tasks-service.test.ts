import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { createTasks } from '../src/tasks/index.ts';
import { saveSettings } from '../src/workspaces/workspace-service.ts';
import {
  openBrowser,
  PASSWORD,
  screenshot,
  signIn,
  startDashboard,
  watchedPage,
} from './dashboard-harness.ts';
import { customerIds } from './fixtures.ts';

// A service agent (role `service`, not admin) works the tasks page and the profile's service tab in
// real Chromium: overdue first, filters, the team board, paging, the report, an outcome, a note,
// the task's history as sentences, the workspace's own kind in the create dialog; then in English.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let ids: Record<string, number> = {};
/** Open tasks in the queue: more than one page (50) of the list. */
const QUEUED = 55;
const HOUR = 3_600_000;
/** Polls wait as long as Playwright's own waits: a loaded machine renders slowly (vitest's default is 1 s). */
const WAIT = { timeout: 30_000 };

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();
const rows = (scope: Locator | Page) => scope.locator('.ant-table-tbody tr.ant-table-row');
const texts = async (scope: Locator | Page) =>
  (await rows(scope).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

/**
 * Opens an antd select by its aria label, reads the options it offers, and picks one by its whole
 * text; returns the options seen.
 */
async function pick(scope: Locator | Page, label: string, option: string) {
  // A closing dropdown stays visible while it fades: wait it out, or its options are read instead.
  const open = page.locator('.ant-select-dropdown:visible');
  await expect.poll(() => open.count(), WAIT).toBe(0);
  await scope.getByLabel(label, { exact: true }).click();
  const list = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await list.first().waitFor();
  // The options' text can come a moment after the list itself on a loaded machine.
  await expect.poll(async () => (await list.allInnerTexts()).filter(Boolean).length, WAIT).toBeGreaterThan(0);
  const offered = await list.allInnerTexts();
  await list.getByText(option, { exact: true }).click();
  // Under load a re-render can swallow the option's click and leave the list open: click it again.
  await expect
    .poll(
      async () => {
        if ((await open.count()) === 0) return 0;
        await list
          .getByText(option, { exact: true })
          .click({ timeout: 5_000 })
          .catch(() => undefined);
        return open.count();
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toBe(0);
  return offered;
}

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      const actor = cliActor();
      const user = async (email: string) =>
        (await createUser(store.db, workspace.id, actor, { email, password: PASSWORD, role: 'service' })).user
          .id;
      const agent = await user('service@shop.test');
      const other = await user('agent2@shop.test');
      // The workspace's own kind (with its words) and outcome (without: shown as its code), as Settings saves them.
      await saveSettings(store.db, workspace.id, {
        ...workspace.settings,
        tasks: {
          kinds: ['birthday_call'],
          outcomes: ['sent_sample'],
          labels: { birthday_call: '生日关怀电话' },
        },
      });
      ids = await customerIds(store.db, workspace.id);
      const now = Date.now();
      const make = (
        customer: string,
        kind: string,
        title: string,
        dueHours: number,
        priority = 'normal',
      ) => ({
        customerId: ids[customer]!,
        kind,
        title,
        dueAt: new Date(now + dueHours * HOUR),
        priority: priority as 'normal',
      });
      const give = (tasks: ReturnType<typeof make>[], to: number | null) =>
        createTasks(
          store.db,
          workspace,
          actor,
          'manual',
          tasks,
          to === null ? { rule: 'queue' } : { rule: 'user', user_id: to },
        );
      // Made in an order other than their due order: the list sorts them, the overdue one first.
      await give(
        [
          make('C002', 'vip_care', '生日关怀', 48),
          make('C001', 'callback', '首单回访', -3, 'high'),
          make('C003', 'winback_call', '流失挽回', 24),
        ],
        agent,
      );
      await give(
        [make('C004', 'complaint', '投诉跟进', -5), make('C005', 'callback', '复购回访', 12)],
        other,
      );
      await give(
        Array.from({ length: QUEUED }, (_, i) => make('C006', 'store_invite', `到店邀约${i + 1}`, 72 + i)),
        null,
      );
    },
  });
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('a service agent’s tasks in Chromium', () => {
  it('sees the overdue task first, filters by kind, records an outcome, and reads the team board, pages and report', async () => {
    await signIn(page, app.base, 'service@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '任务' }).click();
    const main = page.getByRole('tabpanel', { name: '任务列表' });
    await expect.poll(() => rows(main).count(), WAIT).toBe(3);
    const mine = await texts(main);
    expect(mine[0]).toMatch(/逾期 .*首单回访 .*高 待处理 service@shop\.test/);
    expect(mine.slice(1).map((t) => /流失挽回|生日关怀/.exec(t)?.[0])).toEqual(['流失挽回', '生日关怀']);
    expect(mine.slice(1).join(' ')).not.toContain('逾期');
    await screenshot(page, 'tasks-service-01-mine');

    // The kind filter offers the built-in kinds in words and the workspace's own code.
    expect(await pick(main, '类型', '专属关怀')).toEqual([
      '回访',
      '专属关怀',
      '挽回',
      '投诉处理',
      '到店邀约',
      '生日关怀电话',
    ]);
    await expect.poll(() => texts(main), WAIT).toEqual([expect.stringContaining('生日关怀')]);
    await pick(main, '类型', '回访');
    await expect.poll(() => texts(main), WAIT).toEqual([expect.stringContaining('首单回访')]);

    // Done with an outcome other than the default, chosen from a list with the workspace's own one.
    await rows(main).first().getByRole('button', { name: '完成' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('完成任务：首单回访').waitFor();
    expect(await pick(dialog, '结果', '未联系上')).toEqual([
      '已联系上',
      '未联系上',
      '号码错误',
      '有购买意向',
      '无意向',
      '投诉已解决',
      'sent_sample',
    ]);
    await dialog.getByLabel('备注').fill('无人接听，明天再打');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByText('任务已完成').waitFor();
    await main.getByText('没有任务').waitFor();
    const [done] = ((await api(`/customers/${ids.C001}/tasks`)) as { items: Record<string, unknown>[] })
      .items;
    expect(done).toMatchObject({ status: 'done', outcome: 'not_reached', notes: '无人接听，明天再打' });

    // The team board: most overdue first, then most open; the queue by name.
    await page.getByRole('tab', { name: '团队看板' }).click();
    const board = page.getByRole('tabpanel', { name: '团队看板' });
    await expect
      .poll(() => texts(board), WAIT)
      .toEqual([
        'agent2@shop.test 2 1 查看任务',
        `待分配 ${QUEUED} 0 查看任务`,
        'service@shop.test 2 0 查看任务',
      ]);
    await screenshot(page, 'tasks-service-02-team');

    // The queue's tasks a page of 50 at a time, by the API's cursor, in due order.
    await rows(board).nth(1).getByRole('button', { name: '查看任务' }).click();
    await expect.poll(() => rows(main).count(), WAIT).toBe(50);
    expect((await texts(main))[0]).toContain('到店邀约1 ');
    await main.getByRole('button', { name: '下一页' }).click();
    await expect.poll(() => rows(main).count(), WAIT).toBe(QUEUED - 50);
    expect(await texts(main)).toEqual(
      Array.from({ length: QUEUED - 50 }, (_, i) => expect.stringContaining(`到店邀约${51 + i} `)),
    );
    await main.getByText('第 2 页').waitFor();
    expect(await main.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
    await main.getByRole('button', { name: '上一页' }).click();
    await expect.poll(() => rows(main).count(), WAIT).toBe(50);

    // The report: per kind, call-backs 2 made and 1 done; per assignee, this agent 3 and 1.
    await page.getByRole('tab', { name: '完成情况' }).click();
    const report = page.getByRole('tabpanel', { name: '完成情况' });
    const byKind = report.getByRole('table', { name: '按任务类型' });
    await byKind.getByText('回访', { exact: true }).waitFor();
    expect(await texts(byKind)).toContainEqual(expect.stringMatching(/^回访 2 1 50% /));
    expect(await texts(byKind)).toContainEqual(`到店邀约 ${QUEUED} 0 0% —`);
    const byAssignee = await texts(report.getByRole('table', { name: '按负责人' }));
    expect(byAssignee).toContainEqual(expect.stringMatching(/^service@shop\.test 3 1 33\.3% /));
    expect(byAssignee).toContainEqual(`待分配 ${QUEUED} 0 0% —`);
    // The calls' lift: the one call done did not reach its customer, who has not ordered since.
    const lift = report.locator('[data-call-lift]');
    await lift.getByText('回访效果：通话后 7 天内下单').waitFor();
    expect(await lift.locator('[data-lift="held_out"]').innerText()).toBe('1 通中 0 通之后客户下单（0%）');
    expect(await lift.locator('[data-lift="treated"]').innerText()).toBe('0 通中 0 通之后客户下单（—）');
    await screenshot(page, 'tasks-service-03-report');
  });

  it('writes a note, reads the task’s history as sentences on the profile, and creates a task of the workspace’s own kind', async () => {
    await page.goto(`${app.base}/customers/${ids.C001}`);
    await page.getByRole('tab', { name: '服务记录与任务' }).click();
    const panel = page.getByRole('tabpanel');
    const task = panel.locator('tr.ant-table-row', { hasText: '首单回访' });
    await task.locator('.ant-table-row-expand-icon').click();
    const history = panel.locator('[data-task-history]');
    await history.getByText('任务经过').waitFor();
    const lines = (await history.locator('[data-history-line]').allInnerTexts()).map((l) => l.trim());
    expect(lines).toEqual([
      expect.stringMatching(/ 命令行用户 \S+ 创建了任务，交给 service@shop\.test$/),
      expect.stringMatching(/ service@shop\.test 完成了任务，结果：未联系上$/),
    ]);
    expect(await history.innerText()).toContain('备注：无人接听，明天再打');
    expect(await history.innerText()).not.toMatch(/not_reached|done|open|cli:|null/);

    await pick(panel, '类型', '备注');
    await panel.getByLabel('备注', { exact: true }).fill('客户要求下午联系');
    await panel.getByRole('button', { name: '记录' }).click();
    await panel.getByText('service@shop.test 记录了一条备注：客户要求下午联系').waitFor();
    await screenshot(page, 'tasks-service-04-history');

    // An admin adds a kind with its words under Settings (任务提醒); the agent's dialog offers both own kinds.
    const admin = await openBrowser('zh-CN');
    try {
      const watched = await watchedPage(admin);
      await signIn(watched.page, app.base, 'admin@shop.test');
      await watched.page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
      await watched.page.goto(`${app.base}/settings?section=tasks`);
      await expect
        .poll(() => watched.page.getByLabel('birthday_call 的名称').inputValue(), WAIT)
        .toBe('生日关怀电话');
      await watched.page.getByLabel('任务类型代码', { exact: true }).fill('gift_call');
      await watched.page.keyboard.press('Enter');
      await watched.page.getByLabel('gift_call 的名称').fill('赠品回访');
      await watched.page.getByRole('button', { name: '保存' }).click();
      await watched.page.getByText('设置已保存').waitFor();
      const saved = await (await admin.request.get(`${app.base}/api/v1/workspace/settings`)).json();
      expect(saved.tasks).toMatchObject({
        kinds: ['birthday_call', 'gift_call'],
        labels: { birthday_call: '生日关怀电话', gift_call: '赠品回访' },
      });
      expect(watched.errors).toEqual([]);
    } finally {
      await admin.close();
    }
    await page.reload();
    await page.getByRole('tab', { name: '服务记录与任务' }).click();
    await panel.getByRole('button', { name: '新建任务' }).click();
    const dialog = page.getByRole('dialog');
    expect(await pick(dialog, '类型', '生日关怀电话')).toEqual([
      '回访',
      '专属关怀',
      '挽回',
      '投诉处理',
      '到店邀约',
      '生日关怀电话',
      '赠品回访',
    ]);
    await dialog.getByLabel('任务', { exact: true }).fill('生日电话');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByText('任务已创建').waitFor();
    const row = panel.locator('tr.ant-table-row', { hasText: '生日电话' });
    await row.waitFor();
    expect(await row.innerText()).toContain('生日关怀电话');
    const made = ((await api(`/customers/${ids.C001}/tasks`)) as { items: { title: string; kind: string }[] })
      .items;
    expect(made.find((t) => t.title === '生日电话')?.kind).toBe('birthday_call');
  });

  it('shows the same pages in English, with no Chinese from the dashboard’s own words', async () => {
    // Data stays as written (names, titles, notes); everything else must be English.
    const data =
      /顾客\d{3}|首单回访|生日关怀电话|生日关怀|流失挽回|投诉跟进|复购回访|生日电话|到店邀约\d+|无人接听，明天再打|客户要求下午联系/g;
    const chinese = async (scope: Locator) =>
      (await scope.innerText()).replace(data, '').match(/[\u3000-\u9fff\uff00-\uffef]+/g);
    await page.evaluate(() => window.localStorage.setItem('retain.lang', 'en'));
    await page.goto(`${app.base}/tasks`);
    // The layout's content area is a <main> holding the page's own <main>.
    const main = page.locator('main main');
    const list = page.getByRole('tabpanel', { name: 'Task list' });
    await expect.poll(() => rows(list).count(), WAIT).toBe(2);
    await list.getByText('Team tasks', { exact: true }).click();
    await list.getByText('Overdue only', { exact: true }).click();
    await expect
      .poll(() => texts(list), WAIT)
      .toEqual([expect.stringMatching(/Overdue .*Complaint 投诉跟进 Normal Open agent2@shop\.test/)]);
    const headers = await list.locator('.ant-table-thead th').allInnerTexts();
    expect(headers.filter(Boolean)).toEqual([
      'Due',
      'Customer',
      'Kind',
      'Task',
      'Priority',
      'Status',
      'Assignee',
    ]);
    expect(await chinese(main)).toBeNull();
    // The queue holds one more: the birthday call made above by the owner rule, with no owner set.
    await page.getByRole('tab', { name: 'Team board' }).click();
    await expect
      .poll(() => texts(page.getByRole('tabpanel', { name: 'Team board' })), WAIT)
      .toContain(`Queue ${QUEUED + 1} 0 Show tasks`);
    expect(await chinese(main)).toBeNull();
    await page.getByRole('tab', { name: 'Completion' }).click();
    await page.getByRole('table', { name: 'By kind' }).getByText('Call-back', { exact: true }).waitFor();
    expect(await chinese(main)).toBeNull();
    await screenshot(page, 'tasks-service-05-english');

    await page.goto(`${app.base}/customers/${ids.C001}`);
    await page.getByRole('tab', { name: 'Service', exact: true }).click();
    const panel = page.getByRole('tabpanel');
    await panel
      .locator('tr.ant-table-row', { hasText: '首单回访' })
      .locator('.ant-table-row-expand-icon')
      .click();
    const history = panel.locator('[data-task-history]');
    await history.getByText('History', { exact: true }).waitFor();
    expect((await history.locator('[data-history-line]').allInnerTexts()).map((l) => l.trim())).toEqual([
      expect.stringMatching(/ Command line user \S+ created the task for service@shop\.test$/),
      expect.stringMatching(/ service@shop\.test completed the task: Not reached$/),
    ]);
    await panel.getByText('service@shop.test wrote a note: 客户要求下午联系').waitFor();
    expect(await chinese(panel)).toBeNull();
  });
});
