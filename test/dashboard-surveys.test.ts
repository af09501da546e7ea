import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type APIRequestContext, type BrowserContext, type Page, request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { updateCustomer } from '../src/customers/customer-update.ts';
import { importFile } from '../src/importing/import-service.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import {
  openBrowser,
  PASSWORD,
  screenshot,
  signIn,
  startDashboard,
  watchedPage,
} from './dashboard-harness.ts';
import { onPhone } from './dashboard-survey-phone.ts';
import { customerIds, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';

// Surveys in real Chromium against the real server and its worker: an operator builds an NPS survey
// with a detractor rule; a journey mails its link to a local SMTP server; the customer answers 3 on
// a phone-width page; the owner finds the complaint task; the results show NPS −100 and the words.
// Then the server restarts at a later simulated time (RETAIN_NOW): the overdue task's escalation
// mails the owner, and the links answered, tampered with or past their expiry are refused.
let app: Awaited<ReturnType<typeof startDashboard>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let admin: APIRequestContext;
let adminCsrf: string;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let staff: BrowserContext | undefined;
let link = '';
const SURVEY = '购后NPS';
const REASON = '物流太慢，包装破损';
const CUSTOMER_MAIL = 'c001@example.com';
const OTHER_MAIL = 'c002@example.com';
const OWNER_MAIL = 'service@shop.test';
const DAY = 86_400_000;

const adminGet = async (path: string) => (await admin.get(`/api/v1${path}`)).json();
async function adminWrite(method: 'put' | 'post' | 'patch', path: string, data: unknown) {
  const reply = await admin[method](`/api/v1${path}`, { data, headers: { 'x-csrf-token': adminCsrf } });
  expect(reply.ok(), await reply.text()).toBe(true);
  return reply.json();
}

/** Lets the 400s the test provokes on purpose pass, and nothing else. */
function allowRefusals(list: string[], n: number) {
  const refused = list.filter((e) => /status of 400/.test(e));
  expect(refused).toHaveLength(n);
  list.splice(0, list.length, ...list.filter((e) => !refused.includes(e)));
}

/** The survey mail sent to `to` so far, and the personal link in the first. */
function mailTo(to: string) {
  const mail = smtp.mail.filter((m) => m.to.includes(to));
  return { mail, link: /(http:\/\/\S+\/s\/[A-Za-z0-9._~-]+)/.exec(mail[0]?.text ?? '')?.[1] ?? '' };
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  app = await startDashboard({
    // The customer C001 gets an address and a service agent as owner; email goes to the local sink.
    setup: async (store, workspace) => {
      await useLocalChannels(store.db, workspace.id, { smtpPort: smtp.port });
      const file = join(mkdtempSync(join(tmpdir(), 'retain-surveys-')), 'emails.csv');
      writeFileSync(
        file,
        `customer_id,name,email\nC001,顾客001,${CUSTOMER_MAIL}\nC002,顾客002,${OTHER_MAIL}\n`,
      );
      await importFile(store, { kind: 'customers', file, workspace });
      const agent = await createUser(store.db, workspace.id, cliActor(), {
        email: OWNER_MAIL,
        password: PASSWORD,
        role: 'service',
      });
      const ids = await customerIds(store.db, workspace.id);
      await updateCustomer(store.db, workspace.id, ids.C001!, { owner_user_id: agent.user.id });
      await saveTemplates(store.db, workspace.id, [
        {
          name: '邀请评价',
          channel: 'email',
          purpose: 'transactional',
          subject: { 'zh-CN': '{{ name }}，请为本次购物打分' },
          body: { 'zh-CN': '点击填写：{{ survey_link }}' },
        },
      ]);
    },
    // Links in mail point at this server, as RETAIN_PUBLIC_URL says in production.
    env: (base) => ({ RETAIN_PUBLIC_URL: base }),
  });
  admin = await request.newContext({ baseURL: app.base });
  const login = await admin.post('/api/v1/auth/login', {
    data: { email: 'admin@shop.test', password: PASSWORD },
  });
  adminCsrf = (await login.json()).csrf_token;
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await staff?.close();
  await browser?.close();
  await admin?.dispose();
  await smtp?.close();
  app?.stop();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await screenshot(page, `surveys-failed-${context.task.name.slice(0, 30)}`);
  expect(errors.splice(0).join('\n')).toBe('');
});

