import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { applyJourney } from '../src/journeys/journey-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// `{{ "名称" | survey_link }}`: a survey's personal link in any template — a broadcast, a plain
// journey `send` step, an API send — not only in a `send_survey` step; the page in English and
// its per-address rate limit.

const T0 = Date.parse('2026-05-10T10:00:00+08:00');

afterAll(async () => {
  setClock(undefined);
  delete process.env.RETAIN_PUBLIC_URL;
  await dropTestSchemas();
});

const CSAT = {
  name: '门店满意度',
  kind: 'csat',
  title: { 'zh-CN': '您对门店服务满意吗？', en: 'How was our store?' },
  expires_days: 7,
  rules: [{ when: { score_max: 2 }, task: { kind: 'callback', title: '回访{{ name }}（{{ score }} 分）' } }],
};

const TEMPLATE = {
  name: '满意度邀请',
  channel: 'email',
  purpose: 'transactional',
  subject: { 'zh-CN': '{{ name }}，请评价门店服务', en: 'Rate our store, {{ name }}' },
  body: {
    'zh-CN': '点击评价：{{ "门店满意度" | survey_link }}',
    en: 'Rate us: {{ "门店满意度" | survey_link }}',
  },
};

describe.each(storesUnderTest())('survey links by template variable ($name)', (store) => {
  let database: Database;
  let api: Api;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let w: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  let surveyId: number;
  const email = (p: string) => `${p.toLowerCase()}-link-${store.name}@example.com`;
  const linkTo = (p: string, nth = 0) => {
    const mail = smtp.mail.filter((m) => m.to.includes(email(p)));
    const link = /(http:\/\/\S+\/s\/\S+)/.exec(mail[nth]?.text ?? '')?.[1];
    expect(link, `${p} mail ${nth}`).toBeDefined();
    return link!.slice(api.base.length);
  };
  const form = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    raw: new URLSearchParams(fields).toString(),
  });

  beforeAll(async () => {
    setClock(new Date(T0));
    database = await store.open();
    smtp = await startSmtpSink();
    w = await workspaceWithKeys(database, `survey-link-${store.name}`);
    api = await startApi(database, { surveyRequestsPerMinute: 10_000 });
    process.env.RETAIN_PUBLIC_URL = api.base;
    await useLocalChannels(database.db, w.workspace.id, { smtpPort: smtp.port });
    await importText(
      database,
      w.workspace,
      'customers',
      `customer_id,name,email\n${['L1', 'L2', 'L3', 'L4', 'L5'].map((p) => `${p},客户${p},${email(p)}`).join('\n')}\n`,
    );
    ids = await customerIds(database.db, w.workspace.id);
    const created = await api.call('POST', '/api/v1/surveys', { key: w.keys.operator, body: CSAT });
    expect(created.status).toBe(201);
    surveyId = created.body.id;
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
    await database?.close();
  });

  it('refuses a template naming no survey, with the field at fault; previews a placeholder', async () => {
    const put = (body: unknown) => api.call('PUT', '/api/v1/templates', { key: w.keys.admin, body });
    const unknown = await put({
      ...TEMPLATE,
      body: { ...TEMPLATE.body, en: '{{ "没有这个问卷" | survey_link }}' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/body\.en: no survey "没有这个问卷" for survey_link/);
    expect(unknown.body.fields).toEqual([{ field: 'body.en', message: 'no survey "没有这个问卷"' }]);
    const variable = await put({ ...TEMPLATE, subject: { 'zh-CN': '{{ name | survey_link }}' } });
    expect(variable.status).toBe(400);
    expect(variable.body.message).toMatch(/subject\.zh-CN: survey_link takes the survey's name in quotes/);
    for (const name of ['__proto__', 'a\u0000b', 'x'.repeat(5000)]) {
      const r = await put({ ...TEMPLATE, body: { 'zh-CN': `{{ "${name}" | survey_link }}` } });
      expect(r.status, name.slice(0, 10)).toBe(400);
    }
    expect((await api.call('GET', '/api/v1/templates', { key: w.keys.admin })).body).toEqual([]);
    expect((await put(TEMPLATE)).status).toBe(200);
    const preview = await api.call('POST', `/api/v1/templates/${encodeURIComponent(TEMPLATE.name)}/preview`, {
      key: w.keys.operator,
      body: { customer_id: ids.L1 },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toBe(`点击评价：${api.base}/s/preview`);
  });

  it('sends a broadcast by email whose personal links answer once, counted for the survey', async () => {
    const created = await api.call('POST', '/api/v1/broadcasts', {
      key: w.keys.operator,
      body: {
        name: '门店满意度群发',
        audience: { list: ['L1', 'L2', 'L5'] },
        templates: [TEMPLATE.name],
        holdout_percent: 0,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const scheduled = await api.call('POST', `/api/v1/broadcasts/${created.body.id}/schedule`, {
      key: w.keys.operator,
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    const l1 = linkTo('L1');
    const l2 = linkTo('L2');
    const l5 = linkTo('L5');
    expect(new Set([l1, l2, l5]).size).toBe(3);
    const page = await api.call('GET', l1);
    expect(page.status).toBe(200);
    expect(page.text).toContain('您对门店服务满意吗？');
    expect((await api.call('POST', l1, form({ score: '2' }))).status).toBe(200);
    expect((await api.call('POST', l1, form({ score: '5' }))).status).toBe(409);
    expect((await api.call('POST', l2, form({ score: '5' }))).status).toBe(200);
    const tasks = await api.call('GET', `/api/v1/customers/${ids.L1}/tasks`, { key: w.keys.admin });
    expect(tasks.body.items).toEqual([
      expect.objectContaining({ kind: 'callback', title: '回访客户L1（2 分）', source: 'survey' }),
    ]);
    const report = await api.call('GET', `/api/v1/surveys/${surveyId}/report`, { key: w.keys.viewer });
    expect(report.body.total).toMatchObject({
      sent: 3,
      responses: 2,
      response_rate: 66.7,
      csat_mean: 3.5,
      csat_satisfied_percent: 50,
    });
    expect(report.body.by_channel.map((c: { key: string }) => c.key)).toEqual(['email']);
    // The link expires with the survey's own expires_days, counted from the send.
    setClock(new Date(T0 + 6 * 86_400_000));
    expect((await api.call('GET', l5)).status).toBe(200);
    setClock(new Date(T0 + 7 * 86_400_000 + 1000));
    const expired = await api.call('GET', l5);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('链接已过期');
    // Who answered in time is told so after the expiry too, not that the link has expired.
    const answered = await api.call('GET', l1);
    expect(answered.status).toBe(409);
    expect(answered.text).toContain('您已提交过');
    setClock(new Date(T0));
  });

  it('puts the link in a plain journey send step and an API send in English, whose page is English', async () => {
    await applyJourney(database.db, w.workspace.id, {
      name: '到店后邀评',
      trigger: { event: 'store_visited' },
      reentry: 'once',
      attribution_days: 7,
      start: 'mail',
      steps: {
        mail: { type: 'send', templates: [TEMPLATE.name], skip_if_ordered: false, next: 'end' },
        end: { type: 'exit' },
      },
    });
    await importText(
      database,
      w.workspace,
      'events',
      'customer_id,type,occurred_at\nL3,store_visited,2026-05-10 10:30\n',
    );
    setClock(new Date(T0 + 3_600_000));
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    const fromJourney = linkTo('L3');
    expect((await api.call('POST', fromJourney, form({ score: '4' }))).status).toBe(200);

    const sent = await api.call('POST', '/api/v1/messages', {
      key: w.keys.operator,
      body: { template: TEMPLATE.name, customer_id: ids.L4, idempotency_key: 'en-1', locale: 'en' },
    });
    expect(sent.body.status).toBe('sent');
    const mail = smtp.mail.filter((m) => m.to.includes(email('L4')));
    expect(mail[0]!.subject).toBe('Rate our store, 客户L4');
    const english = linkTo('L4');
    // The message's language wins over the browser's.
    const page = await api.call('GET', english, { headers: { 'accept-language': 'zh-CN,zh' } });
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('How was our store?');
    expect(page.text).not.toMatch(/[\u4e00-\u9fff]/);
    const thanks = await api.call('POST', english, form({ score: '5' }));
    expect(thanks.text).toContain('Thank you for your feedback!');
    // A message sent without a language: the browser's decides.
    const browser = await api.call('GET', fromJourney, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(browser.status).toBe(409);
    expect(browser.text).toContain('Already answered');
    expect((await api.call('GET', fromJourney)).text).toContain('您已提交过');

    const report = await api.call('GET', `/api/v1/surveys/${surveyId}/report`, { key: w.keys.viewer });
    expect(report.body.total).toMatchObject({ sent: 5, responses: 4, csat_mean: (2 + 5 + 4 + 5) / 4 });
    const journeys = report.body.by_journey.map((j: { key: string; sent: number }) => [j.key, j.sent]);
    expect(journeys).toHaveLength(2);

    // Renamed since the template was saved: a send fails saying so, never with an empty link.
    const renamed = await api.call('PATCH', `/api/v1/surveys/${surveyId}`, {
      key: w.keys.operator,
      body: { definition: { ...CSAT, name: '门店满意度2' } },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const failed = await api.call('POST', '/api/v1/messages', {
      key: w.keys.operator,
      body: { template: TEMPLATE.name, customer_id: ids.L4, idempotency_key: 'renamed-1' },
    });
    expect(failed.body).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/no survey "门店满意度"/),
    });
    await api.call('PATCH', `/api/v1/surveys/${surveyId}`, {
      key: w.keys.operator,
      body: { definition: CSAT },
    });
  });

  it('limits the page per address: past the limit a clear 429 page, in the browser language', async () => {
    const limited = await startApi(database, { surveyRequestsPerMinute: 3 });
    try {
      const link = linkTo('L1');
      for (let i = 0; i < 3; i++) expect((await limited.call('GET', link)).status).toBe(409);
      const busy = await limited.call('GET', link);
      expect(busy.status).toBe(429);
      expect(busy.headers.get('content-type')).toMatch(/text\/html/);
      expect(busy.text).toContain('请稍后再试');
      expect(busy.text).not.toMatch(/Error|at .+\.ts|statusCode|"message"/);
      const post = await limited.call('POST', link, form({ score: '1' }));
      expect(post.status).toBe(429);
      const english = await limited.call('GET', '/s/anything', { headers: { 'accept-language': 'en' } });
      expect(english.status).toBe(429);
      expect(english.text).toContain('Please try again later');
      expect(english.text).toContain('<html lang="en">');
      // Only the public page is limited, not the server.
      expect((await limited.call('GET', '/healthz')).status).toBe(200);
      // The refused answer changed nothing.
      const answers = await api.call('GET', `/api/v1/customers/${ids.L1}/survey-responses`, {
        key: w.keys.admin,
      });
      expect(
        answers.body.items.filter((a: { survey_name: string }) => a.survey_name === CSAT.name),
      ).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
