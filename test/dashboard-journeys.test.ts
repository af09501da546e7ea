import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIRequestContext, type BrowserContext, type Page, request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../src/access/pii-mask.ts';
import {
  openBrowser,
  PASSWORD,
  screenshot,
  signIn,
  startDashboard,
  watchedPage,
} from './dashboard-harness.ts';

// The journeys and templates pages in real headless Chromium against the real `retain serve`:
// an operator builds and saves a journey, sees the server's field errors, reads the results of a
// journey the server's worker ran; an admin writes a template and previews it for a customer.
// Expected figures come from the fixture, the webhook receiver here or the API, never the UI code.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let admin: APIRequestContext;
let adminCsrf: string;
let hook: Server;
let hookUrl: string;
const received: unknown[] = [];

/** A step of a journey's report (`GET /journeys/{journey}`). */
interface Step {
  step: string;
  reached: number;
  now_at: number;
  outcomes: Record<string, number>;
}

const zhNumber = (n: number) => n.toLocaleString('zh-CN');
const zhPercent = (f: number | null) =>
  f === null ? '—' : new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(f);

/** A write of the admin's (its own session, apart from the browser's). */
async function adminWrite(method: 'post' | 'put', path: string, data: unknown) {
  const reply = await admin[method](`/api/v1${path}`, { data, headers: { 'x-csrf-token': adminCsrf } });
  expect(reply.status(), `${method} ${path}: ${await reply.text()}`).toBeLessThan(300);
  return reply.status() === 204 ? null : reply.json();
}
const adminGet = async (path: string) => (await admin.get(`/api/v1${path}`)).json();

/** Opens an Ant Design select by its label and picks the option shown as `option` (checked, retried). */
async function choose(label: string, option: string) {
  const select = page.getByLabel(label, { exact: true });
  const shown = () => select.evaluate((input) => input.closest('.ant-select')?.textContent ?? '');
  for (let attempt = 0; attempt < 3 && (await shown()) !== option; attempt++) {
    await select.click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .and(page.getByTitle(option, { exact: true }))
      .click({ timeout: 3000 })
      .catch(() => page.keyboard.press('Escape'));
    await expect
      .poll(shown, { timeout: 2000 })
      .toBe(option)
      .catch(() => undefined);
  }
  expect(await shown(), label).toBe(option);
}

