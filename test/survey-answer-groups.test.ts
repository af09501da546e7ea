import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { applyJourney } from '../src/journeys/journey-service.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { submitAnswers } from '../src/surveys/survey-answer.ts';
import { runOnce } from '../src/worker/worker.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { importText, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const T0 = Date.parse('2026-05-01T10:00:00+08:00');
const PEOPLE = Array.from({ length: 24 }, (_v, i) => `P${i + 1}`);
/** Customers whose links are answered as one group written directly. */
const GROUPED = ['G1', 'G2', 'G3'];
const EVERYONE = [...PEOPLE, ...GROUPED];

afterAll(async () => {
  setClock(undefined);
  delete process.env.RETAIN_PUBLIC_URL;
  await dropTestSchemas();
});

// Answers posted at once through the public page are written in groups (one commit for many);
// each must still count once, make its own task and never take another's.
describe.each(storesUnderTest())('survey answers posted at once ($name)', (store) => {
  let database: Database;
  let api: Api;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let w: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const links: Record<string, string> = {};
  const email = (p: string) => `${p.toLowerCase()}-${store.name}@example.com`;
  const post = (link: string, fields: Record<string, string>) =>
    api.call('POST', link, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: new URLSearchParams(fields).toString(),
    });

  beforeAll(async () => {
    setClock(new Date(T0 - 3_600_000));
    database = await store.open();
    smtp = await startSmtpSink();
    w = await workspaceWithKeys(database, `survey-groups-${store.name}`);
    api = await startApi(database, { surveyRequestsPerMinute: 10_000 });
    process.env.RETAIN_PUBLIC_URL = api.base;
    await useLocalChannels(database.db, w.workspace.id, { smtpPort: smtp.port });
    await importText(
      database,
      w.workspace,
      'customers',
      `customer_id,name,email\n${EVERYONE.map((p) => `${p},客户${p},${email(p)}`).join('\n')}\n`,
    );
    const survey = await api.call('POST', '/api/v1/surveys', {
      key: w.keys.operator,
      body: {
        name: '到店体验',
        kind: 'nps',
        title: { 'zh-CN': '您愿意推荐我们吗' },
        rules: [
          {
            when: { nps_group: ['detractor'] },
            task: { kind: 'complaint', title: '{{ name }} 给了 {{ score }} 分' },
          },
        ],
      },
    });
    expect(survey.status).toBe(201);
    await saveTemplates(database.db, w.workspace.id, [
      {
        name: '体验邀请',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': '请打分' },
        body: { 'zh-CN': '{{ survey_link }}' },
      },
    ]);
    await applyJourney(database.db, w.workspace.id, {
      name: '到店后调查',
      trigger: { event: 'store_visit' },
      reentry: 'once',
      attribution_days: 7,
      start: 'ask',
      steps: {
        ask: { type: 'send_survey', survey: '到店体验', templates: ['体验邀请'], next: 'end' },
        end: { type: 'exit' },
      },
    });
    await importText(
      database,
      w.workspace,
      'events',
      `customer_id,type,occurred_at\n${EVERYONE.map((p) => `${p},store_visit,2026-05-01 09:30`).join('\n')}\n`,
    );
    setClock(new Date(T0));
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
    for (const p of EVERYONE) {
      const link = /(http:\/\/\S+\/s\/\S+)/.exec(
        smtp.mail.find((m) => m.to.includes(email(p)))?.text ?? '',
      )?.[1];
      expect(link, p).toBeDefined();
      links[p] = link!.slice(api.base.length);
    }
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
    await database?.close();
  });

  it('records each link once, with its own score and task, however the posts were grouped', async () => {
    const score = (i: number) => i % 11;
    // Six links answered twice at once (both posts likely in one group), and a bad score.
    const posts = PEOPLE.flatMap((p, i): { p: string; fields: Record<string, string> }[] => [
      { p, fields: { score: String(score(i)), comment: `来自${p}` } },
      ...(i < 6 ? [{ p, fields: { score: '10' } }] : []),
      ...(i === 7 ? [{ p, fields: { score: '12' } }] : []),
    ]);
    const answers = await Promise.all(posts.map((x) => post(links[x.p]!, x.fields)));
    const statuses = answers.map((a) => a.status);
    // Each link's first answer may be any of its posts; exactly one per link is recorded.
    for (const p of PEOPLE) {
      const mine = posts.flatMap((x, k) => (x.p === p ? [statuses[k]] : []));
      expect(
        mine.filter((s) => s === 200),
        p,
      ).toHaveLength(1);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(PEOPLE.length);

    const report = await api.call('GET', '/api/v1/surveys/1/report', { key: w.keys.viewer });
    expect(report.body.total.responses).toBe(PEOPLE.length);
    expect(report.body.total.sent).toBe(EVERYONE.length);
    const responses = await api.call('GET', '/api/v1/surveys/1/responses?limit=100', { key: w.keys.admin });
    const byCustomer = new Map(
      responses.body.items.map((r: { customer_name: string; score: number }) => [r.customer_name, r.score]),
    );
    expect(byCustomer.size).toBe(PEOPLE.length);
    const tasks = await api.call('GET', '/api/v1/tasks?limit=100', { key: w.keys.admin });
    const titles = tasks.body.items.map((t: { title: string }) => t.title).sort();
    // Independent: every recorded score of 0–6 made exactly one complaint task naming its customer.
    const expected = [...byCustomer]
      .filter(([, s]) => (s as number) <= 6)
      .map(([name, s]) => `${name} 给了 ${s} 分`)
      .sort();
    expect(titles).toEqual(expected);
    const events = await database.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', w.workspace.id)
      .where('type', '=', 'survey_answered')
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(PEOPLE.length);
  });

  it('writes one group with a link twice, a bad score and a forged link, each answered as itself', async () => {
    const token = (p: string) => links[p]!.slice('/s/'.length);
    const at = { browserLocale: 'zh-CN' as const, now: new Date(T0 + 60_000) };
    const results = await submitAnswers(database.db, [
      { token: token('G1'), form: new URLSearchParams('score=2&comment=太慢'), ...at },
      { token: token('G1'), form: new URLSearchParams('score=9'), ...at },
      { token: token('G2'), form: new URLSearchParams('score=11'), ...at },
      { token: `${token('G3').slice(0, -3)}xyz`, form: new URLSearchParams('score=5'), ...at },
      { token: token('G3'), form: new URLSearchParams('score=6'), ...at },
    ]);
    expect(results.map((r) => r.state)).toEqual(['recorded', 'answered', 'problems', 'invalid', 'recorded']);
    expect(results.map((r) => ('tasks' in r ? r.tasks : null))).toEqual([1, null, null, null, 1]);
    const again = await submitAnswers(database.db, [
      { token: token('G2'), form: new URLSearchParams('score=10'), ...at },
      { token: token('G1'), form: new URLSearchParams('score=10'), ...at },
      // Answered before, and a bad form this time: "already answered", not the form's problems.
      { token: token('G3'), form: new URLSearchParams('score=11'), ...at },
    ]);
    expect(again.map((r) => r.state)).toEqual(['recorded', 'answered', 'answered']);
    const responses = await api.call('GET', '/api/v1/surveys/1/responses?limit=100', { key: w.keys.admin });
    const scores = Object.fromEntries(
      responses.body.items.map((r: { customer_name: string; score: number }) => [r.customer_name, r.score]),
    );
    expect(GROUPED.map((g) => scores[`客户${g}`])).toEqual([2, 10, 6]);
  });
});
