import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { updateCustomer } from '../src/customers/customer-update.ts';
import type { Database } from '../src/db/database.ts';
import { applyJourney } from '../src/journeys/journey-service.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { TEXT_MUTANTS } from './fuzz-values.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const T0 = Date.parse('2026-04-01T10:00:00+08:00');
const DAY = 86_400_000;

afterAll(async () => {
  setClock(undefined);
  delete process.env.RETAIN_PUBLIC_URL;
  await dropTestSchemas();
});

const NPS = {
  name: '购后NPS',
  kind: 'nps',
  title: { 'zh-CN': '感谢您的购买', en: 'Thanks for your order' },
  comment_prompt: { 'zh-CN': '请告诉我们原因', en: 'Why?' },
  rules: [
    {
      when: { nps_group: ['detractor'] },
      task: { kind: 'complaint', title: '差评回访：{{ name }}（{{ score }} 分）' },
    },
  ],
};

/** Independent NPS: the mean of +1/0/−1 per answer, with the standard error of that mean (population form). */
function independentNps(scores: number[]) {
  const values: number[] = scores.map((s) => (s >= 9 ? 1 : s <= 6 ? -1 : 0));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  const half = 1.96 * Math.sqrt(variance / values.length);
  return { nps: mean * 100, low: Math.max(-1, mean - half) * 100, high: Math.min(1, mean + half) * 100 };
}

