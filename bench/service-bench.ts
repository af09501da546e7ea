/**
 * `npm run bench:service`: the service side under load, with `retain serve` in its own process on
 * the embedded store (PGlite).
 *
 * 1. Survey answers through the public page: POST /s/{token} (a new personal link each request,
 *    NPS with a written reason, a detractor rule making tasks), for BENCH_SECONDS each way: as
 *    many as 8 connections get through one after another (autocannon), and as respondents
 *    arriving at a steady 500 per second who do not wait for each other (`paced`): answers/s,
 *    p50 and p99, beside GET /healthz of the same server in the same run.
 * 2. The task list at 100k tasks (BENCH_TASKS): GET /api/v1/tasks pages (all open, overdue, one
 *    assignee's, the queue) at a steady 50 requests/s: p99, beside /healthz at the same rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApiKey } from '../src/access/api-key-service.ts';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { openDatabase } from '../src/db/database.ts';
import { trackingKey } from '../src/messaging/tracking-token.ts';
import { createSurvey } from '../src/surveys/survey-service.ts';
import { surveyToken } from '../src/surveys/survey-token.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { type Load, load, paced, seconds, serve, stop, waitForPort } from './bench-server.ts';
import { seedCustomers } from './customer-store.ts';

const CUSTOMERS = 20_000;
const LINKS = Number(process.env.BENCH_LINKS ?? 100_000);
const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const PORT = 3911;

/** A store with customers, a survey sent as LINKS messages, TASKS tasks and 10 service users. */
async function prepare(dir: string) {
  const store = await openDatabase({ dataDir: dir });
  const ws = await ensureWorkspace(store.db, 'bench');
  await seedCustomers(store.db, ws.id, CUSTOMERS);
  const survey = await createSurvey(store.db, ws, cliActor(), {
    name: '购后NPS',
    kind: 'nps',
    title: { 'zh-CN': '感谢您的购买' },
    comment_prompt: { 'zh-CN': '原因' },
    rules: [{ when: { nps_group: ['detractor'] }, task: { kind: 'complaint' } }],
  });
  const expires = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const ids = await sql<{ id: number }>`
    insert into messages (workspace_id, customer_id, channel, template, purpose, idempotency_key, status, sent_at, variables)
    select ${ws.id}, 1 + i % ${CUSTOMERS}, 'email', 'nps', 'transactional', 'bench:' || i, 'sent', now(),
      jsonb_build_object('survey_id', ${survey.id}::int, 'survey_expires', ${expires}::bigint)
    from generate_series(1, ${LINKS}) i returning id`.execute(store.db);
  const key = await trackingKey(store.db);
  const tokens = ids.rows.map((r) =>
    surveyToken(key, { workspaceId: ws.id, messageId: Number(r.id), surveyId: survey.id, expires }),
  );
  const users: number[] = [];
  for (let u = 0; u < 10; u++)
    users.push(
      (
        await createUser(store.db, ws.id, cliActor(), {
          email: `kf${u}@bench.cn`,
          password: 'a long enough secret',
          role: 'service',
        })
      ).user.id,
    );
  await sql`insert into tasks (workspace_id, customer_id, kind, title, assignee_id, due_at, created_by, source, status)
    select ${ws.id}, 1 + i % ${CUSTOMERS}, (array['callback','vip_care','winback_call'])[1 + i % 3], '回访 ' || i,
      case when i % 11 = 0 then null else (${users}::int[])[1 + i % 10] end,
      now() + ((i % 240) - 120) * interval '1 hour', 'bench', 'bulk',
      (array['open','open','in_progress','done'])[1 + i % 4]
    from generate_series(1, ${TASKS}) i`.execute(store.db);
  await sql`analyze`.execute(store.db);
  const apiKey = (await createApiKey(store.db, ws.id, { name: 'bench', role: 'admin' })).key;
  await store.close();
  return { tokens, apiKey, assignee: users[3]! };
}

