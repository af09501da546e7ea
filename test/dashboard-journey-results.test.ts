import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../src/access/pii-mask.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import {
  adminSession,
  canvasHelpers,
  type Step,
  startHook,
  zhNumber,
  zhPercent,
} from './dashboard-journey-helpers.ts';

// The results of a journey the server's worker ran, in real Chromium against the real `retain
// serve`: entered by events posted to the API, its messages delivered to a webhook receiver here;
// step counts (each step by its name), funnel, holdout lift and A/B arms against the API's report
// and the receiver; then opened on the canvas, edited as a draft while customers are inside, test-run
// for one customer and discarded; and the pages at a phone's width.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let admin: Awaited<ReturnType<typeof adminSession>>;
let hook: Awaited<ReturnType<typeof startHook>>;
let received: unknown[];
const adminGet = (path: string) => admin.get(path);
const adminWrite = (method: 'post' | 'put', path: string, data: unknown) => admin.write(method, path, data);
const { edgeIds, nodeTitle } = canvasHelpers(() => page);

beforeAll(async () => {
  app = await startDashboard();
  hook = await startHook();
  received = hook.received;
  admin = await adminSession(app.base);
  await adminWrite('put', '/channels', {
    channel: 'webhook',
    config: { url: hook.url },
    secrets: { secret: 'dashboard-journeys-secret' },
  });
  await adminWrite('put', '/templates', {
    name: '到店提醒',
    channel: 'webhook',
    purpose: 'transactional',
    body: { 'zh-CN': '{{ name }}您好，欢迎再次光临', en: 'Hi {{ name }}, welcome back' },
  });
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
  await signIn(page, app.base, 'operator@shop.test');
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

describe('journey results in Chromium', () => {
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
    await row.waitFor();
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
