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
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';
import { CSAT, CSAT_ANSWERS, CUSTOM, CUSTOM_ANSWERS, expectedAnswers } from './survey-csat-custom-data.ts';

// CSAT and custom surveys answered through the public page, their rules (CSAT ≤ 2, a keyword),
// their report against a computation here, and the segment on the last CSAT.

const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const DAY = 86_400_000;

afterAll(async () => {
  setClock(undefined);
  delete process.env.RETAIN_PUBLIC_URL;
  await dropTestSchemas();
});

describe.each(storesUnderTest())('CSAT and custom surveys ($name)', (store) => {
  let database: Database;
  let api: Api;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let w: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  let owner: number;
  const survey: Record<string, number> = {};
  const email = (p: string) => `${p.toLowerCase()}-csat-${store.name}@example.com`;
  const people = CSAT_ANSWERS.map(([p]) => p);
  const form = (fields: [string, string][]) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    raw: new URLSearchParams(fields).toString(),
  });
  /** The survey link of the nth mail a customer received. */
  const linkOf = (p: string, nth: number) => {
    const mail = smtp.mail.filter((m) => m.to.includes(email(p)));
    const link = /(http:\/\/\S+\/s\/\S+)/.exec(mail[nth]?.text ?? '')?.[1];
    expect(link, `${p} mail ${nth}`).toBeDefined();
    return link!.slice(api.base.length);
  };
  const tasksOf = async (p: string) =>
    (await api.call('GET', `/api/v1/customers/${ids[p]}/tasks`, { key: w.keys.admin })).body.items as {
      kind: string;
      title: string;
      assignee_id: number | null;
      source: string;
    }[];
  const count = async (condition: unknown) => {
    const r = await api.call('POST', '/api/v1/segments/preview', {
      key: w.keys.admin,
      body: { condition, sample: 10 },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.count as number;
  };

  beforeAll(async () => {
    setClock(new Date(T0 - DAY));
    database = await store.open();
    smtp = await startSmtpSink();
    w = await workspaceWithKeys(database, `csat-${store.name}`);
    api = await startApi(database, { surveyRequestsPerMinute: 10_000 });
    process.env.RETAIN_PUBLIC_URL = api.base;
    await useLocalChannels(database.db, w.workspace.id, { smtpPort: smtp.port });
    await importText(
      database,
      w.workspace,
      'customers',
      `customer_id,name,email\n${people.map((p) => `${p},客户${p},${email(p)}`).join('\n')}\n`,
    );
    ids = await customerIds(database.db, w.workspace.id);
    owner = (
      await createUser(database.db, w.workspace.id, cliActor(), {
        email: `owner-${store.name}@shop.cn`,
        password: 'a long enough secret',
        role: 'service',
      })
    ).user.id;
    for (const p of people)
      await updateCustomer(database.db, w.workspace.id, ids[p]!, { owner_user_id: owner });
    for (const def of [CSAT, CUSTOM]) {
      const r = await api.call('POST', '/api/v1/surveys', { key: w.keys.operator, body: def });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      survey[def.name] = r.body.id;
    }
    await saveTemplates(database.db, w.workspace.id, [
      {
        name: '评价邀请',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': '请评价' },
        body: { 'zh-CN': '评价：{{ survey_link }}' },
      },
    ]);
    for (const [name, event, s] of [
      ['售后回访调查', 'ticket_closed', CSAT.name],
      ['门店体验调查', 'store_visited', CUSTOM.name],
    ] as const)
      await applyJourney(database.db, w.workspace.id, {
        name,
        trigger: { event },
        reentry: 'once',
        attribution_days: 7,
        start: 'ask',
        steps: {
          ask: { type: 'send_survey', survey: s, templates: ['评价邀请'], next: 'end' },
          end: { type: 'exit' },
        },
      });
    // Every customer closes a ticket; the first five visit a store (a second mail for them).
    const events = [
      ...people.map((p) => `${p},ticket_closed,2026-03-02 08:00`),
      ...CUSTOM_ANSWERS.map(([p]) => `${p},store_visited,2026-03-02 09:00`),
    ];
    await importText(database, w.workspace, 'events', `customer_id,type,occurred_at\n${events.join('\n')}\n`);
    setClock(new Date(T0));
    await runOnce(database.db, [w.workspace.name]);
    await runOnce(database.db, [w.workspace.name]);
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
    await database?.close();
  });

  it('takes CSAT answers; a score of 2 or less and a keyword each make their task', async () => {
    const page = await api.call('GET', linkOf('C1', 0));
    expect(page.status).toBe(200);
    for (let n = 1; n <= 5; n++) expect(page.text).toContain(`name="score" value="${n}"`);
    expect(page.text).not.toContain('name="score" value="0"');
    const zero = await api.call('POST', linkOf('C1', 0), form([['score', '0']]));
    expect(zero.status).toBe(400);
    expect(zero.text).toContain('请选择 1 到 5 分');
    for (const [p, score, comment] of CSAT_ANSWERS) {
      const r = await api.call(
        'POST',
        linkOf(p, 0),
        form([
          ['score', String(score)],
          ['comment', comment],
        ]),
      );
      expect(r.status, p).toBe(200);
    }
    for (const [p, score, comment] of CSAT_ANSWERS) {
      const expected: { kind: string; title: string }[] = [];
      if (score <= 2) expected.push({ kind: 'callback', title: `回访客户${p}（${score} 分）` });
      if (/投诉|refund/i.test(comment)) expected.push({ kind: 'complaint', title: `投诉：客户${p}` });
      const tasks = await tasksOf(p);
      expect(
        tasks.map((t) => ({ kind: t.kind, title: t.title })).sort((a, b) => a.kind.localeCompare(b.kind)),
        p,
      ).toEqual(expected.sort((a, b) => a.kind.localeCompare(b.kind)));
      for (const t of tasks) expect(t).toMatchObject({ assignee_id: owner, source: 'survey' });
    }
    const stored = await api.call('GET', `/api/v1/surveys/${survey[CSAT.name]}/responses?limit=50`, {
      key: w.keys.admin,
    });
    expect(
      stored.body.items
        .map((r: { customer_id: number; score: number; comment: string | null }) => [
          people.find((p) => ids[p] === r.customer_id),
          r.score,
          r.comment ?? '',
        ])
        .sort(),
    ).toEqual([...CSAT_ANSWERS].sort());
  });

  it('reports the CSAT mean, the share satisfied and the distribution as computed here', async () => {
    const scores = CSAT_ANSWERS.map(([, s]) => s);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const satisfied = (scores.filter((s) => s >= 4).length / scores.length) * 100;
    const r = await api.call('GET', `/api/v1/surveys/${survey[CSAT.name]}/report`, { key: w.keys.viewer });
    expect(r.status).toBe(200);
    expect(r.body.total).toMatchObject({ sent: 8, responses: 8, response_rate: 100, nps: null });
    expect(r.body.total.csat_mean).toBeCloseTo(mean, 2);
    expect(r.body.total.csat_satisfied_percent).toBeCloseTo(satisfied, 1);
    expect(r.body.distribution).toEqual(
      [1, 2, 3, 4, 5].map((score) => ({ score, responses: scores.filter((s) => s === score).length })),
    );
    expect(r.body.by_month.map((m: { key: string; responses: number }) => [m.key, m.responses])).toEqual([
      ['2026-03', 8],
    ]);
  });

  it('takes custom answers: single, multiple, rating and text; counts each choice as computed here', async () => {
    const first = linkOf('C1', 1);
    const page = await api.call('GET', first);
    expect(page.text).toContain('门店体验调查');
    expect(page.text).toContain('name="q_likes"');
    const bad = async (fields: [string, string][], message: string) => {
      const r = await api.call('POST', first, form(fields));
      expect(r.status, message).toBe(400);
      expect(r.text).toContain(message);
    };
    await bad([['q_stars', '4']], '请回答此题');
    await bad([['q_store', 'nowhere']], '请从选项中选择');
    await bad(
      [
        ['q_store', 'xihu'],
        ['q_store', 'binjiang'],
      ],
      '只能选一项',
    );
    await bad(
      [
        ['q_store', 'xihu'],
        ['q_stars', '6'],
      ],
      '请选择 1 到 5 星',
    );
    await bad(
      [
        ['q_store', 'xihu'],
        ['q_likes', '__proto__'],
      ],
      '请从选项中选择',
    );
    await bad(
      [
        ['q_store', 'xihu'],
        ['q_say', 'a\u0000b'],
      ],
      '含有无法保存的字符',
    );
    for (const [p, fields] of CUSTOM_ANSWERS)
      expect((await api.call('POST', linkOf(p, 1), form(fields))).status, p).toBe(200);

    const stored = await api.call('GET', `/api/v1/surveys/${survey[CUSTOM.name]}/responses?limit=50`, {
      key: w.keys.admin,
    });
    for (const [p, fields] of CUSTOM_ANSWERS) {
      const row = stored.body.items.find((r: { customer_id: number }) => r.customer_id === ids[p]);
      expect(row.answers, p).toEqual(expectedAnswers(fields));
      // A custom survey's score is its first rating.
      expect(row.score, p).toBe(
        fields.find(([k]) => k === 'q_stars') ? Number(fields.find(([k]) => k === 'q_stars')![1]) : null,
      );
    }
    const r = await api.call('GET', `/api/v1/surveys/${survey[CUSTOM.name]}/report`, { key: w.keys.viewer });
    const given = CUSTOM_ANSWERS.map(([, f]) => expectedAnswers(f));
    const countOf = (q: string, v: string) =>
      given.filter((a) => (Array.isArray(a[q]) ? (a[q] as string[]).includes(v) : a[q] === v)).length;
    expect(r.body.choices).toEqual([
      {
        question: 'store',
        options: ['xihu', 'binjiang'].map((v) => ({ value: v, responses: countOf('store', v) })),
      },
      {
        question: 'likes',
        options: ['price', 'service', 'speed'].map((v) => ({ value: v, responses: countOf('likes', v) })),
      },
    ]);
    const stars = given.flatMap((a) => (typeof a.stars === 'number' ? [a.stars] : []));
    expect(r.body.total).toMatchObject({ sent: 5, responses: 5 });
    expect(r.body.total.csat_mean).toBeCloseTo(stars.reduce((a, b) => a + b, 0) / stars.length, 2);
    // The keyword rule reads the text questions: 地面很脏 makes C2 a complaint.
    expect((await tasksOf('C2')).filter((t) => t.title === '门店卫生：客户C2')).toHaveLength(1);
    for (const p of ['C1', 'C3', 'C4', 'C5'])
      expect(
        (await tasksOf(p)).filter((t) => t.title.startsWith('门店卫生')),
        p,
      ).toHaveLength(0);
  });

  it('segments on the last CSAT at most N, and within_days leaves an older answer out', async () => {
    const low = CSAT_ANSWERS.filter(([, s]) => s <= 2).length;
    expect(await count({ survey: { kind: 'csat' }, score: { op: 'lte', value: 2 } })).toBe(low);
    expect(await count({ survey: { name: CSAT.name }, score: { op: 'gte', value: 4 } })).toBe(
      CSAT_ANSWERS.filter(([, s]) => s >= 4).length,
    );
    // A custom survey's answers are not CSAT answers.
    expect(await count({ survey: { kind: 'custom' }, score: { op: 'lte', value: 2 } })).toBe(1);
    // Forty days on, C2 answers the CSAT again, through a link in a plain message: 5 this time.
    setClock(new Date(T0 + 40 * DAY));
    await saveTemplates(database.db, w.workspace.id, [
      {
        name: '再次评价',
        channel: 'email',
        purpose: 'transactional',
        subject: { 'zh-CN': '请再评价' },
        body: { 'zh-CN': `评价：{{ "${CSAT.name}" | survey_link }}` },
      },
    ]);
    const sent = await api.call('POST', '/api/v1/messages', {
      key: w.keys.operator,
      body: { template: '再次评价', customer_id: ids.C2, idempotency_key: 'again-c2' },
    });
    expect(sent.body.status).toBe('sent');
    expect((await api.call('POST', linkOf('C2', 2), form([['score', '5']]))).status).toBe(200);
    // The last answer decides: C2 is no longer unhappy.
    expect(await count({ survey: { kind: 'csat' }, score: { op: 'lte', value: 2 } })).toBe(low - 1);
    // Within 30 days only C2's new answer counts; the older ones are left out.
    expect(await count({ survey: { kind: 'csat', within_days: 30 } })).toBe(1);
    expect(await count({ survey: { kind: 'csat', within_days: 30 }, score: { op: 'lte', value: 2 } })).toBe(
      0,
    );
    expect(await count({ survey: { kind: 'csat', within_days: 50 }, score: { op: 'lte', value: 2 } })).toBe(
      low - 1,
    );
    setClock(new Date(T0));
  });
});