describe('surveys in Chromium', () => {
  it('lets an operator build an NPS survey with a detractor rule, the server’s errors beside the fields', async () => {
    await signIn(page, app.base, 'operator@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '问卷' }).click();
    await page.getByRole('heading', { name: '问卷' }).waitFor();
    await page.getByRole('button', { name: '新建问卷' }).first().click();
    await page.getByRole('heading', { name: '新建问卷' }).waitFor();

    // Saved empty: the server names the name and title, shown under those fields.
    await page.getByRole('button', { name: '保存问卷' }).click();
    await page.getByText('保存失败，请修改标出的字段').waitFor();
    expect(await page.locator('[data-error-path="name"]').innerText()).toBe('必填');
    expect(await page.locator('[data-error-path="title"]').innerText()).toBe('必填');
    allowRefusals(errors, 1);

    await page.getByLabel('问卷名称').fill(SURVEY);
    await page.getByLabel('页面标题（中文）').fill('感谢您的购买');
    await page.getByLabel('页面标题（英文）').fill('Thanks for your order');
    await page.getByLabel('原因提示（中文）').fill('请告诉我们原因');
    await page.getByRole('button', { name: '添加规则' }).click();
    const rule = page.locator('.ant-card', { hasText: '规则 1' }).last();
    for (const word of ['贬损者', '投诉处理', '高', '客户的专属负责人'])
      expect(await rule.innerText()).toContain(word);
    await page.getByLabel('任务标题 (规则 1)').fill('差评回访：{{ name }}（{{ score }} 分）');
    await screenshot(page, 'surveys-01-builder');
    await page.getByRole('button', { name: '保存问卷' }).click();

    const row = page.getByRole('row', { name: new RegExp(SURVEY) });
    await row.waitFor();
    for (const word of ['净推荐值问卷', '使用中', '0']) expect(await row.innerText()).toContain(word);
    const { items } = (await adminGet('/surveys')) as {
      items: { name: string; kind: string; definition: Record<string, unknown> }[];
    };
    expect(items).toHaveLength(1);
    expect(items[0]!.definition).toMatchObject({
      name: SURVEY,
      kind: 'nps',
      title: { 'zh-CN': '感谢您的购买', en: 'Thanks for your order' },
      comment_prompt: { 'zh-CN': '请告诉我们原因' },
      expires_days: 14,
      rules: [
        {
          when: { nps_group: ['detractor'] },
          task: {
            kind: 'complaint',
            title: '差评回访：{{ name }}（{{ score }} 分）',
            due_in_hours: 24,
            priority: 'high',
            assign: { rule: 'owner' },
          },
        },
      ],
    });
    await screenshot(page, 'surveys-02-list');
  });

  it('shows the send_survey step of a journey on the canvas, and the journey mails the link', async () => {
    await adminWrite('put', '/journeys', {
      name: '签收后调查',
      trigger: { event: 'order_delivered' },
      start: 'ask',
      steps: {
        ask: { type: 'send_survey', survey: SURVEY, templates: ['邀请评价'], next: 'end' },
        end: { type: 'exit' },
      },
    });
    await page.goto(`${app.base}/journeys/edit/${encodeURIComponent('签收后调查')}`);
    // On the canvas: the step's node is named by its survey; its panel shows survey and template.
    const node = page.locator('[data-node="ask"]');
    await node.waitFor();
    expect(await node.locator('[data-node-title]').textContent()).toBe(`发送问卷「${SURVEY}」`);
    await node.click();
    const step = page.locator('[data-panel-step="ask"]');
    await expect.poll(() => step.innerText()).toContain(SURVEY);
    expect(await step.innerText()).toContain('邀请评价');

    await adminWrite('post', '/events', {
      items: [{ customer_id: 'C001', type: 'order_delivered', occurred_at: new Date().toISOString() }],
    });
    // The server's worker (every 5 s) enters the customer and sends the survey's mail.
    await expect.poll(() => mailTo(CUSTOMER_MAIL).mail.length, { timeout: 60_000, interval: 1000 }).toBe(1);
    const { mail, link: sent } = mailTo(CUSTOMER_MAIL);
    expect(mail[0]!.subject).toBe('顾客001，请为本次购物打分');
    link = sent;
    expect(link.startsWith(`${app.base}/s/`), mail[0]!.text).toBe(true);
  });

  it('takes one answer at phone width: 3 with a reason, thanks, then 已提交', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(link);
    await phone.getByText('感谢您的购买').waitFor();
    await phone.getByText('您有多大可能把我们推荐给朋友或同事？').waitFor();
    // Mobile-first: nothing wider than the phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.locator('label').filter({ hasText: /^3$/ }).click();
    await phone.locator('textarea[name="comment"]').fill(REASON);
    await screenshot(phone, 'surveys-03-phone-answer');
    await phone.getByRole('button', { name: '提交' }).click();
    await phone.getByText('感谢您的反馈！').waitFor();
    await screenshot(phone, 'surveys-04-phone-thanks');
    await phone.goto(link);
    await phone.getByText('您已提交过').waitFor();
    expect(await phone.locator('body').innerText()).toContain('已提交');
    expect(await phone.locator('form').count()).toBe(0);
    await screenshot(phone, 'surveys-05-phone-again');
    await phone.close();
    // The second visit is answered 409 by design; the browser reports it and nothing else.
    const again = errors.filter((e) => /status of 409/.test(e));
    errors.splice(0, errors.length, ...errors.filter((e) => !again.includes(e)));
  });

  it('gives the owner a complaint task, the answer on the profile, and results with NPS −100', async () => {
    staff = await openBrowser('zh-CN');
    const watched = await watchedPage(staff);
    const agent = watched.page;
    await signIn(agent, app.base, 'service@shop.test');
    await agent.getByRole('navigation').getByRole('link', { name: '任务' }).click();
    const task = agent.locator('.ant-table-tbody tr.ant-table-row', { hasText: '差评回访' });
    await task.waitFor();
    const taskText = await task.innerText();
    for (const word of ['投诉处理', '差评回访：顾客001（3 分）', '高', '待处理', 'service@shop.test'])
      expect(taskText).toContain(word);
    await screenshot(agent, 'surveys-06-owner-task');

    await task.getByRole('link').first().click();
    await agent.getByRole('tab', { name: '服务记录与任务' }).click();
    const answers = agent.getByRole('table', { name: '问卷回答' });
    await answers.getByText(REASON).waitFor();
    const answer = await answers.locator('tr', { hasText: REASON }).innerText();
    for (const word of [SURVEY, '3', '贬损者', '邮件']) expect(answer).toContain(word);
    await screenshot(agent, 'surveys-07-profile-answers');

    await agent.getByRole('navigation').getByRole('link', { name: '问卷' }).click();
    await agent.getByRole('link', { name: SURVEY }).click();
    await agent.getByRole('heading', { name: `问卷结果：${SURVEY}` }).waitFor();
    const main = agent.locator('main main');
    const nps = main.locator('.ant-statistic', { hasText: '净推荐值' });
    await nps.waitFor();
    // One detractor: (0 promoters − 1 detractor) / 1 answer × 100, an interval of width 0.
    expect(await nps.locator('.ant-statistic-content').innerText()).toMatch(/^[-−]100$/);
    expect(await main.getByTestId('score-interval').innerText()).toMatch(/95% 区间 [-−]100 至 [-−]100/);
    expect(await main.locator('.ant-statistic', { hasText: '回复率' }).innerText()).toContain('100%');
    const verbatims = main.getByRole('table', { name: '客户原话' });
    const said = verbatims.locator('tr', { hasText: REASON });
    await said.waitFor();
    const read = async (path: string) => (await staff!.request.get(`${app.base}/api/v1${path}`)).json();
    const [survey] = ((await read('/surveys')) as { items: { id: number }[] }).items;
    const page1 = (await read(`/surveys/${survey!.id}/responses?with_text=true`)) as {
      items: { customer_name: string }[];
    };
    expect(await said.innerText()).toContain(page1.items[0]!.customer_name);
    expect(await said.innerText()).toContain('贬损者');
    expect(await main.getByRole('table', { name: '按渠道' }).innerText()).toContain('邮件');
    expect(await main.getByRole('table', { name: '按旅程' }).innerText()).toContain('签收后调查');
    // No segment saved in this workspace: the per-segment table says how to get one.
    expect(await main.getByRole('table', { name: '按分群（当前成员）' }).innerText()).toContain(
      '在「分群」页保存分群后',
    );
    // Chinese only: no English word on the page but the survey's own name (the operator's words).
    const words = (await main.innerText()).replaceAll(SURVEY, '').match(/[A-Za-z]{2,}/g);
    expect(words).toBeNull();
    await screenshot(agent, 'surveys-08-results');
    expect(watched.errors.join('\n')).toBe('');
  });

  it('mails the overdue complaint task to its owner and refuses a second answer and a tampered link (simulated time)', async () => {
    const [survey] = (
      (await adminGet('/surveys')) as { items: { id: number; responses: number; definition: object }[] }
    ).items;
    expect(survey!.responses).toBe(1);
    // The operator shortens the survey's links to one day; a second customer is mailed one and
    // leaves it unanswered: it expires before the task is overdue (below).
    await adminWrite('patch', `/surveys/${survey!.id}`, {
      definition: { ...survey!.definition, expires_days: 1 },
    });
    await adminWrite('post', '/events', {
      items: [{ customer_id: 'C002', type: 'order_delivered', occurred_at: new Date().toISOString() }],
    });
    await expect.poll(() => mailTo(OTHER_MAIL).mail.length, { timeout: 60_000, interval: 1000 }).toBe(1);
    const sentBy = Date.now();
    const other = mailTo(OTHER_MAIL).link;
    // Its expiry (unix seconds, the token's fourth field) is a day after the send, and it opens now.
    expect(Number(other.split('/s/')[1]!.split('.')[3])).toBeLessThanOrEqual(
      Math.ceil(sentBy / 1000) + 86_400,
    );
    expect((await fetch(other)).status).toBe(200);
    await adminWrite('patch', '/workspace/settings', {
      'tasks.escalation.enabled': true,
      'tasks.escalation.assignee_after_minutes': 30,
    });
    const tasks = (await adminGet('/tasks?kind=complaint')).items as { id: number; due_at: string }[];
    expect(tasks).toHaveLength(1);
    const due = Date.parse(tasks[0]!.due_at);
    // Due a day after the answer: nothing is overdue yet in real time.
    expect(due).toBeGreaterThan(Date.now() + DAY - 3_600_000);
    expect(mailTo(OWNER_MAIL).mail).toHaveLength(0);
    expect(due + 31 * 60_000).toBeGreaterThan(sentBy + DAY);

    // 31 minutes past due (the escalation waits 30): the restarted server's worker mails the owner.
    await app.restart({ RETAIN_NOW: new Date(due + 31 * 60_000).toISOString() });
    await expect.poll(() => mailTo(OWNER_MAIL).mail.length, { timeout: 60_000, interval: 1000 }).toBe(1);
    // The admins are told only 24 hours after the owner: the one overdue mail is the owner's.
    const overdue = smtp.mail.filter((m) => m.subject.startsWith('【任务逾期'));
    expect(overdue.map((m) => m.to)).toEqual([[OWNER_MAIL]]);
    const escalation = overdue[0]!;
    expect(escalation.subject).toBe('【任务逾期】差评回访：顾客001（3 分）');
    for (const words of ['您的任务已逾期 0 小时', '【已逾期】', '投诉处理', '顾客001', `(#${tasks[0]!.id})`])
      expect(escalation.text).toContain(words);

    // The answered link, opened and answered again: "already answered", and nothing recorded.
    const again = await onPhone(browser, link, 'surveys-09-phone-answer-again', {
      score: '10',
      comment: '改主意了',
    });
    expect(again.status).toBe(409);
    expect(again.text).toBe('您已提交过\n感谢您的反馈，每个链接只能提交一次。');
    expect(again.forms).toBe(0);
    const responses = (await adminGet(`/surveys/${survey!.id}/responses?with_text=true`)) as {
      items: { score: number; comment: string }[];
    };
    expect(responses.items.map((r) => [r.score, r.comment])).toEqual([[3, REASON]]);
    expect(((await adminGet('/surveys')) as { items: { responses: number }[] }).items[0]!.responses).toBe(1);
    expect((await adminGet('/tasks?kind=complaint')).items).toHaveLength(1);

    // One character changed: the expiry's first digit, as someone lengthening the link would.
    const token = link.slice(link.lastIndexOf('/') + 1);
    const parts = token.split('.');
    parts[3] = `${(Number(parts[3]![0]) + 1) % 10}${parts[3]!.slice(1)}`;
    const tampered = await onPhone(browser, `${app.base}/s/${parts.join('.')}`, 'surveys-10-phone-tampered');
    expect(tampered.status).toBe(404);
    expect(tampered.text).toBe('链接无效\n请检查链接是否完整，或联系商家重新获取。');
  });

  it('refuses a link past its expiry under the simulated clock, unanswered as it was', async () => {
    // Still 31 minutes past the task's due time: the second customer's one-day link has expired.
    const expired = await onPhone(browser, mailTo(OTHER_MAIL).link, 'surveys-11-phone-expired', {
      score: '9',
    });
    expect(expired.status).toBe(410);
    expect(expired.text).toBe('链接已过期\n这份问卷的填写时间已过，感谢您的关注。');
    expect(expired.forms).toBe(0);
    expect(((await adminGet('/surveys')) as { items: { responses: number }[] }).items[0]!.responses).toBe(1);
  });

  it('shows the surveys read-only to a viewer', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, app.base, 'viewer@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '问卷' }).click();
    await page.getByText('当前角色只能查看问卷').waitFor();
    expect(await page.getByRole('button', { name: '新建问卷' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '归档' }).count()).toBe(0);
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByLabel('页面标题（中文）').waitFor();
    expect(await page.getByLabel('页面标题（中文）').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '保存问卷' }).count()).toBe(0);
  });

  it('lets the operator archive the survey', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, app.base, 'operator@shop.test');
    await page.getByRole('navigation').getByRole('link', { name: '问卷' }).click();
    const row = page.getByRole('row', { name: new RegExp(SURVEY) });
    await row.getByRole('button', { name: '归档' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '归档' }).click();
    await row.getByText('已归档').waitFor();
    expect(await row.innerText()).toContain('1');
    expect(await row.getByRole('button', { name: '归档' }).count()).toBe(0);
    const { items } = (await adminGet('/surveys')) as { items: { status: string }[] };
    expect(items.map((s) => s.status)).toEqual(['archived']);
  });
});