/** Connects two handles (`node:handle`) of the canvas by dragging one onto the other. */
async function connectHandles(from: string, to: string) {
  const handle = (spec: string) => {
    const [node, id] = spec.split(':');
    return page.locator(`.react-flow__handle[data-nodeid="${node}"][data-handleid="${id}"]`);
  };
  const a = (await handle(from).boundingBox())!;
  const b = (await handle(to).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}
/** The canvas's edges (`source:handle`), sorted. */
const edgeIds = async () =>
  (
    await page.locator('.react-flow__edge').evaluateAll((es) => es.map((e) => e.getAttribute('data-id')))
  ).sort();
/** A node's title as the canvas shows it. */
const nodeTitle = (id: string) => page.locator(`[data-node="${id}"] [data-node-title]`).textContent();

beforeAll(async () => {
  app = await startDashboard();
  // A receiver for the webhook channel: every message the worker delivers arrives here.
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  admin = await request.newContext({ baseURL: app.base });
  const login = await admin.post('/api/v1/auth/login', {
    data: { email: 'admin@shop.test', password: PASSWORD },
  });
  adminCsrf = (await login.json()).csrf_token;
  await adminWrite('put', '/channels', {
    channel: 'webhook',
    config: { url: hookUrl },
    secrets: { secret: 'dashboard-journeys-secret' },
  });
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await admin?.dispose();
  hook?.close();
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
    expect(await nodeTitle('@trigger')).toBe('事件 add_to_cart');
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
    await row.getByText('事件 add_to_cart').waitFor();
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
      tag_1: { type: 'tag', add: ['加购未买'], next: 'send_1' },
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

  it('shows the results of a journey the worker ran: step counts, funnel, holdout lift and A/B arms as the API reports them', async () => {
    const name = '到店回访';
    const definition = {
      name,
      trigger: { event: 'store_visit' },
      start: 'hold',
      steps: {
        hold: { type: 'holdout', percent: 30, next: 'tag_all' },
        tag_all: { type: 'tag', add: ['到店'], next: 'ab' },
        ab: {
          type: 'split',
          arms: [
            { name: 'A', weight: 50, next: 'send_a' },
            { name: 'B', weight: 50, next: 'wait_b' },
          ],
        },
        send_a: { type: 'send', templates: ['到店提醒'], next: 'done' },
        wait_b: { type: 'wait', duration: '7d', next: 'send_b' },
        send_b: { type: 'send', templates: ['到店提醒'], next: 'done' },
        done: { type: 'exit' },
      },
    };
    await adminWrite('put', '/journeys', definition);
    const customers = app.fixture.customers;
    const now = new Date().toISOString();
    await adminWrite('post', '/events', {
      items: customers.map((c) => ({ customer_id: c.id, type: 'store_visit', occurred_at: now })),
    });
    // The server's worker (every 5 s) enters everyone, moves them on and delivers arm A's messages.
    const path = `/journeys/${encodeURIComponent(name)}`;
    const steps = async () =>
      new Map(((await adminGet(path)).report.steps as Step[]).map((s) => [s.step, s] as const));
    await expect
      .poll(
        async () => {
          const s = await steps();
          return s.get('hold')!.reached === customers.length && s.get('send_a')!.reached === received.length;
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(true);
    // Who was treated (tagged) and who got a message (the receiver's bodies name them), from outside.
    const tagged = (
      (await adminGet('/customers?tag=到店&limit=100')) as { items: { external_id: string }[] }
    ).items.map((c) => c.external_id);
    const messaged = received.map(
      (m) => customers.find((c) => (m as { body: string }).body.startsWith(c.name))!.id,
    );
    // Half the customers order after the touch; each conversion is one of them.
    const buyers = customers.slice(0, 15).map((c) => c.id);
    const later = new Date(Date.now() + 60_000).toISOString();
    await adminWrite('post', '/orders', {
      items: buyers.map((id) => ({ customer_id: id, order_id: `J-${id}`, ordered_at: later, amount: 8800 })),
    });
    const { report } = await adminGet(path);
    const byStep = new Map((report.steps as Step[]).map((s) => [s.step, s] as const));
    expect(byStep.get('hold')!.outcomes).toEqual({
      treated: tagged.length,
      ...(customers.length > tagged.length ? { held_out: customers.length - tagged.length } : {}),
    });
    expect(report.entries.total).toBe(customers.length);
    expect(report.funnel.delivered).toBe(received.length);
    expect(report.funnel.converted).toBe(messaged.filter((id) => buyers.includes(id)).length);
    expect(report.holdout.treated.converted).toBe(tagged.filter((id) => buyers.includes(id)).length);
    expect(report.holdout.held_out.customers).toBe(customers.length - tagged.length);

    await page.goto(`${app.base}/journeys`);
    const row = page.getByRole('row', { name: new RegExp(name) });
    // In the builder's order: start first, along the graph, exits last.
    await expect
      .poll(() =>
        row.locator('[data-step]').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-step'))),
      )
      .toEqual(Object.keys(definition.steps));
    // Each step by its name in words; the two alike sends told apart by their place.
    const names: Record<string, string> = {
      hold: '对照组 30%',
      tag_all: '打标签「到店」',
      ab: 'A/B 分流（A 50 / B 50）',
      send_a: '发送Webhook「到店提醒」 · 第 4 步',
      wait_b: '等待 7 天',
      send_b: '发送Webhook「到店提醒」 · 第 6 步',
      done: '结束',
    };
    for (const s of byStep.values())
      await expect
        .poll(() => row.locator(`[data-step="${s.step}"]`).textContent())
        .toBe(`${names[s.step]}：${zhNumber(s.reached)}`);
    await row.getByRole('button', { name: '查看效果' }).click();
    await page.getByRole('heading', { name }).waitFor();
    for (const s of byStep.values()) {
      const tr = page.locator(`tr[data-step="${s.step}"]`);
      expect(await tr.locator('td').first().textContent(), s.step).toBe(names[s.step]);
      expect(await tr.locator('[data-count=reached]').textContent(), s.step).toBe(zhNumber(s.reached));
      expect(await tr.locator('[data-count=now_at]').textContent(), s.step).toBe(zhNumber(s.now_at));
    }
    expect(await page.locator('[data-entries=total] .ant-statistic-content').textContent()).toBe(
      zhNumber(30),
    );
    for (const stage of ['touched', 'delivered', 'opened', 'clicked', 'added_to_cart', 'converted'])
      expect(await page.locator(`[data-funnel=${stage}] .ant-statistic-content`).textContent(), stage).toBe(
        zhNumber(report.funnel[stage]),
      );
    expect(await page.locator('[data-funnel=revenue] .ant-statistic-content').textContent()).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(
        report.funnel.revenue / 100,
      ),
    );
    for (const f of report.funnel_by_step as { step: string }[])
      expect(await page.locator(`tr[data-funnel-step="${f.step}"] td`).first().textContent()).toBe(
        names[f.step],
      );
    await page.locator('.ant-card-head', { hasText: `对照组提升 · ${names.hold}` }).waitFor();
    const h = report.holdout;
    const group = (g: { customers: number; converted: number; conversion_rate: number | null }) =>
      `${zhNumber(g.customers)} 人中 ${zhNumber(g.converted)} 人转化（${zhPercent(g.conversion_rate)}）`;
    expect(await page.locator('[data-lift=treated]').textContent()).toBe(group(h.treated));
    expect(await page.locator('[data-lift=held_out]').textContent()).toBe(group(h.held_out));
    const signed = (x: number) => `${x > 0 ? '+' : ''}${zhPercent(x)}`;
    if (h.ci95) {
      expect(await page.locator('[data-lift=difference]').textContent()).toBe(signed(h.difference));
      expect(await page.locator('[data-lift=ci95]').textContent()).toBe(
        `[${signed(h.ci95[0])}, ${signed(h.ci95[1])}]`,
      );
    }
    const split = report.splits[0];
    for (const arm of split.arms) {
      const armRow = page
        .locator('.ant-card', { hasText: `A/B 测试 · ${names.ab}` })
        .getByRole('row', { name: new RegExp(`^${arm.group}`) });
      expect(await armRow.locator('td').nth(1).textContent()).toBe(zhNumber(arm.customers));
      expect(await armRow.locator('td').nth(2).textContent()).toBe(zhNumber(arm.converted));
    }
    expect(
      split.arms.map((a: { customers: number }) => a.customers).reduce((x: number, y: number) => x + y),
    ).toBe(tagged.length);
    await page.getByRole('img', { name: '各步骤到达人数与当前停留人数柱状图' }).locator('canvas').waitFor();
    await screenshot(page, '15-journey-results');

    // Opened on the canvas, the journey is loaded as it is: a node for the trigger and each step.
    const before = (await adminGet(path)).definition;
    await page.getByRole('button', { name: '编辑' }).click();
    await page.getByRole('heading', { name: `编辑旅程：${name}` }).waitFor();
    await page.locator('[data-node="hold"]').waitFor();
    expect(
      (
        await page.locator('[data-node]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-node')))
      ).sort(),
    ).toEqual(['@trigger', ...Object.keys(definition.steps)].sort());
    expect(await edgeIds()).toEqual(
      [
        '@trigger:start>hold',
        'hold:next>tag_all',
        'tag_all:next>ab',
        'ab:arm:0>send_a',
        'ab:arm:1>wait_b',
        'send_a:next>done',
        'wait_b:next>send_b',
        'send_b:next>done',
      ].sort(),
    );
    expect(await nodeTitle('hold')).toBe('对照组 30%');
    expect(await nodeTitle('wait_b')).toBe('等待 7 天');
    expect(await page.locator('[data-journey-state]').textContent()).toBe('已发布');
    await page.locator('[data-node="hold"]').click();
    expect(await page.getByLabel('对照组比例 (hold)').inputValue()).toBe('30');

    // Edited as a draft while arm B's customers wait inside: the running version is unchanged.
    const running = report.entries.active + report.entries.waiting;
    expect(running).toBeGreaterThan(0);
    await page.getByLabel('对照组比例 (hold)').fill('20');
    expect(await nodeTitle('hold')).toBe('对照组 20%');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText(`旅程「${name}」的草稿已保存`).waitFor();
    expect(await page.locator('[data-journey-state]').textContent()).toBe('草稿');
    expect(await page.locator('[data-running-version]').textContent()).toBe('运行中：第 1 版');
    const edited = await adminGet(path);
    expect(edited.version).toBe(1);
    expect(edited.definition).toEqual(before);
    expect(edited.draft).toEqual({
      ...before,
      steps: { ...before.steps, hold: { ...before.steps.hold, percent: 20 } },
    });
    expect(edited.report.entries.active + edited.report.entries.waiting).toBe(running);
    expect(await adminGet(`${path}/versions`)).toEqual([
      expect.objectContaining({ version: 1, current: true, in_progress: running }),
    ]);
    await screenshot(page, '15c-journey-draft');

    // A test run of the draft for a customer of arm A (treated at 30%, so at 20% too): the path
    // and arm A's message as the receiver got it — nothing more is sent.
    const armA = customers.find((c) => c.id === messaged[0])!;
    const sentBefore = received.length;
    await page.getByRole('button', { name: '测试运行' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByLabel('客户', { exact: true }).fill(armA.id);
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: armA.id,
      })
      .waitFor();
    // Chosen with the keyboard: the list re-renders as the search settles, which can swallow a click.
    await drawer.getByLabel('客户', { exact: true }).press('Enter');
    await expect.poll(() => drawer.getByRole('button', { name: '运行' }).isEnabled()).toBe(true);
    await drawer.getByLabel('测试的版本').locator('.ant-segmented-item', { hasText: '草稿' }).click();
    await drawer.getByRole('button', { name: '运行' }).click();
    await drawer.locator('[data-test-run-step="done"]').waitFor();
    expect(
      await drawer
        .locator('[data-test-run-step]')
        .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-test-run-step'))),
    ).toEqual(['hold', 'tag_all', 'ab', 'send_a', 'done']);
    expect(await drawer.locator('[data-test-run-step="ab"] [data-outcome]').textContent()).toBe(
      '分到「A」组',
    );
    expect(await drawer.locator('[data-test-run-step="send_a"] [data-outcome]').textContent()).toBe('将发送');
    // The operator sees names masked, as in every preview; otherwise the text the receiver got.
    expect(await drawer.locator('[data-test-run-step="send_a"] [data-test-run-body]').textContent()).toBe(
      (received[0] as { body: string }).body.replace(armA.name, maskName(armA.name)),
    );
    await screenshot(page, '15d-journey-test-run');
    expect(received.length).toBe(sentBefore);
    expect((await adminGet(path)).report.funnel.touched).toBe(report.funnel.touched);
    await drawer.locator('.ant-drawer-close').click();

    // Discarded, the canvas shows the published version again.
    await page.getByRole('button', { name: '放弃草稿' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '放弃草稿' }).click();
    await page.getByText(`已放弃旅程「${name}」的草稿`).waitFor();
    await expect.poll(() => nodeTitle('hold')).toBe('对照组 30%');
    expect(await page.locator('[data-journey-state]').textContent()).toBe('已发布');
    expect((await adminGet(path)).draft).toBeNull();
    // The analytics page's funnel for this month: every customer a message reached, and those of
    // them who then bought — counted from the receiver and the orders posted here.
    const [y, m] = app.today.split('-').map(Number) as [number, number];
    const monthStart = new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    await page.goto(`${app.base}/analytics?from=${monthStart}&to=${nextMonth}`);
    const figure = (stage: string) => page.locator(`[data-funnel=${stage}] .ant-statistic-content`);
    await expect.poll(() => figure('touched').textContent()).toBe(zhNumber(new Set(messaged).size));
    expect(await figure('delivered').textContent()).toBe(zhNumber(new Set(messaged).size));
    expect(await figure('converted').textContent()).toBe(
      zhNumber(new Set(messaged.filter((id) => buyers.includes(id))).size),
    );
    await screenshot(page, '15b-analytics-funnel');
  });

  it('fits a 390×844 phone without sideways scrolling on the journeys and templates pages', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const name = encodeURIComponent('到店回访');
    for (const path of [
      '/journeys',
      '/journeys/new',
      `/journeys/view/${name}`,
      `/journeys/edit/${name}`,
      '/templates',
    ]) {
      await page.goto(`${app.base}${path}`);
      await page.locator('main h2').waitFor();
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
      await screenshot(page, `16-phone${path.replace(/\//g, '-').replace(/%/g, '')}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