describe.each(storesUnderTest())('surveys: send, answer once, act on detractors ($name)', (store) => {
  let database: Database;
  let api: Api;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let w: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  let agent: number;
  let surveyId: number;
  const links: Record<string, string> = {};
  const email = (p: string) => `${p.toLowerCase()}-${store.name}@example.com`;
  const form = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    raw: new URLSearchParams(fields).toString(),
  });

  /** K1 answered: opening the link or posting again says so (409, 您已提交过) and records nothing. */
  const expectK1ToldAnswered = async () => {
    const responses = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from survey_responses`.execute(database.db))
          .rows[0]!.n,
      );
    const before = await responses();
    for (const again of [
      await api.call('GET', links.K1!),
      await api.call('POST', links.K1!, form({ score: '10' })),
    ]) {
      expect(again.status).toBe(409);
      expect(again.text).toContain('您已提交过');
    }
    expect(await responses()).toBe(before);
  };

  beforeAll(async () => {
    setClock(new Date(T0 - DAY));
    database = await store.open();
    smtp = await startSmtpSink();
    w = await workspaceWithKeys(database, `survey-${store.name}`);
    api = await startApi(database, { surveyRequestsPerMinute: 10_000 });
    process.env.RETAIN_PUBLIC_URL = api.base;
    await useLocalChannels(database.db, w.workspace.id, { smtpPort: smtp.port });
    const people = ['K1', 'K2', 'K3', 'K4'];
    await importText(
      database,
      w.workspace,
      'customers',
      `customer_id,name,email\n${people.map((p) => `${p},客户${p},${p === 'K4' ? '' : email(p)}`).join('\n')}\n`,
    );
    ids = await customerIds(database.db, w.workspace.id);
    agent = (
      await createUser(database.db, w.workspace.id, cliActor(), {
        email: `kf-${store.name}@shop.cn`,
        password: 'a long enough secret',
        role: 'service',
      })
    ).user.id;
    await updateCustomer(database.db, w.workspace.id, ids.K1!, { owner_user_id: agent });
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
    await database?.close();
  });

  it('refuses a bad survey with the field at fault', async () => {
    const bad = async (body: unknown) => {
      const r = await api.call('POST', '/api/v1/surveys', { key: w.keys.operator, body });
      expect(r.status).toBe(400);
      return r.body.fields.map((f: { field: string }) => f.field) as string[];
    };
    expect(await bad({ ...NPS, kind: 'stars' })).toContain('body.kind');
    expect(await bad({ ...NPS, kind: 'custom' })).toContain('body.questions');
    expect(await bad({ ...NPS, rules: [{ when: {}, task: {} }] })).toContain('body.rules.0.when');
    const kind = await api.call('POST', '/api/v1/surveys', {
      key: w.keys.operator,
      body: { ...NPS, rules: [{ when: { score_max: 6 }, task: { kind: 'massage' } }] },
    });
    expect(kind.status).toBe(400);
    expect(kind.body.message).toMatch(/rules\.0\.task\.kind: unknown task kind/);
    expect(
      await bad(JSON.parse(`{"name":"x","kind":"nps","title":{"zh-CN":"t"},"__proto__":{"a":1}}`)),
    ).toHaveLength(1);
    const viewer = await api.call('POST', '/api/v1/surveys', { key: w.keys.viewer, body: NPS });
    expect(viewer.status).toBe(403);
  });

  it('sends each customer a personal link by email from a journey', async () => {
    const created = await api.call('POST', '/api/v1/surveys', { key: w.keys.operator, body: NPS });
    expect(created.status).toBe(201);
    surveyId = created.body.id;
    const again = await api.call('POST', '/api/v1/surveys', { key: w.keys.operator, body: NPS });
    expect(again.status).toBe(409);
    await saveTemplates(database.db, w.workspace.id, [
      {
        name: '邀请评价',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': '{{ name }}，请为本次购物打分' },
        body: { 'zh-CN': '点击填写：{{ survey_link }}' },
      },
    ]);
    await applyJourney(database.db, w.workspace.id, {
      name: '签收后调查',
      trigger: { event: 'order_delivered' },
      reentry: 'once',
      attribution_days: 7,
      start: 'ask',
      steps: {
        ask: { type: 'send_survey', survey: '购后NPS', templates: ['邀请评价'], next: 'end' },
        end: { type: 'exit' },
      },
    });
    await applyJourney(database.db, w.workspace.id, {
      name: '差评安抚',
      trigger: { survey_answered: { survey: '购后NPS', score_max: 6 } },
      reentry: 'once',
      attribution_days: 7,
      start: 'mark',
      steps: { mark: { type: 'tag', add: ['差评'], remove: [], next: 'end' }, end: { type: 'exit' } },
    });
    await importText(
      database,
      w.workspace,
      'events',
      `customer_id,type,occurred_at\n${['K1', 'K2', 'K3', 'K4'].map((p) => `${p},order_delivered,2026-04-01 09:00`).join('\n')}\n`,
    );
    setClock(new Date(T0));
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    for (const p of ['K1', 'K2', 'K3']) {
      const mail = smtp.mail.filter((m) => m.to.includes(email(p)));
      expect(mail, p).toHaveLength(1);
      const link = /(http:\/\/\S+\/s\/\S+)/.exec(mail[0]!.text)?.[1];
      expect(link, p).toBeDefined();
      links[p] = link!.slice(api.base.length);
    }
    // K4 has no address: nothing sent, and no link counts as sent.
    expect(new Set(Object.values(links)).size).toBe(3);
  });

  it('shows a light page without script, and takes one answer per link', async () => {
    const page = await api.call('GET', links.K1!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('感谢您的购买');
    expect(page.text).not.toMatch(/<script/i);
    expect(Buffer.byteLength(page.text)).toBeLessThan(50 * 1024);
    for (let n = 0; n <= 10; n++) expect(page.text).toContain(`name="score" value="${n}"`);

    const out = await api.call('POST', links.K1!, form({ score: '11', comment: 'x' }));
    expect(out.status).toBe(400);
    expect(out.text).toContain('请选择 0 到 10 分');
    expect(out.text).toContain('>x</textarea>');

    const answered = await api.call('POST', links.K1!, form({ score: '3', comment: '物流太慢，包装破损' }));
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('感谢您的反馈');
    const twice = await api.call('POST', links.K1!, form({ score: '10' }));
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('您已提交过');
    expect((await api.call('GET', links.K1!)).status).toBe(409);

    const tasks = await api.call('GET', `/api/v1/customers/${ids.K1}/tasks`, { key: w.keys.service });
    expect(tasks.body.items).toHaveLength(1);
    expect(tasks.body.items[0]).toMatchObject({
      kind: 'complaint',
      title: '差评回访：客户K1（3 分）',
      assignee_id: agent,
      source: 'survey',
      notes: '物流太慢，包装破损',
      status: 'open',
    });
    const answers = await api.call('GET', `/api/v1/customers/${ids.K1}/survey-responses`, {
      key: w.keys.viewer,
    });
    expect(answers.body.items).toEqual([
      expect.objectContaining({
        survey_name: '购后NPS',
        score: 3,
        nps_group: 'detractor',
        comment: '物流太慢，包装破损',
      }),
    ]);
    expect(answers.body.items[0].customer_name).not.toBe('客户K1');
  });

  it('refuses tampered, unknown and expired links with a page, never an error', async () => {
    const token = links.K2!.slice(3);
    const flipped = `/s/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const tampered = await api.call('POST', flipped, form({ score: '10' }));
    expect(tampered.status).toBe(404);
    expect(tampered.text).toContain('链接无效');
    const otherSurvey = `/s/${token.replace(/^(\d+\.\d+\.)(\d+)/, (_m, a, b) => `${a}${Number(b) + 1}`)}`;
    expect((await api.call('GET', otherSurvey)).status).toBe(404);
    for (const m of TEXT_MUTANTS) {
      const r = await api.call('GET', `/s/${m.value}`);
      expect(r.status, m.label).toBeLessThan(500);
      const p = await api.call('POST', `/s/${m.value}`, form({ score: String(m.value) }));
      expect(p.status, m.label).toBeLessThan(500);
    }
    for (const raw of [
      'score=%FF',
      'score=1&score=2&comment=a%00b',
      '%%%',
      `comment=${'x'.repeat(70_000)}`,
      '__proto__=1&constructor=2&score=99',
    ])
      expect(
        (
          await api.call('POST', links.K2!, {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            raw,
          })
        ).status,
        raw,
      ).toBeLessThan(500);
    const json = await api.call('POST', links.K2!, { body: { score: 9 } });
    expect(json.status).toBeLessThan(500);
    setClock(new Date(T0 + 15 * DAY));
    const expired = await api.call('GET', links.K3!);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('链接已过期');
    // K1 answered before the link expired: told so, opening it or posting again, and nothing changes.
    await expectK1ToldAnswered();
    setClock(new Date(T0 + DAY));
  });

  it('reports NPS and response rate as an independent computation gives them', async () => {
    expect((await api.call('POST', links.K2!, form({ score: '10' }))).status).toBe(200);
    expect((await api.call('POST', links.K3!, form({ score: '8', comment: '还行' }))).status).toBe(200);
    // A saved segment of K1 and K2 (and K4, who was sent nothing): its figures cover their answers only.
    for (const p of ['K1', 'K2', 'K4'])
      expect(
        (
          await api.call('POST', `/api/v1/customers/${ids[p]}/tags`, {
            key: w.keys.admin,
            body: { tag: '老客' },
          })
        ).status,
      ).toBe(200);
    const segment = await api.call('POST', '/api/v1/segments', {
      key: w.keys.admin,
      body: { name: '老客户', condition: { tag: '老客' } },
    });
    expect(segment.status).toBe(201);
    const r = await api.call('GET', `/api/v1/surveys/${surveyId}/report`, { key: w.keys.viewer });
    expect(r.status).toBe(200);
    const inSegment = independentNps([3, 10]);
    expect(r.body.by_segment).toHaveLength(1);
    expect(r.body.by_segment[0]).toMatchObject({ key: '老客户', sent: 2, responses: 2, response_rate: 100 });
    expect(r.body.by_segment[0].nps).toBeCloseTo(inSegment.nps, 1);
    const expected = independentNps([3, 10, 8]);
    expect(r.body.total).toMatchObject({
      sent: 3,
      responses: 3,
      response_rate: 100,
      promoters: 1,
      passives: 1,
      detractors: 1,
    });
    expect(r.body.total.nps).toBeCloseTo(expected.nps, 1);
    expect(r.body.total.nps_low).toBeCloseTo(expected.low, 1);
    expect(r.body.total.nps_high).toBeCloseTo(expected.high, 1);
    expect(r.body.by_journey.map((f: { key: string }) => f.key)).toEqual(['签收后调查']);
    expect(r.body.by_channel.map((f: { key: string }) => f.key)).toEqual(['email']);
    expect(
      r.body.distribution
        .filter((d: { responses: number }) => d.responses)
        .map((d: { score: number }) => d.score),
    ).toEqual([3, 8, 10]);
    const verbatims = await api.call('GET', `/api/v1/surveys/${surveyId}/responses?with_text=true`, {
      key: w.keys.admin,
    });
    expect(verbatims.body.items.map((v: { comment: string }) => v.comment)).toEqual([
      '还行',
      '物流太慢，包装破损',
    ]);
    expect(verbatims.body.items[1].customer_name).toBe('客户K1');
  });

  it('segments on the last answer and starts journeys on detractor answers', async () => {
    const count = async (condition: unknown) => {
      const r = await api.call('POST', '/api/v1/segments/preview', {
        key: w.keys.admin,
        body: { condition, sample: 10 },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.count as number;
    };
    expect(await count({ survey: { name: '购后NPS' }, nps_group: ['detractor'] })).toBe(1);
    expect(await count({ survey: { kind: 'nps', within_days: 30 }, score: { op: 'gte', value: 8 } })).toBe(2);
    expect(await count({ survey: { name: '购后NPS' } })).toBe(3);
    expect(await count({ survey: { name: '别的问卷' } })).toBe(0);
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    expect(await count({ tag: '差评' })).toBe(1);
    expect(await count({ all: [{ tag: '差评' }, { survey: {}, nps_group: ['detractor'] }] })).toBe(1);
    const bad = await api.call('POST', '/api/v1/segments/preview', {
      key: w.keys.admin,
      body: { condition: { survey: {}, nps_group: ['angry'] } },
    });
    expect(bad.status).toBe(400);
  });

  it("escalates the detractor's complaint task to its owner by email once it is overdue", async () => {
    const set = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: w.keys.admin,
      body: { 'tasks.escalation.enabled': true, 'tasks.escalation.assignee_after_minutes': 30 },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const toAgent = () => smtp.mail.filter((m) => m.to.includes(`kf-${store.name}@shop.cn`));
    // The task is due 24 hours after the answer (T0): not yet overdue by 30 minutes at T0 + 24 h.
    setClock(new Date(T0 + DAY));
    await runOnce(database.db, [w.workspace.name]);
    expect(toAgent()).toHaveLength(0);
    setClock(new Date(T0 + DAY + 31 * 60_000));
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    expect(toAgent()).toHaveLength(1);
    expect(`${toAgent()[0]!.subject}\n${toAgent()[0]!.text}`).toContain('差评回访：客户K1（3 分）');
  });

  it('tells whoever answered so once the survey is archived, opening the link or posting again', async () => {
    const archived = await api.call('PATCH', `/api/v1/surveys/${surveyId}`, {
      key: w.keys.admin,
      body: { status: 'archived' },
    });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    await expectK1ToldAnswered();
  });
});
