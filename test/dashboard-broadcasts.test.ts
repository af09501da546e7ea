import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type APIRequestContext, type BrowserContext, type Page, request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareShop } from './dashboard-broadcast-setup.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import { startSmtpSink } from './local-servers.ts';

// Broadcasts in real Chromium against the real server and its worker, on a simulated clock: an
// operator prepares a broadcast to a segment with a coupon and a 10% holdout at 09:00, sees the
// reach, test-sends to a local SMTP server and schedules it for 10:00; an admin approves; the
// server, restarted at 10:00 (RETAIN_NOW), sends; the results page's figures equal the mail the
// SMTP server received and the orders posted afterwards.
const PREPARE = '2026-06-01T09:00:00+08:00';
const SEND = '2026-06-01T10:00:30+08:00';
const NAME = '六一会员日';
const bin = join(import.meta.dirname, '..', 'bin', 'retain.js');

let app: Awaited<ReturnType<typeof startDashboard>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let second: ChildProcess | undefined;
let admin: APIRequestContext;
let adminCsrf = '';

async function adminLogin() {
  await admin?.dispose();
  admin = await request.newContext({ baseURL: app.base });
  const login = await admin.post('/api/v1/auth/login', {
    data: { email: 'admin@shop.test', password: 'dashboard-test-pass' },
  });
  adminCsrf = (await login.json()).csrf_token;
}
const adminGet = async (path: string) => (await admin.get(`/api/v1${path}`)).json();

/** Opens an Ant Design select by its label and picks an option by its title. */
async function choose(label: string, option: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .and(page.getByTitle(option, { exact: true }))
    .click();
  await page.keyboard.press('Escape');
}

