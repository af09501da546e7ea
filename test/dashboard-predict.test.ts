import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { refreshPredictions } from '../src/predict/predict-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// The prediction page and the profile's prediction card in real Chromium against the real server:
// the histograms, the fit's parameters, the call list, and 生成回访任务 making tasks per the owner rule.
let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let operatorId = 0;

const api = async (path: string) => (await browser.request.get(`${app.base}/api/v1${path}`)).json();

interface Entry {
  customer_id: number;
  name: string;
  reason: string;
}

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      // Every third customer is looked after by the operator: their tasks go to them (owner rule).
      const operator = await store.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'operator@shop.test')
        .executeTakeFirstOrThrow();
      operatorId = Number(operator.id);
      await store.db
        .updateTable('customers')
        .set({ owner_user_id: operatorId })
        .where('workspace_id', '=', workspace.id)
        .where((eb) => eb(eb.fn('mod', ['id', eb.lit(3)]), '=', 0))
        .execute();
      await refreshPredictions(store, workspace, { asOf: todayIn(workspace.timezone), actor: cliActor() });
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

describe('prediction page in Chromium', () => {
  it('shows the histograms, the fit parameters and the call list, in Chinese', async () => {
    await signIn(page, app.base, 'admin@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '预测' }).click();
    await page.getByRole('img', { name: '活跃概率分布' }).waitFor();
    await page.getByRole('img', { name: '预测客户价值分布' }).waitFor();
    // The charts are drawn (a canvas with pixels), and their value axes count customers.
    expect(await page.locator('[data-chart="p-alive"] canvas').count()).toBe(1);
    expect(await page.locator('[data-chart="clv"] canvas').count()).toBe(1);

    const fit = await api('/predict/fit');
    const fitCard = page.locator('[data-fit]');
    await fitCard.getByText('对数似然').waitFor();
    const fitText = await fitCard.innerText();
    for (const [name, symbol] of [
      ['r', 'r'],
      ['alpha', 'α'],
      ['a', 'a'],
      ['b', 'b'],
    ] as const) {
      expect(fitText).toContain(symbol);
      const shown = Number(fit.params[name]).toLocaleString('zh-CN', { maximumFractionDigits: 3 });
      expect(fitText, name).toContain(shown);
    }
    expect(fitText).toContain(fit.log_likelihood.toLocaleString('zh-CN', { maximumFractionDigits: 1 }));

    const list = (await api('/predict/call-list?top=50&lang=zh-CN')) as { items: Entry[] };
    expect(list.items.length).toBeGreaterThan(0);
    const rows = page.locator('[data-call-list] .ant-table-tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.first().innerText()).toContain(list.items[0]!.name);
    expect(await rows.first().innerText()).toContain(list.items[0]!.reason);
    // No English word on the page (the models' names are proper names: BG/NBD).
    const text = (await page.locator('main main').innerText()).replace(/BG\/NBD|Pareto\/NBD/g, '');
    expect(text.match(/[A-Za-z]{2,}/g)).toBeNull();
    expect(text).not.toMatch(/\{"|":\s*[{"\d[]/);
    await screenshot(page, 'predict-01-page');
  });

  it('creates call-back tasks from the call list, each to the customer’s owner or the queue', async () => {
    const list = (await api('/predict/call-list?top=50&lang=zh-CN')) as { items: Entry[] };
    // The answer is a toast that leaves after 3 s: every one that appears is recorded in the page,
    // so a slow poll (a busy machine) cannot miss it.
    await page.evaluate(() => {
      const seen: { text: string; error: boolean }[] = [];
      Object.assign(window, { retainToasts: seen });
      new MutationObserver(() => {
        for (const notice of document.querySelectorAll('.ant-message-notice')) {
          const text = notice.textContent ?? '';
          if (!seen.some((t) => t.text === text))
            seen.push({ text, error: notice.querySelector('.ant-message-error') !== null });
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const toasts = () =>
      page.evaluate(
        () => (window as unknown as { retainToasts: { text: string; error: boolean }[] }).retainToasts,
      );
    await page.locator('[data-call-list]').getByRole('button', { name: '生成回访任务' }).click();
    const confirm = page.locator('.ant-popconfirm').getByRole('button', { name: '确定' });
    await confirm.click();
    const done = `已生成 ${list.items.length} 个回访任务`;
    await expect
      .poll(
        async () => {
          const seen = await toasts();
          if (seen.some((t) => t.text === done)) return true;
          // A refusal says why at once, rather than as a timeout.
          const refused = seen.find((t) => t.error);
          if (refused) return `refused: ${refused.text}`;
          // Under load a re-render can swallow the confirm's click (the question stays open): click again.
          if (seen.length === 0 && (await confirm.isVisible()))
            await confirm.click({ timeout: 5_000 }).catch(() => undefined);
          return seen.map((t) => t.text);
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe(true);
    const tasks = (await api('/tasks?kind=callback&limit=200')) as {
      items: { customer_id: number; assignee_id: number | null; title: string }[];
    };
    expect(tasks.items.map((t) => t.customer_id).sort()).toEqual(list.items.map((e) => e.customer_id).sort());
    for (const t of tasks.items) {
      expect(t.assignee_id, `customer ${t.customer_id}`).toBe(t.customer_id % 3 === 0 ? operatorId : null);
      expect(t.title).toMatch(/^回访：流失风险价值 /);
    }
    await screenshot(page, 'predict-02-tasks');
  });

  it('shows the prediction card on a customer’s profile', async () => {
    const list = (await api('/predict/call-list?top=1')) as { items: Entry[] };
    const id = list.items[0]!.customer_id;
    const prediction = await api(`/customers/${id}/prediction`);
    await page.goto(`${app.base}/customers/${id}`);
    const card = page.locator('[data-prediction-card]');
    await card.getByText('活跃概率').waitFor();
    const text = await card.innerText();
    const percent = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 });
    expect(text).toContain(percent.format(prediction.p_alive));
    expect(text).toContain('未来 90 天预计购买');
    expect(text).toContain(
      `${prediction.expected_purchases_365d.toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 次`,
    );
    expect(text).toContain('预测客户价值');
    expect(text.match(/[A-Za-z]{2,}/g)).toBeNull();
    await screenshot(page, 'predict-03-profile');
  });
});
