import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addTag } from '../src/customers/tag-service.ts';
import { importFile } from '../src/importing/import-service.ts';
import { applyJourney } from '../src/journeys/journey-service.ts';
import { issueCoupons } from '../src/loyalty/coupon-issue.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { openBrowser, screenshot, signIn, startDashboard, watchedPage } from './dashboard-harness.ts';

// Every zh-CN page in real Chromium over a shop with what an operator meets: messages queued,
// deferred, skipped and failed; a coupon and a tag from a journey; stage changes, a survey answer
// and custom events on the timeline; a journey whose messages were partly skipped; months above
// ¥10,000. The build fails when a page shows an English status word, a code or raw JSON.

/** Codes the server stores that must never reach a zh-CN page as they are. */
const ENGLISH = [
  'queued',
  'sending',
  'sent',
  'skipped',
  'failed',
  'delivered',
  'deferred',
  'pending',
  'paid',
  'completed',
  'cancelled',
  'refunded',
  'email',
  'sms_aliyun',
  'wecom_customer',
  'webhook_fixed',
  'journey',
  'import',
  'manual',
  'segment',
  'referral',
  'campaign',
  'bulk',
  'opted_out',
  'frequency_cap',
  'quiet_hours',
  'no_email',
  'no_phone',
  'no_channel',
  'ordered_since',
  'rfm_group_changed',
  'lifecycle_changed',
  'survey_answered',
  'view_product',
  'add_to_cart',
  'important_develop',
  'general_develop',
  'active',
  'new',
  'not set',
  'null',
  'undefined',
  'true',
  'false',
  'order',
  'first order',
  'points expired',
];
const ENGLISH_WORD = new RegExp(`(?<![A-Za-z0-9_@.-])(${ENGLISH.join('|')})(?![A-Za-z0-9_@-])`, 'i');
const JSON_LIKE = /\{"|":\s*[{"\d[]|\[\{/;

let app: Awaited<ReturnType<typeof startDashboard>>;
let browser: BrowserContext;
let page: Page;
let errors: string[];
let customerId = 0;
const SMTP_ERROR = 'SMTP 550 mailbox unavailable';

beforeAll(async () => {
  app = await startDashboard({
    setup: async (store, workspace) => {
      const db = store.db;
      const ws = workspace.id;
      // Large orders in each of the last months: revenue above ¥10,000 a month, for the 万 axes.
      const big = join(tmpdir(), `big-orders-${process.pid}.csv`);
      const today = new Date();
      const rows = ['order_id,customer_id,ordered_at,amount,status'];
      for (let m = 1; m <= 6; m++) {
        const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - m, 10));
        rows.push(
          `BIG${m},C00${(m % 9) + 1},${d.toISOString().slice(0, 10)} 12:00:00,${(30_000 + m * 7_000).toFixed(2)},completed`,
        );
      }
      writeFileSync(big, `${rows.join('\n')}\n`);
      await importFile(store, { kind: 'orders', file: big, workspace });
      const c = await sql<{
        id: number;
      }>`select id::int as id from customers where workspace_id = ${ws} and external_id = 'C001'`.execute(db);
      customerId = c.rows[0]!.id;
      await saveTemplates(db, ws, [
        {
          name: 'promo-mail',
          channel: 'email',
          purpose: 'marketing',
          subject: { 'zh-CN': '促销' },
          body: { 'zh-CN': '促销' },
        },
      ]);
      await applyJourney(db, ws, {
        name: '复购提醒',
        trigger: { event: 'promo' },
        reentry: 'always',
        attribution_days: 7,
        start: 'send',
        steps: {
          send: { type: 'send', templates: ['promo-mail'], skip_if_ordered: false, next: 'done' },
          done: { type: 'exit' },
        },
      });
      const journey = await sql<{
        id: number;
      }>`select id from journeys where workspace_id = ${ws} and name = '复购提醒'`.execute(db);
      const jid = journey.rows[0]!.id;
      // Five customers through the send step: one message sent, two skipped, one failed, one deferred
      // (due when quiet hours end, later than this test: the server's worker must not send it now).
      const outcomes: [string, string | null][] = [
        ['sent', null],
        ['skipped', 'opted_out'],
        ['skipped', 'no_channel:sms_aliyun'],
        ['failed', SMTP_ERROR],
        ['queued', 'quiet_hours'],
      ];
      for (const [i, [status, reason]] of outcomes.entries()) {
        const who = customerId;
        const entry = await sql<{
          id: number;
        }>`insert into journey_entries (workspace_id, journey_id, customer_id, occurrence, entered_at, state, step)
          values (${ws}, ${jid}, ${who}, ${`o${i}`}, now(), 'completed', null) returning id`.execute(db);
        const eid = entry.rows[0]!.id;
        await sql`insert into journey_steps (workspace_id, journey_id, entry_id, customer_id, step, outcome, at)
          values (${ws}, ${jid}, ${eid}, ${who}, 'send', 'queued', now())`.execute(db);
        await sql`insert into messages (workspace_id, customer_id, channel, template, purpose, idempotency_key, status, reason, journey_id, entry_id, step, due_at, sent_at)
          values (${ws}, ${customerId}, 'email', 'promo-mail', 'marketing', ${`sweep-${i}`}, ${status}, ${reason}, ${jid}, ${eid}, 'send',
            ${status === 'queued' ? sql`now() + interval '12 hours'` : sql`now()`}, ${status === 'sent' ? sql`now()` : null})`.execute(
          db,
        );
      }
      const template = await createCouponTemplate(db, workspace, {
        name: '复购券',
        kind: 'amount_off',
        amount_off: 1000,
      });
      await issueCoupons(db, template, [customerId], { source: 'journey', ref: '复购提醒/coupon' });
      await addTag(db, ws, '复购', [customerId], 'journey:复购提醒');
      const events: [string, Record<string, unknown>][] = [
        ['rfm_group_changed', { from: 'general_develop', to: 'important_develop', as_of: '2026-01-01' }],
        ['lifecycle_changed', { from: 'new', to: 'active', as_of: '2026-01-01' }],
        [
          'survey_answered',
          {
            survey: '购后NPS',
            survey_id: 1,
            kind: 'nps',
            score: 3,
            nps_group: 'detractor',
            text: null,
            channel: 'email',
          },
        ],
        ['view_product', { sku: 'SKU-1', price: 12900 }],
        ['share_poster', { channel: 'wechat', detail: { page: '首页', first: true } }],
        ['message_opened', { message_id: 1, template: 'promo-mail', channel: 'email' }],
      ];
      for (const [i, [type, properties]] of events.entries())
        await sql`insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
          values (${ws}, ${customerId}, ${type}, now() - ${`${i} hours`}::interval, ${JSON.stringify(properties)}::jsonb, ${`sweep-${i}`})`.execute(
          db,
        );
    },
  });
  browser = await openBrowser('zh-CN');
  ({ page, errors } = await watchedPage(browser));
  await signIn(page, app.base, 'admin@shop.test');
  await page.getByRole('navigation').getByRole('link', { name: '客户' }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  app?.stop();
});

afterEach(() => {
  expect(errors.splice(0).join('\n')).toBe('');
});

/** What the page shows (visible text only), less the operator's own data that may be English. */
async function shownText(): Promise<string> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(200);
  const text = await page.locator('main').first().innerText();
  // Staff emails are data (who did it), so are template names the merchant chose.
  return text.replace(/[\w.+-]+@[\w.-]+/g, '').replace(/promo-mail/g, '');
}

function offences(where: string, text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (ENGLISH_WORD.test(line))
      out.push(`${where}: English «${line.match(ENGLISH_WORD)![0]}» in “${line.trim()}”`);
    if (JSON_LIKE.test(line)) out.push(`${where}: JSON in “${line.trim()}”`);
  }
  return out;
}

