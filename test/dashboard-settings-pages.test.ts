import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';
import { startSmtpSink } from './local-servers.ts';

// The settings sections in real Chromium against the real server, as an admin self-serves them:
// 触达规则 with a refused value shown on its field in words, the email channel set up against a
// real SMTP server on 127.0.0.1 (its password entered once, then only 已设置) and a test mail
// arriving there, a coupon template with limits (entered in 元, stored in 分), a store and a
// member's store, an API key shown once, and the audit log telling all of it in sentences.
let app: Awaited<ReturnType<typeof startDashboard>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
const api = async (path: string): Promise<any> =>
  (await browser.request.get(`${app.base}/api/v1${path}`)).json();
const section = async (name: string) => {
  await page.getByRole('menu', { name: '设置分类' }).getByRole('menuitem', { name, exact: true }).click();
};
/** The form item around a labelled control: where antd shows the field's error. */
const item = (label: string): Locator =>
  page.locator('.ant-form-item').filter({ has: page.getByLabel(label, { exact: true }) });
/** Picks a kind of action in the audit filter by typing its name. */
const pickAction = async (title: string) => {
  await page.getByLabel('操作类型').click();
  await page.keyboard.type(title);
  await page.keyboard.press('Enter');
};
/** Drops the browser's log lines for the refusals a test provoked on purpose. */
const dropRefused = (status: number) => {
  const refused = errors.filter((e) => e.includes(`status of ${status}`));
  errors.splice(0, errors.length, ...errors.filter((e) => !refused.includes(e)));
  return refused.length;
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startDashboard();
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
  await signIn(page, app.base, 'admin@shop.test');
  await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
  await smtp?.close();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('settings sections in Chromium', () => {
  it('shows the sections as a menu, as Chinese back offices do', async () => {
    const items = await page.getByRole('menu', { name: '设置分类' }).getByRole('menuitem').allTextContents();
    expect(items).toEqual([
      '基本信息',
      '消息渠道',
      '触达规则',
      '客户分层',
      '积分与会员等级',
      '优惠券',
      '门店与商品',
      '成员与权限',
      'API 密钥',
      '操作日志',
      '任务提醒',
    ]);
  });

  it('creates another workspace, of which the admin becomes an admin', async () => {
    await page.getByRole('button', { name: '新建工作空间' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('新工作空间名称').fill('奥莱店');
    await dialog.getByRole('button', { name: '创建' }).click();
    await page.getByText('已创建工作空间「奥莱店」').waitFor();
    const me = await api('/auth/me');
    expect(me.workspaces).toContainEqual({ name: '奥莱店', role: 'admin' });
    expect(me.workspace.name).toBe('default');
    // The same name again is refused on the field.
    await page.getByRole('button', { name: '新建工作空间' }).click();
    await dialog.getByLabel('新工作空间名称').fill('奥莱店');
    await dialog.getByRole('button', { name: '创建' }).click();
    await item('新工作空间名称').getByText('这个名称已被使用').waitFor();
    expect(dropRefused(409)).toBe(1);
    await dialog.getByRole('button', { name: '取消' }).click();
  });

  it('changes the frequency cap and quiet hours; a bad value is refused on its own field, in words', async () => {
    await section('触达规则');
    await page.getByLabel('频次上限（条）').fill('500');
    await page.getByRole('button', { name: '保存' }).click();
    await item('频次上限（条）').getByText('不能大于 100').waitFor();
    await page.getByLabel('频次上限（条）').fill('3');
    await page.getByLabel('统计周期（天）').fill('14');
    await page.getByLabel('开始时间').fill('25:00');
    await page.getByRole('button', { name: '保存' }).click();
    await item('开始时间').getByText('请输入时间，例如 21:00').waitFor();
    expect(dropRefused(400)).toBe(2);
    await screenshot(page, 'settings-pages-01-field-error');
    // Nothing was saved by the refused attempts.
    expect((await api('/workspace/settings')).messaging).toMatchObject({
      frequency_cap: 2,
      frequency_days: 7,
    });

    await page.getByLabel('开始时间').fill('22:30');
    await page.getByLabel('结束时间').fill('08:00');
    await page.getByRole('button', { name: '上移 邮件' }).click();
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('设置已保存').waitFor();
    await expect.poll(() => item('开始时间').locator('.ant-form-item-explain-error').count()).toBe(0);
    // The default order with email moved up one place.
    expect((await api('/workspace/settings')).messaging).toEqual({
      frequency_cap: 3,
      frequency_days: 14,
      quiet_hours: { start: '22:30', end: '08:00' },
      channel_priority: ['wechat_template', 'sms_aliyun', 'email', 'sms_tencent', 'wecom_robot', 'webhook'],
      max_attempts: 5,
      channels: {},
      purposes: {},
    });
  });

  it('sets up email against the local SMTP server: the password is entered once, and the test mail arrives', async () => {
    await section('消息渠道');
    await page.getByLabel('邮件 发信服务器').fill('127.0.0.1');
    await page.getByLabel('邮件 端口').fill(String(smtp.port));
    await page.getByLabel('邮件 发件人').fill('shop@example.com');
    await page.getByLabel('邮件 邮箱密码').fill('smtp-very-secret');
    await page.getByRole('button', { name: '保存邮件设置' }).click();
    await page.getByRole('button', { name: '替换 邮件 邮箱密码' }).waitFor();
    expect(await page.getByLabel('邮件 邮箱密码', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain('smtp-very-secret');
    expect(JSON.stringify(await api('/channels'))).not.toContain('smtp-very-secret');

    const row = page.locator('tr', { has: page.getByRole('cell', { name: '邮件', exact: true }) });
    await row.getByText('发信服务器：127.0.0.1').waitFor();
    await row.getByLabel('email 收件邮箱').fill('owner@shop.test');
    await row.getByRole('button', { name: '测试发送' }).click();
    await row.getByText('测试消息已发出').waitFor();
    expect(smtp.mail.map((m) => [m.from, m.to, m.subject])).toEqual([
      ['shop@example.com', ['owner@shop.test'], 'Retain 测试消息 / test message'],
    ]);
    await screenshot(page, 'settings-pages-02-email');

    // 替换 asks for a new password; leaving it empty keeps the stored one.
    await page.getByRole('button', { name: '替换 邮件 邮箱密码' }).click();
    await page.getByLabel('邮件 邮箱密码', { exact: true }).waitFor();
  });

  it('creates a coupon template with limits, in 元, and edits its per-customer limit', async () => {
    await section('优惠券');
    await page.getByRole('button', { name: '新建优惠券' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('满200减30');
    await dialog.getByLabel('减免金额（元）').fill('30');
    await dialog.getByLabel('使用门槛（元，0 为无门槛）').fill('200');
    await dialog.getByLabel('领取后有效天数').fill('15');
    await dialog.getByLabel('每人限领（张）').fill('2');
    await dialog.getByLabel('发放总量（张）').fill('1000');
    await dialog.getByLabel('预算（元）').fill('5000');
    await dialog.getByLabel('适用商品编码').click();
    await page.keyboard.type('MILK-900G');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: '保存' }).click();
    const row = page.locator('tr', { has: page.getByRole('cell', { name: '满200减30', exact: true }) });
    await row.getByText('满 ¥200.00 减 ¥30.00').waitFor();
    expect(await row.textContent()).toContain('领取后 15 天');
    const saved = (await api('/coupon-templates')).find((c: { name: string }) => c.name === '满200减30');
    expect(saved).toMatchObject({
      kind: 'amount_off',
      amount_off: 3000,
      threshold: 20000,
      valid_days: 15,
      per_customer_limit: 2,
      budget_count: 1000,
      budget_amount: 500000,
      products: ['MILK-900G'],
      stores: null,
    });
    await screenshot(page, 'settings-pages-03-coupon');

    await row.getByRole('button', { name: '编辑 满200减30' }).click();
    await dialog.getByLabel('每人限领（张）').fill('1');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(async () =>
        (await api('/coupon-templates')).find((c: { name: string }) => c.name === '满200减30'),
      )
      .toMatchObject({ per_customer_limit: 1, budget_count: 1000, amount_off: 3000, valid_days: 15 });
  });

  it('adds a store and sets it as a member’s store, with their role and the language of their messages', async () => {
    await section('门店与商品');
    await page.getByLabel('门店编码').fill('HZ01');
    await page.getByLabel('门店名称').fill('杭州西湖店');
    await page.getByLabel('城市').fill('杭州');
    await page.getByRole('button', { name: '添加门店' }).click();
    await page.getByRole('cell', { name: '杭州西湖店' }).waitFor();

    await section('成员与权限');
    await page.getByRole('button', { name: '编辑 operator@shop.test' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('角色').click();
    await page.locator('.ant-select-item-option[title="客服"]').click();
    await dialog.getByLabel('所属门店').click();
    await page.locator('.ant-select-item-option', { hasText: '杭州西湖店（HZ01）' }).click();
    await dialog.getByLabel('员工消息语言').click({ force: true });
    await page.locator('.ant-select-item-option[title="英文"]').click();
    await dialog.getByRole('button', { name: '保存' }).click();
    const row = page.locator('tr', { has: page.getByRole('cell', { name: 'operator@shop.test' }) });
    await row.getByRole('cell', { name: '杭州西湖店' }).waitFor();
    expect(await row.textContent()).toContain('英文');
    expect(await row.textContent()).toContain('客服');
    const operator = (await api('/users')).find((u: { email: string }) => u.email === 'operator@shop.test');
    expect(operator).toMatchObject({ role: 'service', stores: ['HZ01'], language: 'en' });
    await screenshot(page, 'settings-pages-04-member-store');
  });

  it('creates an API key, shown once', async () => {
    await section('API 密钥');
    await page.getByLabel('名称').fill('对接 ERP');
    await page.getByRole('button', { name: '创建' }).click();
    await page.getByText('新密钥只显示这一次').waitFor();
    const key = (await page.locator('.ant-alert .ant-typography').first().textContent())!.trim();
    expect(key).toMatch(/^rk_/);
    // The key works, and is nowhere to be seen again.
    const call = await fetch(`${app.base}/api/v1/workspace`, { headers: { authorization: `Bearer ${key}` } });
    expect(call.status).toBe(200);
    await page.reload();
    await page.getByRole('cell', { name: '对接 ERP' }).waitFor();
    expect(await page.content()).not.toContain(key);
    expect(JSON.stringify(await api('/api-keys'))).not.toContain(key);
  });

  it('saves points, a member day and a tier threshold typed in 元 (kept in 分), and the task reminders', async () => {
    await section('积分与会员等级');
    await page.getByLabel('开启积分').click();
    await page.getByLabel('会员日（每月）').click();
    // The 31 days are a virtual list: type to find the 18th.
    await page.keyboard.type('18');
    await page.locator('.ant-select-item-option[title="18 日"]').click();
    await page.keyboard.press('Escape');
    await page.getByLabel('门槛（元）').first().fill('800');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('设置已保存').last().waitFor();
    await screenshot(page, 'settings-pages-06-loyalty');
    const saved = await api('/workspace/settings');
    expect(saved.points).toMatchObject({ enabled: true, member_days: [18] });
    expect(saved.tiers.levels.map((l: { code: string; min: number }) => [l.code, l.min])).toEqual([
      ['silver', 80_000],
      ['gold', 500_000],
      ['diamond', 2_000_000],
    ]);

    await section('任务提醒');
    await page.getByLabel('开启逾期提醒').click();
    await page.getByLabel('再过多少小时提醒管理员').fill('1000');
    await page.getByRole('button', { name: '保存' }).click();
    await item('再过多少小时提醒管理员').getByText('不能大于 720').waitFor();
    expect(dropRefused(400)).toBe(1);
    await page.getByLabel('再过多少小时提醒管理员').fill('48');
    await page.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(async () => (await api('/workspace/settings')).tasks.escalation)
      .toEqual({ enabled: true, channels: ['email'], assignee_after_minutes: 0, admins_after_hours: 48 });
    await screenshot(page, 'settings-pages-07-task-reminders');
  });

  it('adds a product and sets its repurchase interval', async () => {
    await section('门店与商品');
    await page.getByRole('button', { name: '添加商品' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('商品编码').fill('MILK-900G');
    await dialog.getByLabel('商品名称').fill('婴儿奶粉 900g');
    await dialog.getByLabel('复购周期').fill('25');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByRole('cell', { name: '婴儿奶粉 900g' }).waitFor();
    await page.getByRole('button', { name: '编辑 MILK-900G' }).click();
    await dialog.getByLabel('复购周期').fill('28');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByRole('cell', { name: '28 天' }).waitFor();
    const found = await api(`/products?q=${encodeURIComponent('奶粉')}`);
    expect(found.items).toEqual([
      { sku: 'MILK-900G', name: '婴儿奶粉 900g', category: null, repurchase_days: 28 },
    ]);
  });

  it('tells it all in the audit log, in sentences, filtered by kind of action and by who', async () => {
    await section('操作日志');
    const sentences = [
      '修改了工作空间设置',
      '设置了消息渠道「邮件」',
      '在「邮件」渠道测试发送',
      '新建了优惠券「满200减30」',
      '修改了优惠券「满200减30」',
      '添加了门店「杭州西湖店」',
      '修改了成员的角色、门店或语言',
      '创建了 API 密钥「对接 ERP」',
    ];
    for (const s of sentences) await page.getByRole('cell', { name: s, exact: true }).first().waitFor();
    const what = async () => page.locator('tbody tr td:nth-child(3)').allTextContents();
    // Besides the data (names, emails), no Latin letters: no action codes or JSON.
    for (const text of await what())
      expect(text.replace(/「[^」]*」/g, '').replace('API', '')).not.toMatch(/[A-Za-z]/);
    await screenshot(page, 'settings-pages-05-audit');

    await pickAction('门店');
    await expect.poll(what).toEqual(['添加了门店「杭州西湖店」']);
    await pickAction('优惠券模板');
    await expect.poll(what).toEqual(['修改了优惠券「满200减30」', '新建了优惠券「满200减30」']);
    await page.getByLabel('操作人（邮箱）').fill('operator@shop.test');
    await expect.poll(what).toEqual([]);
    await page.getByLabel('操作人（邮箱）').fill('admin@shop.test');
    await expect.poll(what).toHaveLength(2);
  });

  it('speaks Chinese in every section: no English words but data, product names and known abbreviations', async () => {
    const leftovers: string[] = [];
    for (const name of [
      '基本信息',
      '消息渠道',
      '触达规则',
      '客户分层',
      '积分与会员等级',
      '优惠券',
      '门店与商品',
      '成员与权限',
      'API 密钥',
      '操作日志',
      '任务提醒',
    ]) {
      await section(name);
      await page.locator('main .ant-card').first().waitFor();
      await page.waitForTimeout(300);
      const text = (await page.locator('main').first().innerText())
        // Data: emails, addresses, codes and names the test entered; abbreviations Chinese back offices use.
        .replace(/[\w.+-]+@[\w.-]+/g, '')
        .replace(/https?:\/\/\S+/g, '')
        .replace(/\b(RFM|API|Webhook|BG\/NBD|Pareto\/NBD|ERP|HZ01|MILK-900G|Retain|default|outlet)\b/g, '')
        .replace(/rk_[\w-]+…?/g, '');
      for (const word of text.match(/[A-Za-z]{2,}/g) ?? []) leftovers.push(`${name}: ${word}`);
    }
    expect(leftovers).toEqual([]);
  });

  it('speaks English in every section once English is chosen: no Chinese but the data', async () => {
    await page.evaluate(() => window.localStorage.setItem('retain.lang', 'en'));
    await page.reload();
    const sections = page.getByRole('menu', { name: 'Settings sections' }).getByRole('menuitem');
    await sections.first().waitFor();
    const names = await sections.allTextContents();
    expect(names).toHaveLength(11);
    const leftovers: string[] = [];
    for (const name of names) {
      await sections.filter({ hasText: name }).first().click();
      await page.locator('main .ant-card').first().waitFor();
      await page.waitForTimeout(300);
      const text = (await page.locator('main').first().innerText()).replace(
        /杭州西湖店|杭州|满200减30|婴儿奶粉 900g|对接 ERP|奥莱店|银卡|金卡|钻石卡|新同事/g,
        '',
      );
      for (const word of text.match(/[\u4e00-\u9fff]+/g) ?? []) leftovers.push(`${name}: ${word}`);
    }
    await page.evaluate(() => window.localStorage.setItem('retain.lang', 'zh-CN'));
    expect(leftovers).toEqual([]);
  });
});
