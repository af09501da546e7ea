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
// operator makes the segment 有邮箱 on the segments page, prepares a broadcast to it with a coupon and a 10% holdout at 09:00, sees the
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

const zhNumber = (n: number) => n.toLocaleString('zh-CN');
const zhPercent = (f: number | null) =>
  f === null ? '—' : new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(f);

/** Opens an Ant Design select by its label and picks an option by its title. */
async function choose(label: string, option: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .and(page.getByTitle(option, { exact: true }))
    .click();
  // A multiple select stays open after a pick; a single one has closed, and an Escape then would
  // close the dialog around it. Closed before the next: two lists open at once may both offer the
  // option (邮箱).
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  if ((await open.count()) > 0) await page.keyboard.press('Escape');
  await expect.poll(() => open.count()).toBe(0);
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
    // The segment, made on the segments page: every customer with an email (all 30 of the file).
    await page.getByRole('navigation').getByRole('link', { name: '分群' }).click();
    await choose('条件类型 (第 1 条)', '有联系方式或账号');
    expect(
      await page.getByLabel('哪一项 (第 1 条)').evaluate((i) => i.closest('.ant-select')?.textContent),
    ).toBe('邮箱');
    await expect
      .poll(() =>
        page
          .locator('.ant-statistic', { hasText: '符合条件的客户' })
          .locator('.ant-statistic-content')
          .textContent(),
      )
      .toBe('30');
    await page.getByLabel('分群名称').fill('有邮箱');
    await page.getByRole('button', { name: '保存分群' }).click();
    await page.getByText('已保存分群「有邮箱」').waitFor();
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
    expect(await page.locator('[data-funnel=revenue] .ant-statistic-content').textContent()).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(revenue / 100),
    );
    // Lift over the holdout: the 30 members the mail did not reach, and those of them who bought in
    // the same 7 days (from the fixture's orders; the three posted here were recipients).
    const heldOut = app.fixture.customers.map((c) => c.id).filter((c) => !recipients.has(c));
    expect(heldOut).toHaveLength(reach.held_out);
    const heldConverted = new Set(
      app.fixture.orders
        .filter(
          (o) =>
            heldOut.includes(o.customer) &&
            o.status === 'completed' &&
            o.day >= '2026-06-01' &&
            o.day <= '2026-06-07',
        )
        .map((o) => o.customer),
    ).size;
    const rate = (c: number, n: number) => (n ? c / n : null);
    const treatedRate = rate(converted.size, sent.length);
    const heldRate = rate(heldConverted, heldOut.length);
    const group = (n: number, c: number, r: number | null) =>
      `${zhNumber(n)} 人中 ${zhNumber(c)} 人转化（${zhPercent(r)}）`;
    expect(await page.locator('[data-lift=treated]').textContent()).toBe(
      group(sent.length, converted.size, treatedRate),
    );
    expect(await page.locator('[data-lift=held_out]').textContent()).toBe(
      group(heldOut.length, heldConverted, heldRate),
    );
    const difference = treatedRate === null || heldRate === null ? null : treatedRate - heldRate;
    expect(await page.locator('[data-lift=difference]').textContent()).toBe(
      difference === null ? '—' : `${difference > 0 ? '+' : ''}${zhPercent(difference)}`,
    );
    await page.locator('.ant-card-head', { hasText: `对照组提升 · ${NAME}` }).waitFor();
    const report = await adminGet(`/broadcasts/${id}/report`);
    expect(report.lift.held_out.customers).toBe(reach.held_out);
    expect(report.lift.treated.customers).toBe(sent.length);
    expect(report.funnel.revenue).toBe(revenue);
    await screenshot(page, 'broadcast-results');
  });

  it('takes one column of an uploaded CSV as the list, naming refused lines; a condition; three A/B arms', async () => {
    const create = async (name: string) => {
      await page.goto(`${app.base}/broadcasts`);
      await page.getByRole('button', { name: '新建群发' }).first().click();
      await page.getByLabel('群发名称').fill(name);
    };
    const saved = async (name: string) => {
      await page.getByRole('button', { name: '保存为草稿' }).click();
      await page.getByRole('heading', { name }).waitFor();
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      return { id, definition: (await adminGet(`/broadcasts/${id}`)).definition };
    };
    const audience = (label: string) => page.locator('.ant-segmented-item', { hasText: label }).click();

    // A spreadsheet's export: a header, a name column, a bad email, an empty cell, a repeat.
    await create('名单试发');
    await audience('上传名单');
    const csv = [
      '客户编号,姓名,邮箱',
      'C001,甲,c1@example.com',
      'C002,乙,not-an-email',
      'C003,丙,',
      'C004,丁,C4@Example.com',
      'C005,戊,c1@example.com',
    ];
    await page.locator('input[type=file]').setInputFiles({
      name: '名单.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${csv.join('\r\n')}\r\n`),
    });
    expect(await page.locator('[data-file-name]').textContent()).toBe('名单.csv');
    expect(await page.locator('input[type=file]').isVisible()).toBe(false);
    // Read as the customer ids of its first column (the header says so), then the email column.
    await expect
      .poll(() => page.locator('[data-list-read] .ant-alert-title').textContent())
      .toBe('读取 5 条，拒绝 0 条');
    await choose('名单所在列', '邮箱');
    await choose('该列内容', '邮箱');
    const read = page.locator('[data-list-read]');
    await expect.poll(() => read.locator('.ant-alert-title').textContent()).toBe('读取 2 条，拒绝 3 条');
    expect(await read.locator('li').allTextContents()).toEqual([
      '第 3 行「not-an-email」：格式不对',
      '第 4 行「—」：该列为空',
      '第 6 行「c1@example.com」：重复',
    ]);
    await screenshot(page, 'broadcast-list-file');
    await choose('消息模板（按渠道优先顺序）', '会员日邮件');
    const list = await saved('名单试发');
    expect(list.definition.audience).toEqual({ list: ['c1@example.com', 'c4@example.com'] });
    await expect.poll(() => figure('预计触达', '目标客户')).toBe('2');

    // A condition built as on the segments page, and three arms.
    await create('三方案试发');
    await audience('按条件筛选');
    await choose('条件类型 (第 1 条)', '有联系方式或账号');
    await page.getByRole('switch').click();
    await page.getByRole('button', { name: '添加方案' }).click();
    for (const arm of ['A', 'B', 'C']) await choose(`方案 ${arm}`, '会员日邮件');
    await page.getByLabel('方案 C 权重').fill('2');
    const arms = await saved('三方案试发');
    expect(arms.definition.audience).toEqual({ condition: { all: [{ identity: 'email' }] } });
    expect(arms.definition.variants).toEqual([
      { name: 'A', weight: 1, templates: ['会员日邮件'] },
      { name: 'B', weight: 1, templates: ['会员日邮件'] },
      { name: 'C', weight: 2, templates: ['会员日邮件'] },
    ]);
    await expect.poll(() => figure('预计触达', '目标客户')).toBe('30');
    await screenshot(page, 'broadcast-arms');
  });
});
