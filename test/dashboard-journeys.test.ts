import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import { adminSession, canvasHelpers, startHook, zhNumber } from './dashboard-journey-helpers.ts';

// The journeys and templates pages in real headless Chromium against the real `retain serve`:
// an admin writes a template and previews it; an operator builds a journey on the canvas, publishes
// it, edits it as a draft while customers are inside and publishes version 2; the server's field
// errors on the node. The results of a journey the worker ran: dashboard-journey-results.test.ts.
// Expected figures come from the fixture or the API, never the UI code.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let admin: Awaited<ReturnType<typeof adminSession>>;
let hook: Awaited<ReturnType<typeof startHook>>;
const adminGet = (path: string) => admin.get(path);
const adminWrite = (method: 'post' | 'put', path: string, data: unknown) => admin.write(method, path, data);
const { choose, connectHandles, edgeIds, nodeTitle } = canvasHelpers(() => page);

beforeAll(async () => {
  app = await startDashboard();
  hook = await startHook();
  admin = await adminSession(app.base);
  await adminWrite('put', '/channels', {
    channel: 'webhook',
    config: { url: hook.url },
    secrets: { secret: 'dashboard-journeys-secret' },
  });
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await admin?.api.dispose();
  hook?.server.close();
  app?.stop();
});

// No page may log an error to the console.
afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await screenshot(page, `failed-${context.task.name.slice(0, 40)}`);
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('journeys and templates in Chromium', () => {
  it('lets an admin write a template in zh-CN and en and preview it for a customer found by search', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '消息模板' }).click();
    await page.getByRole('heading', { name: '消息模板' }).waitFor();
    await page.getByLabel('模板名称').fill('到店提醒');
    await page.getByLabel('渠道', { exact: true }).click();
    await page.locator('.ant-select-item-option', { hasText: 'Webhook' }).click();
    await page.getByLabel('用途').click();
    await page.locator('.ant-select-item-option', { hasText: '通知' }).click();
    await page.getByLabel('正文（zh-CN）').fill('{{ name }}您好，欢迎再次光临');
    await page.getByLabel('正文（en）').fill('Hi {{ name }}, welcome back');
    await page.getByRole('button', { name: '保存模板' }).click();
    await page.getByRole('row', { name: /到店提醒/ }).waitFor();
    const saved = ((await adminGet('/templates')) as { name: string; channel: string; body: unknown }[]).find(
      (t) => t.name === '到店提醒',
    );
    expect(saved).toMatchObject({
      channel: 'webhook',
      body: { 'zh-CN': '{{ name }}您好，欢迎再次光临', en: 'Hi {{ name }}, welcome back' },
    });

    const who = app.fixture.customers.find((c) => c.id === 'C007')!;
    await page.getByRole('button', { name: '预览 到店提醒' }).click();
    await page.getByLabel('客户', { exact: true }).fill(who.id);
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: who.name,
      })
      .click();
    await page.getByRole('button', { name: '生成预览' }).click();
    await expect
      .poll(() => page.locator('[data-preview-body]').textContent())
      .toBe(`${who.name}您好，欢迎再次光临`);
    await page.getByLabel('预览语言').locator('.ant-segmented-item', { hasText: /^en$/ }).click();
    await page.getByRole('button', { name: '生成预览' }).click();
    await expect
      .poll(() => page.locator('[data-preview-body]').textContent())
      .toBe(`Hi ${who.name}, welcome back`);
    await screenshot(page, '11-template-preview');
    await page.getByRole('button', { name: '退出登录' }).click();
  });

  it('lets an operator build a journey on the canvas, save it as a draft, publish it after its backtest, and find it in the list', async () => {
    await signIn(page, app.base, 'operator@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '自动化旅程' }).click();
    await page.getByRole('button', { name: '新建旅程' }).first().click();
    await page.getByRole('heading', { name: '新建旅程' }).waitFor();
    // The trigger node is selected: the side panel holds the journey's name and trigger.
    await page.getByLabel('旅程名称').fill('加购提醒');
    await choose('触发类型', '事件');
    await page.getByLabel('事件类型', { exact: true }).fill('add_to_cart');
    await page.keyboard.press('Escape');
    // A new journey is one exit node. From the palette: a wait, then a send (it follows the
    // selected wait); then the trigger and the send are connected by dragging their handles.
    await page.locator('[data-palette="wait"]').click();
    await page.locator('[data-palette="send"]').click();
    await page.getByRole('button', { name: '自动排列' }).click();
    // The layout fits the view in an animation: the handles are where they land after it.
    await page.waitForTimeout(600);
    await connectHandles('@trigger:start', 'wait_1:in');
    await connectHandles('send_1:next', 'exit_1:in');
    expect(await edgeIds()).toEqual(['@trigger:start>wait_1', 'send_1:next>exit_1', 'wait_1:next>send_1']);
    await page.locator('[data-node="wait_1"]').click();
    await page.getByLabel('等待时长 (wait_1)', { exact: true }).fill('2');
    await choose('等待时长 (wait_1) · 单位', '小时');
    await page.locator('[data-node="send_1"]').click();
    await choose('渠道 1 (send_1)', 'Webhook');
    await choose('模板 1 (send_1)', '到店提醒');
    await page.getByText('进入后已再次购买的客户不发送').click();
    // Nodes are named in the operator's words, not by their ids.
    expect(await nodeTitle('wait_1')).toBe('等待 2 小时');
    expect(await nodeTitle('send_1')).toBe('发送Webhook「到店提醒」');
    expect(await nodeTitle('@trigger')).toBe('事件 加购');
    await screenshot(page, '12-journey-canvas');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('旅程「加购提醒」的草稿已保存').waitFor();
    await page.getByRole('heading', { name: '编辑旅程：加购提醒' }).waitFor();
    expect(await page.locator('[data-journey-state]').textContent()).toBe('草稿');
    const steps = {
      wait_1: { type: 'wait', duration: '2h', next: 'send_1' },
      send_1: { type: 'send', templates: ['到店提醒'], skip_if_ordered: true, next: 'exit_1' },
      exit_1: { type: 'exit' },
    };
    const drafted = await adminGet(`/journeys/${encodeURIComponent('加购提醒')}`);
    expect(drafted).toMatchObject({ version: 0, report: { status: 'draft' } });
    expect(drafted.draft).toMatchObject({ trigger: { event: 'add_to_cart' }, start: 'wait_1', steps });

    // Three customers added to cart today: the backtest shown before publishing replays them.
    const carts = app.fixture.customers.slice(0, 3);
    await adminWrite('post', '/events', {
      items: carts.map((c) => ({
        customer_id: c.id,
        type: 'add_to_cart',
        occurred_at: new Date().toISOString(),
      })),
    });
    await page.getByRole('button', { name: '发布', exact: true }).click();
    const modal = page.locator('.ant-modal', { hasText: '发布第 1 版前的回测（近 30 天）' });
    await modal.waitFor();
    expect(await modal.locator('[data-backtest=triggered]').textContent()).toBe('3');
    expect(await modal.locator('[data-backtest=entered]').textContent()).toBe('3');
    expect(await modal.locator('[data-backtest=capped]').textContent()).toBe('0');
    expect(await modal.locator('[data-backtest-step=wait_1] [data-reached]').textContent()).toBe('3');
    expect(await modal.locator('[data-backtest-step=wait_1]').textContent()).toContain('等待 2 小时');
    await screenshot(page, '12b-journey-publish-backtest');
    await modal.getByRole('button', { name: '确认发布' }).click();

    await page.getByText('旅程「加购提醒」已发布（第 1 版）').waitFor();
    const row = page.getByRole('row', { name: /加购提醒/ });
    await row.getByText('运行中').waitFor();
    await row.getByText('事件 加购').waitFor();
    const detail = await adminGet(`/journeys/${encodeURIComponent('加购提醒')}`);
    expect(detail).toMatchObject({ version: 1, draft: null });
    expect(detail.definition).toMatchObject({
      name: '加购提醒',
      trigger: { event: 'add_to_cart' },
      start: 'wait_1',
      steps,
    });
    // Nobody entered yet (the carts came before the publish): every step shows 0, by its name.
    const cartNames = { wait_1: '等待 2 小时', send_1: '发送Webhook「到店提醒」', exit_1: '结束' };
    for (const [step, title] of Object.entries(cartNames))
      await expect.poll(() => row.locator(`[data-step="${step}"]`).textContent()).toBe(`${title}：0`);
    await screenshot(page, '13-journeys-list');

    // Pause and resume, as the operator's role may.
    await row.getByRole('button', { name: '暂停' }).click();
    await row.getByText('已暂停').waitFor();
    expect(((await adminGet('/journeys')) as { name: string; status: string }[])[0]?.status).toBe('paused');
    await row.getByRole('button', { name: '恢复' }).click();
    await row.getByText('运行中').waitFor();

    // Four customers add to cart now: the server's worker enters them, and they wait at the 2 hours.
    const inside = app.fixture.customers.slice(3, 7);
    await adminWrite('post', '/events', {
      items: inside.map((c) => ({
        customer_id: c.id,
        type: 'add_to_cart',
        occurred_at: new Date().toISOString(),
      })),
    });
    const cartPath = `/journeys/${encodeURIComponent('加购提醒')}`;
    const inProgress = async () => {
      const { entries } = (await adminGet(cartPath)).report;
      return entries.active + entries.waiting;
    };
    await expect.poll(inProgress, { timeout: 60_000, interval: 1000 }).toBe(inside.length);

    // Edited while they are inside: a step dragged from the palette onto the canvas, put between
    // the wait and the send; saved as a draft, then published as version 2.
    await row.getByRole('button', { name: '编辑' }).click();
    await page.getByRole('heading', { name: '编辑旅程：加购提醒' }).waitFor();
    await page.locator('[data-node="wait_1"]').waitFor();
    await page.locator('[data-palette="tag"]').dragTo(page.locator('[data-canvas]'), {
      targetPosition: { x: 60, y: 60 },
    });
    await page.locator('[data-node="tag_1"]').waitFor();
    await page.getByRole('button', { name: '自动排列' }).click();
    await page.waitForTimeout(600);
    await connectHandles('wait_1:next', 'tag_1:in');
    await connectHandles('tag_1:next', 'send_1:in');
    expect(await edgeIds()).toEqual([
      '@trigger:start>wait_1',
      'send_1:next>exit_1',
      'tag_1:next>send_1',
      'wait_1:next>tag_1',
    ]);
    await page.locator('[data-node="tag_1"]').click();
    await page.getByLabel('添加标签 (tag_1)', { exact: true }).fill('加购未买');
    await page.getByLabel('添加标签 (tag_1)', { exact: true }).press('Enter');
    expect(await nodeTitle('tag_1')).toBe('打标签「加购未买」');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('旅程「加购提醒」的草稿已保存').waitFor();
    expect(await page.locator('[data-running-version]').textContent()).toBe('运行中：第 1 版');
    await page.getByRole('button', { name: '发布', exact: true }).click();
    const second = page.locator('.ant-modal', { hasText: '发布第 2 版前的回测（近 30 天）' });
    await second.waitFor();
    expect(await second.locator('[data-backtest-step=tag_1]').textContent()).toContain('打标签「加购未买」');
    await second.getByRole('button', { name: '确认发布' }).click();
    await page.getByText('旅程「加购提醒」已发布（第 2 版）').waitFor();
    const published = await adminGet(cartPath);
    expect(published).toMatchObject({ version: 2, draft: null });
    expect(published.definition.steps).toEqual({
      ...steps,
      wait_1: { ...steps.wait_1, next: 'tag_1' },
      tag_1: { type: 'tag', add: ['加购未买'], remove: [], next: 'send_1' },
    });
    // Those inside keep going on version 1, as the results page shows; nobody is on version 2 yet.
    await row.getByRole('button', { name: '查看效果' }).click();
    await page.getByRole('heading', { name: '加购提醒' }).waitFor();
    const version = (n: number) => page.locator(`tr[data-version="${n}"]`);
    await expect
      .poll(() => version(1).locator('[data-in-progress]').textContent())
      .toBe(zhNumber(inside.length));
    expect(await version(2).locator('[data-in-progress]').textContent()).toBe('0');
    expect(await version(2).locator('td').first().textContent()).toBe('第 2 版当前');
    expect(await version(1).locator('td').first().textContent()).toBe('第 1 版');
    expect(await adminGet(`${cartPath}/versions`)).toEqual([
      expect.objectContaining({ version: 2, current: true, in_progress: 0 }),
      expect.objectContaining({ version: 1, current: false, in_progress: inside.length }),
    ]);
    await screenshot(page, '13b-journey-versions');
    await page.goto(`${app.base}/journeys`);
    await page.getByRole('heading', { name: '自动化旅程' }).waitFor();
  });

  it('shows the server’s error on the node and beside the field that is missing, and saves nothing', async () => {
    await page.getByRole('button', { name: '新建旅程' }).first().click();
    await page.getByLabel('旅程名称').fill('缺少时长');
    await page.locator('[data-palette="wait"]').click();
    await connectHandles('@trigger:start', 'wait_1:in');
    await connectHandles('wait_1:next', 'exit_1:in');
    expect(await edgeIds()).toEqual(['@trigger:start>wait_1', 'wait_1:next>exit_1']);
    await page.getByLabel('等待时长 (wait_1)', { exact: true }).fill('');
    await page.getByRole('button', { name: '保存草稿' }).click();

    // On the node, beside the field in the side panel, and in the list above the canvas.
    const onNode = page.locator('[data-node="wait_1"] [data-error-path="steps.wait_1.duration"]');
    await onNode.waitFor();
    expect(await onNode.textContent()).toBe('等待 · 等待时长: 必填');
    expect(await page.locator('[data-node="wait_1"]').getAttribute('data-faulty')).toBe('true');
    const atField = page.locator('[data-panel-step="wait_1"] [data-error-path="steps.wait_1.duration"]');
    expect(await atField.textContent()).toBe('必填');
    const listed = page.getByRole('alert').locator('li[data-error-path="steps.wait_1.duration"]');
    expect(await listed.textContent()).toMatch(/^等待 · 等待时长: 必填 \(.+\)$/);
    expect(await page.locator('[data-error-path]').count()).toBe(3);
    expect(((await adminGet('/journeys')) as { name: string }[]).map((j) => j.name)).toEqual(['加购提醒']);
    await screenshot(page, '14-journey-error');

    // Fixed, it saves (as a draft: it runs nothing until published).
    await page.getByLabel('等待时长 (wait_1)', { exact: true }).fill('30');
    await choose('等待时长 (wait_1) · 单位', '分钟');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('旅程「缺少时长」的草稿已保存').waitFor();
    expect(await page.locator('[data-error-path]').count()).toBe(0);
    const saved = (await adminGet('/journeys')) as { name: string; status: string }[];
    expect(saved.find((j) => j.name === '缺少时长')?.status).toBe('draft');
    // The refused save was a 400 the browser reports; that one and no other error is expected.
    const refused = errors.filter((e) => /status of 400/.test(e));
    expect(refused).toHaveLength(1);
    errors.splice(0, errors.length, ...errors.filter((e) => !refused.includes(e)));
    // Discarded, the journey that was only a draft is gone.
    await page.getByRole('button', { name: '放弃草稿' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '放弃草稿' }).click();
    await page.getByRole('heading', { name: '自动化旅程' }).waitFor();
    expect(((await adminGet('/journeys')) as { name: string }[]).map((j) => j.name)).toEqual(['加购提醒']);
  });
});