const dir = mkdtempSync(join(tmpdir(), 'retain-bench-service-'));
const { tokens, apiKey, assignee } = await prepare(dir);
const server = serve(dir, PORT, { RETAIN_SURVEY_RATE_LIMIT: '100000000' });
await waitForPort(PORT);
const base = `http://127.0.0.1:${PORT}`;

let next = 0;
const ANSWER_RATE = 500;
const answerBody = (n: number) => `score=${n % 11}&comment=${encodeURIComponent('物流很快，包装完好')}`;
const answer = {
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  setupRequest: (request: object) => {
    const n = next++;
    if (n >= tokens.length)
      throw new Error(`more answers than the ${tokens.length} links made (BENCH_LINKS)`);
    return { ...request, path: `/s/${tokens[n]}`, body: answerBody(n) };
  },
};
await load(base, { requests: [{ ...answer }], duration: 2 }); // warm up
const surveyRun = await load(base, { requests: [answer] });
const healthRun = await load(base, { requests: [{ method: 'GET', path: '/healthz' }] });
const surveyPaced = await paced(
  base,
  () => {
    const n = next++;
    if (n >= tokens.length)
      throw new Error(`more answers than the ${tokens.length} links made (BENCH_LINKS)`);
    return {
      method: 'POST',
      path: `/s/${tokens[n]}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: answerBody(n),
    };
  },
  ANSWER_RATE,
);
const healthPaced = await paced(base, () => ({ path: '/healthz' }), ANSWER_RATE);

const pages = [
  '/api/v1/tasks?status=open,in_progress&limit=50',
  '/api/v1/tasks?overdue=true&limit=50',
  `/api/v1/tasks?assignee=${assignee}&status=open&limit=50`,
  '/api/v1/tasks?assignee=queue&limit=50',
];
const taskRun = await paced(
  base,
  (i) => ({ path: pages[i % pages.length]!, headers: { authorization: `Bearer ${apiKey}` } }),
  50,
);
const taskFloor = await paced(base, () => ({ path: '/healthz' }), 50);
const answered = await fetch(`${base}/api/v1/surveys/1/report`, {
  headers: { authorization: `Bearer ${apiKey}` },
});
const total = ((await answered.json()) as { total: { responses: number } }).total.responses;
await stop(server);
rmSync(dir, { recursive: true, force: true });

const row = (name: string, l: Load) =>
  `| ${name} | ${Math.round(l.rps).toLocaleString('en')} | ${l.p50} ms | ${l.p99} ms | ${l.errors} |`;
console.log(`\nService benchmark, ${seconds} s per run over 127.0.0.1 (embedded PGlite store)\n`);
console.log('| run | per second | p50 | p99 | errors |\n|---|---|---|---|---|');
console.log(row('Retain POST /s/{token}: survey answers, 8 connections one after another', surveyRun));
console.log(row('baseline: GET /healthz, 8 connections', healthRun));
console.log(row(`Retain POST /s/{token}: respondents arriving at ${ANSWER_RATE}/s`, surveyPaced));
console.log(row(`baseline: GET /healthz at ${ANSWER_RATE}/s`, healthPaced));
console.log(row(`Retain GET /api/v1/tasks pages at 50 req/s, ${TASKS.toLocaleString('en')} tasks`, taskRun));
console.log(row('baseline: GET /healthz at 50 req/s', taskFloor));
console.log(`\nanswers stored: ${total.toLocaleString('en')}`);
const surveyMet = surveyPaced.rps >= 0.99 * ANSWER_RATE && surveyPaced.errors === 0 && surveyPaced.p99 < 100;
console.log(`survey target (500 answers/s kept up with, p99 < 100 ms): ${surveyMet ? 'met' : 'NOT met'}`);
console.log(`task list target (p99 < 100 ms at 100k tasks): ${taskRun.p99 < 100 ? 'met' : 'NOT met'}`);