describe('zh-CN dashboard sweep', () => {
  it('shows no English status word or raw JSON on any page of the navigation', async () => {
    const nav = page.getByRole('navigation');
    const links = await nav.getByRole('link').allTextContents();
    expect(links.length).toBeGreaterThan(8);
    const found: string[] = [];
    for (const name of links) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      found.push(...offences(name, await shownText()));
      await screenshot(page, `zh-sweep-${links.indexOf(name).toString().padStart(2, '0')}`);
    }
    expect(found).toEqual([]);
  });

  it('reads every tab of the profile in Chinese: statuses, reasons, sources and timeline sentences', async () => {
    await page.goto(`${app.base}/customers/${customerId}`);
    await page.getByRole('tab').first().waitFor();
    const tabs = await page.getByRole('tab').allTextContents();
    expect(tabs.length).toBeGreaterThanOrEqual(7);
    const found: string[] = [];
    const texts: Record<string, string> = {};
    for (const name of tabs) {
      await page.getByRole('tab', { name, exact: true }).click();
      await page.waitForTimeout(300);
      texts[name] = await shownText();
      found.push(...offences(`profile/${name}`, texts[name]));
      await screenshot(page, `zh-sweep-profile-${tabs.indexOf(name)}`);
    }
    expect(found).toEqual([]);
    const all = Object.values(texts).join('\n');
    // The timeline as sentences, in the group and stage names of the dashboard.
    expect(all).toContain('客户分组由「一般发展客户」变为「重要发展客户」');
    expect(all).toContain('生命周期由「新客户」变为「活跃客户」');
    expect(all).toContain('回答了问卷「购后NPS」：3 分');
    // A custom event's properties in words (known names translated, the merchant's own kept).
    const poster = all.split('\n').find((l) => l.startsWith('事件「share_poster」'));
    expect(poster).toMatch(/^事件「share_poster」（.*）$/);
    expect(poster).toContain('渠道：wechat');
    expect(poster).toContain('detail：页面 首页，first 是');
    expect(all).toContain('浏览了商品（商品编码：SKU-1，价格：¥129.00）');
    // Why each message was not sent, beside it; the provider's own words only on hover.
    for (const words of [
      '客户已退订',
      '渠道「阿里云短信」未配置',
      '服务商返回错误',
      '免打扰时段',
      '已顺延',
      '已跳过',
    ])
      expect(all, words).toContain(words);
    expect(all).not.toContain(SMTP_ERROR);
    expect(await page.locator(`[title="${SMTP_ERROR}"]`).count()).toBe(1);
    // The coupon and the tag came from a journey: said so, with its name.
    expect(all).toContain('旅程');
    expect(all).toContain('旅程「复购提醒」');
  });

  it('counts a journey step’s skipped messages apart from those waiting, with why', async () => {
    await page.goto(`${app.base}/journeys/view/${encodeURIComponent('复购提醒')}`);
    const send = page.locator('tr[data-step="send"]');
    await send.waitFor();
    const tag = (o: string) => send.locator(`[data-outcome="${o}"]`).textContent();
    expect(await tag('queued')).toBe('已排队发送 1');
    expect(await tag('skipped')).toBe('未发送 2');
    expect(await tag('sent')).toBe('已发送 1');
    expect(await tag('failed')).toBe('发送失败 1');
    expect(await send.locator('[data-not-sent="opted_out"]').textContent()).toBe('客户已退订 1');
    expect(offences('journey', await shownText())).toEqual([]);
    await screenshot(page, 'zh-sweep-journey');
  });

  it('draws money axes in 万, months as 2026年1月, and the current month as partial', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '概览' }).click();
    const chart = page.getByRole('img', { name: '趋势' }).first();
    await chart.waitFor();
    await expect.poll(() => chart.getAttribute('data-axis-labels')).toMatch(/万/);
    const labels = (await chart.getAttribute('data-axis-labels'))!.split('|');
    // Every money label above 10,000 yuan is in 万 (no ¥120,000.00).
    for (const l of labels) expect(l).not.toMatch(/\d{2},\d{3}|\.00/);
    const note = page.locator('[data-partial-note]');
    const now = new Date();
    expect(await note.textContent()).toContain(`${now.getFullYear()}年${now.getMonth() + 1}月尚未结束`);
    // 环比 and 同比 beside each figure; rates compared in percentage points.
    const rate = page.locator('[data-kpi="kpi.repurchase_rate"]');
    expect(await rate.textContent()).toMatch(/环比/);
    expect(await rate.textContent()).toMatch(/个百分点|无可比数据/);
    await screenshot(page, 'zh-sweep-overview-axes');
  });

  it('finds a customer by the last four digits of the phone and shows the total', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '客户' }).click();
    const who = app.fixture.customers[6]!;
    const tail = who.phone.slice(-4);
    const want = app.fixture.customers.filter((c) => c.phone.endsWith(tail));
    await page.getByLabel('搜索', { exact: false }).first().fill(tail);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('customers-total').textContent())
      .toBe(`共 ${want.length} 位客户`);
    await page.getByRole('link', { name: who.name }).waitFor();
  });
});