/** The figure of a statistic titled `title` inside the card titled `card`. */
async function figure(card: string, title: string): Promise<string> {
  const box = page
    .locator('.ant-card')
    .filter({ has: page.locator('.ant-card-head-title', { hasText: card }) });
  return (
    (await box
      .locator('.ant-statistic')
      .filter({ has: page.locator('.ant-statistic-title', { hasText: new RegExp(`^${title}$`) }) })
      .locator('.ant-statistic-content')
      .first()
      .textContent()) ?? ''
  ).replace(/[,\s]/g, '');
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startDashboard({
    setup: async (store, workspace) => {
      const file = join(mkdtempSync(join(tmpdir(), 'retain-broadcasts-')), 'emails.csv');
      const rows = Array.from(
        { length: 30 },
        (_, k) => `C${String(k + 1).padStart(3, '0')},c${k + 1}@example.com`,
      );
      writeFileSync(file, `customer_id,email\n${rows.join('\n')}\n`);
      await prepareShop(store, workspace, file, smtp.port);
    },
    env: (base) => ({ RETAIN_PUBLIC_URL: base, RETAIN_NOW: PREPARE }),
  });
  await adminLogin();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await admin?.dispose();
  await smtp?.close();
  app?.stop();
  second?.kill('SIGTERM');
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await screenshot(page, `broadcasts-failed-${context.task.name.slice(0, 30)}`);
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('broadcasts in Chromium', () => {
  it('an operator prepares, test-sends and schedules; an admin approves; the worker sends at the time', async () => {
    await signIn(page, app.base, 'operator@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '群发' }).click();
    await page.getByRole('button', { name: '新建群发' }).first().click();
    await page.getByLabel('群发名称').fill(NAME);
    await choose('分群', '有邮箱');
    await choose('消息模板（按渠道优先顺序）', '会员日邮件');
    await choose('随消息发放的优惠券', '满百减十');
    await page.getByLabel('对照组比例（%）').fill('10');
    await page.getByText('定时发送（店铺时区）').click();
    await page.getByLabel('时间', { exact: true }).fill('2026-06-01T10:00');
    await page.getByRole('button', { name: '保存为草稿' }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();

    // The reach: 30 members with an address, the holdout drawn as the send will draw it.
    const list = await adminGet('/broadcasts');
    const id = list.items[0].id;
    const reach = await adminGet(`/broadcasts/${id}/reach`);
    expect(reach.members).toBe(30);
    await expect.poll(() => figure('预计触达', '目标客户')).toBe('30');
    await expect.poll(() => figure('预计触达', '对照组')).toBe(String(reach.held_out));
    await expect.poll(() => figure('预计触达', '预计送达')).toBe(String(30 - reach.held_out));

    await page.getByLabel('测试地址（逗号分隔）').fill('boss@example.com');
    await page.getByRole('button', { name: '发送测试' }).click();
    await expect.poll(() => smtp.mail.filter((m) => m.to.includes('boss@example.com')).length).toBe(1);
    expect(smtp.mail[0]!.subject).toBe('【测试】会员日礼券 TEST-0000');

    await page.getByRole('button', { name: '提交发送' }).click();
    await page.getByText('待审批').first().waitFor();
    await screenshot(page, 'broadcast-pending');

    // The admin approves in the dashboard.
    const adminBrowser = await openBrowser('zh-CN');
    const adminPage = await adminBrowser.newPage();
    await signIn(adminPage, app.base, 'admin@shop.test');
    await adminPage.getByRole('navigation').getByRole('link', { name: '群发' }).click();
    await adminPage.getByRole('link', { name: NAME }).click();
    await adminPage.waitForURL(`${app.base}/broadcasts/${id}`);
    await adminPage.getByRole('button', { name: '审批通过' }).click();
    await adminPage.getByText('已排期').first().waitFor();
    await adminBrowser.close();
    const audit = await adminGet('/audit?action=broadcast');
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining([
        'broadcast.create',
        'broadcast.test',
        'broadcast.schedule',
        'broadcast.approve',
      ]),
    );

    // 10:00 comes: the server restarts on the same store at the send time; its worker sends.
    // Once the first has exited: until then it holds the port and the data directory.
    await app.stop();
    const port = new URL(app.base).port;
    second = spawn(process.execPath, [bin, 'serve', '--port', port, '--worker-interval', '1'], {
      env: {
        ...process.env,
        RETAIN_DATA_DIR: join(app.dir, 'data'),
        DATABASE_URL: '',
        RETAIN_LOG: 'off',
        RETAIN_PUBLIC_URL: app.base,
        RETAIN_NOW: SEND,
      },
      stdio: 'ignore',
    });
    await expect
      .poll(async () => (await fetch(`${app.base}/healthz`).catch(() => null))?.ok ?? false, {
        timeout: 60_000,
      })
      .toBe(true);
    await adminLogin();
    await expect
      .poll(async () => (await adminGet(`/broadcasts/${id}`)).status, { timeout: 90_000 })
      .toBe('completed');
    const sent = smtp.mail.filter((m) => m.subject.startsWith('会员日礼券'));
    expect(sent).toHaveLength(30 - reach.held_out);

    // Orders after the send: three recipients buy within the window, the first with the mailed coupon.
    const buyers = sent.slice(0, 3).map((m) => {
      const n = Number(/^c(\d+)@/.exec(m.to[0]!)![1]);
      return { customer: `C${String(n).padStart(3, '0')}`, code: m.subject.split(' ')[1]! };
    });
    const reply = await admin.post('/api/v1/orders', {
      headers: { 'x-csrf-token': adminCsrf },
      data: {
        items: buyers.map((b, i) => ({
          order_id: `BC-${i}`,
          customer_id: b.customer,
          ordered_at: '2026-06-02T12:00:00+08:00',
          amount: 15000,
          status: 'paid',
          ...(i === 0 ? { coupon_code: b.code } : {}),
        })),
      },
    });
    expect(reply.status(), await reply.text()).toBe(200);

    await page.goto(`${app.base}/broadcasts/${id}`);
    await expect.poll(() => figure('消息状态', '已发送')).toBe(String(sent.length));
    expect(await figure('发送结果', '送达')).toBe(String(sent.length));
    // Conversions and revenue, from the mail received and every order known here: the fixture's
    // (local noon; valid ones from 1 to 7 June fall in the 7-day window after 10:00:30 on 1 June) and
    // the three just posted.
    const recipients = new Set(
      sent.map((m) => `C${String(Number(/^c(\d+)@/.exec(m.to[0]!)![1])).padStart(3, '0')}`),
    );
    const inWindow = app.fixture.orders.filter(
      (o) =>
        recipients.has(o.customer) &&
        o.status === 'completed' &&
        o.day >= '2026-06-01' &&
        o.day <= '2026-06-07',
    );
    const converted = new Set([...inWindow.map((o) => o.customer), ...buyers.map((b) => b.customer)]);
    const revenue = inWindow.reduce((sum, o) => sum + o.amount, 0) + 3 * 15000;
    expect(await figure('发送结果', '转化')).toBe(String(converted.size));
    expect(await figure('优惠券', '已发放')).toBe(String(sent.length));
    expect(await figure('优惠券', '已核销')).toBe('1');
    const report = await adminGet(`/broadcasts/${id}/report`);
    expect(report.lift.held_out.customers).toBe(reach.held_out);
    expect(report.lift.treated.customers).toBe(sent.length);
    expect(report.funnel.revenue).toBe(revenue);
    await screenshot(page, 'broadcast-results');
  });
});
