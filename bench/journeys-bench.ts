/**
 * `npm run bench:journeys`, two parts on a copy of the benchmarks' 1M-customer PGlite store
 * (BENCH_PART=trigger|sends, default both):
 * - trigger: one evaluation of a daily date trigger for all customers (`scanTrigger`) for the
 *   example birthday journey and the 30-days-after-the-last-order journey on the as-of day
 *   (BENCH_DAY, default 2025-12-31), beside a plain `count(*)` and a plain `insert … select` of the
 *   same customers into a table without indexes, in the same store. The entered counts are checked
 *   against an independent count of who should enter.
 * - sends: BENCH_SENDS (default 20,000) due marketing messages for distinct customers, delivered
 *   by `deliverDue` loops (as `runPass` does) with every guard applied (consent, frequency cap,
 *   quiet hours at a daytime instant, channel priority) to a real SMTP sink, then as many to a real
 *   HTTP webhook sink, both in another process; beside nodemailer with a pooled transport sending
 *   the same number of mails straight to the same SMTP sink, and plain `node:http` keep-alive POSTs to the same
 *   HTTP sink. The sinks count what they received by idempotency key: exactly N distinct, none twice.
 *   BENCH_BATCH sets the messages a round claims at a time (default: deliverDue's, 8 per sender).
 * The store with birthdays and email addresses is derived once from bench/out/api-store-N.
 */
import { type ChildProcess, fork } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { setChannel } from '../src/channels/channel-config.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { scanTrigger } from '../src/journeys/journey-enter.ts';
import { readJourneyFile } from '../src/journeys/journey-parse.ts';
import { runDueEntries } from '../src/journeys/journey-run.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { deliverDue, NO_DELIVERIES } from '../src/messaging/message-deliver.ts';
import { enqueueMessages } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { ensureWorkspace, saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { millionCustomerStore } from './customer-store.ts';

/** The webhook baseline's connections, kept alive (declared before the top-level runs use them). */
const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });

const here = new URL('.', import.meta.url).pathname;
const EXAMPLES = join(here, '../examples/journeys');
const part = process.env.BENCH_PART;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const sends = Number(process.env.BENCH_SENDS ?? 20_000);
const day = process.env.BENCH_DAY ?? '2025-12-31';
/** Messages a delivery round claims at a time (`deliverDue`'s `batch`; its default when unset). */
const batch = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
/** The as-of instant of the trigger scan: the morning of the day in the workspace's zone. */
const scanAt = new Date(`${day}T08:00:00+08:00`);
/** The sends' instant: mid-afternoon in Asia/Shanghai, outside the default quiet hours. */
const sendAt = new Date(`${day}T14:00:00+08:00`);
const EMAIL_TEMPLATE = '复购提醒';
const WEBHOOK_TEMPLATE = '复购提醒 (webhook)';

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: string[] = [];
const verdicts: string[] = [];
const problems: string[] = [];

/** The 1M-customer store with birthdays for every customer and an email address for each, built once. */
async function journeysStore(): Promise<string> {
  const dir = join(here, 'out', `journeys-store-${customers}`);
  if (existsSync(dir)) return dir;
  const source = await millionCustomerStore(customers);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(source, tmp, { recursive: true });
  const store = await openDatabase({ dataDir: tmp });
  const ws = await ensureWorkspace(store.db, 'bench');
  const started = performance.now();
  const [{ n }] = (
    await sql<{
      n: number;
    }>`select count(*)::int as n from customers where workspace_id = ${ws.id} and birthday is not null`.execute(
      store.db,
    )
  ).rows as [{ n: number }];
  // Birthdays spread over 1960-01-01 … 2003-12-31 (leap days included) by a multiplicative hash.
  if (n === 0)
    await sql`update customers set birthday = date '1960-01-01' + ((id * 2654435761) % 16071)::int
      where workspace_id = ${ws.id}`.execute(store.db);
  await sql`insert into identities (workspace_id, type, value, customer_id)
    select ${ws.id}::int, 'email', 'c' || id || '@bench.example', id from customers where workspace_id = ${ws.id}
    on conflict do nothing`.execute(store.db);
  await sql`vacuum analyze customers`.execute(store.db);
  await sql`vacuum analyze identities`.execute(store.db);
  await store.close();
  renameSync(tmp, dir);
  console.error(`built ${dir} in ${secs(performance.now() - started)}`);
  return dir;
}

/** CPU milliseconds (user + system) of this process during the last {@link timed} call. */
let lastCpuMs = 0;

/** With BENCH_CPU_PROF=dir, each timed run of the sends part is CPU-profiled into dir/NAME.cpuprofile. */
const profileDir = process.env.BENCH_CPU_PROF;

async function timed<T>(fn: () => Promise<T>, profileName?: string): Promise<[T, number]> {
  const session = profileDir && profileName ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  lastCpuMs = (used.user + used.system) / 1000;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(profileDir!, { recursive: true });
    writeFileSync(join(profileDir!, `${profileName}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  return [value, ms];
}

async function one(store: Database, query: ReturnType<typeof sql>): Promise<number> {
  const r = await query.execute(store.db);
  return Number((r.rows[0] as { n: number }).n);
}

/** Part 1: the date triggers at 1M customers beside a plain scan of the same customers. */
async function benchTrigger(store: Database, workspace: Workspace) {
  const db = store.db;
  const ws = workspace.id;
  setClock(scanAt);
  await saveTemplates(db, ws, JSON.parse(readFileSync(join(EXAMPLES, 'templates.json'), 'utf8')));
  await createCouponTemplate(db, workspace, {
    name: '生日礼券',
    kind: 'amount_off',
    amount_off: 2000,
    threshold: 15000,
    valid_days: 30,
  });
  const total = await one(store, sql`select count(*)::int as n from customers where workspace_id = ${ws}`);
  const mmdd = day.slice(5);
  const [year, month, dom] = day.split('-').map(Number) as [number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lastOrderDay = new Date(Date.parse(`${day}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  const cases = [
    {
      file: 'birthday.yaml',
      label: `birthday (生日关怀) on ${day}`,
      occurrence: `birthday:${year}`,
      // Independent: month and day numbers (and 29 February on 28 February of a common year).
      expected: sql`select count(*)::int as n from customers where workspace_id = ${ws} and erased_at is null
        and ((extract(month from birthday) = ${month} and extract(day from birthday) = ${dom})
          or (${!leap && month === 2 && dom === 28} and extract(month from birthday) = 2 and extract(day from birthday) = 29))`,
      plain: sql`workspace_id = ${ws} and birthday is not null and erased_at is null and to_char(birthday, 'MM-DD') = ${mmdd}`,
    },
    {
      file: 'repurchase-reminder.yaml',
      label: `30 days after the last order (30天复购提醒) on ${day}`,
      occurrence: `after:${lastOrderDay}`,
      expected: sql`select count(*)::int as n from customers where workspace_id = ${ws} and erased_at is null
        and last_order_date + 30 = ${day}::date`,
      plain: sql`workspace_id = ${ws} and last_order_date = ${lastOrderDay}::date`,
    },
  ];
  await sql`create table baseline_entries (customer_id bigint, occurrence text, entered_at timestamptz,
    state text, step text, wake_at timestamptz)`.execute(db);
  // Warm the buffer cache with one pass over the customers before anything is timed.
  await one(store, sql`select count(*)::int as n from customers where birthday is not null`);
  for (const c of cases) {
    const expected = await one(store, c.expected);
    const [counted, countMs] = await timed(() =>
      one(store, sql`select count(*)::int as n from customers where ${c.plain}`),
    );
    const countCpu = lastCpuMs;
    const [, insertMs] = await timed(() =>
      sql`insert into baseline_entries select id, ${c.occurrence}, ${scanAt}, 'active', 'morning', ${scanAt}
        from customers where ${c.plain}`.execute(db),
    );
    const insertCpu = lastCpuMs;
    const { id } = await applyJourney(db, ws, await readJourneyFile(join(EXAMPLES, c.file)));
    const stored = await findJourney(db, ws, (await readJourneyFile(join(EXAMPLES, c.file))).name);
    const [result, scanMs] = await timed(() => scanTrigger(db, workspace, stored, scanAt));
    const scanCpu = lastCpuMs;
    const [run, runMs] = await timed(() => runDueEntries(db, workspace, [stored], scanAt));
    const runCpu = lastCpuMs;
    const inTable = await one(
      store,
      sql`select count(*)::int as n from journey_entries where workspace_id = ${ws} and journey_id = ${id}`,
    );
    const ok = result.entered === expected && inTable === expected && counted === expected;
    if (!ok)
      problems.push(
        `${c.label}: entered ${result.entered} (rows ${inTable}), expected ${expected}, plain count ${counted}`,
      );
    rows.push(
      `| Retain \`scanTrigger\`: ${c.label} | ${fmt(total)} | ${fmt(result.entered)} (expected ${fmt(expected)}${ok ? ' ✓' : ' ✗'}) | ${secs(scanMs)} | ${secs(scanCpu)} |`,
      `| baseline: plain \`select count(*)\` of the same customers | ${fmt(total)} | ${fmt(counted)} | ${secs(countMs)} | ${secs(countCpu)} |`,
      `| baseline: plain \`insert … select\` of them into a table without indexes | ${fmt(total)} | ${fmt(counted)} | ${secs(insertMs)} | ${secs(insertCpu)} |`,
      `| then: \`runDueEntries\` moves the entered to their first wait (not part of the target) | ${fmt(run.entries)} | ${fmt(run.entries)} moved | ${secs(runMs)} | ${secs(runCpu)} |`,
    );
    verdicts.push(
      `date trigger "${c.label}" for all ${fmt(total)} customers in under 10 s: ${scanMs < 10_000 && ok ? 'met' : 'NOT met'} (${secs(scanMs)}; ${(scanMs / insertMs).toFixed(1)}× the plain insert … select)`,
    );
  }
}

interface SinkStats {
  total: number;
  distinct: number;
  keys: string[];
  peakMiB: number;
}

/** The sinks' process and a way to ask it what it received. */
async function startSinks() {
  const child: ChildProcess = fork(join(here, 'journeys-sinks.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ports = await new Promise<{ smtpPort: number; httpPort: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { smtpPort: number; httpPort: number }));
    child.once('exit', (code) => reject(new Error(`sinks exited with ${code}`)));
  });
  const stats = (prefix: string) =>
    new Promise<SinkStats>((resolve) => {
      child.once('message', (m) => resolve(m as SinkStats));
      child.send({ stats: prefix });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send({ exit: true });
    });
  return { ...ports, stats, stop };
}

/** Runs `fn` over 0…n-1 with `width` calls in flight. */
async function pooled(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
}

/** Checks that the sink got exactly the keys `prefix1` … `prefixN`, each once. */
async function checkSink(sinks: Awaited<ReturnType<typeof startSinks>>, prefix: string, what: string) {
  const s = await sinks.stats(prefix);
  const expected = new Set(Array.from({ length: sends }, (_, i) => `${prefix}${i + 1}`));
  const unexpected = s.keys.filter((k) => !expected.has(k)).length;
  const ok = s.total === sends && s.distinct === sends && unexpected === 0;
  if (!ok)
    problems.push(
      `${what}: the sink received ${s.total} (${s.distinct} distinct, ${unexpected} unexpected) of ${sends}`,
    );
  return { ok, ...s, duplicates: s.total - s.distinct, lost: sends - (s.distinct - unexpected) };
}

/** Part 2: sends per second through Retain's outbox beside plain senders, to sinks in another process. */
async function benchSends(store: Database, workspaceIn: Workspace) {
  const db = store.db;
  let workspace = workspaceIn;
  const ws = workspace.id;
  setClock(sendAt);
  const sinks = await startSinks();
  try {
    await setChannel(
      db,
      ws,
      'email',
      { host: '127.0.0.1', port: sinks.smtpPort, from: 'shop@bench.example' },
      {},
    );
    await setChannel(
      db,
      ws,
      'webhook',
      { url: `http://127.0.0.1:${sinks.httpPort}/hook` },
      { secret: 'bench' },
    );
    const examples = JSON.parse(readFileSync(join(EXAMPLES, 'templates.json'), 'utf8')) as {
      name: string;
    }[];
    const email = examples.find((t) => t.name === EMAIL_TEMPLATE)!;
    await saveTemplates(db, ws, [email, { ...email, name: WEBHOOK_TEMPLATE, channel: 'webhook' }]);
    // Customers who already got one marketing message this week (the cap is 2), so the cap is counted.
    await sql`insert into messages (workspace_id, customer_id, channel, template, purpose, idempotency_key, status, sent_at, due_at)
      select ${ws}, i, 'email', ${EMAIL_TEMPLATE}, 'marketing', 'bench-earlier:' || i, 'sent', ${sendAt}::timestamptz - interval '2 days', ${sendAt}::timestamptz - interval '2 days'
      from generate_series(1, ${2 * sends}, 2) i`.execute(db);
    // Opt-outs of other channels, so consent is checked against something.
    await sql`insert into opt_outs (workspace_id, customer_id, channel, purpose, source)
      select ${ws}, i, 'sms_tencent', 'marketing', 'bench' from generate_series(1, ${2 * sends}, 3) i`.execute(
      db,
    );
    const settings = (priority: string[]) => {
      let raw: unknown = workspace.settings;
      raw = setSetting(raw, 'messaging.channel_priority', priority);
      raw = setSetting(raw, 'messaging.quiet_hours', { start: '21:00', end: '09:00' });
      raw = setSetting(raw, 'messaging.frequency_cap', 2);
      return raw as Record<string, unknown>;
    };

    // A sample of what Retain sends, for the plain senders: same size, same headers.
    const sampleText =
      '距上次购买已30天。回购：http://127.0.0.1:3000/t/c/1.12345.aaaaaaaaaaaaaaaaaaaaaa?u=https%3A%2F%2Fshop.example.cn%2Freorder&s=bbbbbbbbbbbbbbbbbbbbbb\n退订：http://127.0.0.1:3000/t/u/1.12345.aaaaaaaaaaaaaaaaaaaaaa';
    const sampleHtml = `<div>${sampleText.replace(/\n/g, '<br>')}</div><img src="http://127.0.0.1:3000/t/o/1.12345.aaaaaaaaaaaaaaaaaaaaaa" width="1" height="1" alt="">`;

    const runs: { channel: 'email' | 'webhook'; first: number; priority: string[] }[] = [
      {
        channel: 'email',
        first: 1,
        priority: ['wecom_robot', 'sms_aliyun', 'sms_tencent', 'email', 'webhook'],
      },
      {
        channel: 'webhook',
        first: sends + 1,
        priority: ['wecom_robot', 'webhook', 'sms_aliyun', 'sms_tencent', 'email'],
      },
    ];
    for (const run of runs) {
      // Baseline first: the floor of the sink and the machine at this moment.
      const basePrefix = `base-${run.channel}:`;
      let baseMs: number;
      let baseCpu = 0;
      if (run.channel === 'email') {
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port: sinks.smtpPort,
          pool: true,
          maxConnections: 4,
          tls: { rejectUnauthorized: false },
        });
        [, baseMs] = await timed(
          () =>
            pooled(sends, 8, (i) =>
              transport.sendMail({
                from: 'shop@bench.example',
                to: `c${run.first + i}@bench.example`,
                subject: `顾客${run.first + i}，商品该补货了吧？`,
                text: sampleText,
                html: sampleHtml,
                headers: {
                  'X-Retain-Idempotency-Key': `${basePrefix}${i + 1}`,
                  'List-Unsubscribe': '<http://127.0.0.1:3000/t/u/1.12345.aaaaaaaaaaaaaaaaaaaaaa>',
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                },
              }),
            ),
          'baseline-email',
        );
        transport.close();
        baseCpu = lastCpuMs;
      } else {
        [, baseMs] = await timed(
          () =>
            // The same client kind as Retain's webhook channel (node:http over kept-alive
            // connections), so the ratio compares the work around the call, not two HTTP clients.
            pooled(sends, 8, async (i) => {
              const status = await plainPost(
                `http://127.0.0.1:${sinks.httpPort}/hook`,
                `${basePrefix}${i + 1}`,
                JSON.stringify({
                  customer_id: run.first + i,
                  subject: `顾客${run.first + i}，商品该补货了吧？`,
                  body: sampleText,
                  idempotency_key: `${basePrefix}${i + 1}`,
                }),
              );
              if (status >= 300) throw new Error(`sink answered ${status}`);
            }),
          'baseline-webhook',
        );
        baseCpu = lastCpuMs;
      }
      const base = await checkSink(sinks, basePrefix, `baseline ${run.channel}`);

      // Retain: the messages due now, both templates offered, the channel priority picks one.
      workspace = await saveSettings(db, ws, settings(run.priority));
      const prefix = `bench-${run.channel}:`;
      // 1,000 a statement: 15 parameters a message stay under the protocol's 65,535.
      for (let i = 0; i < sends; i += 1000)
        await enqueueMessages(
          db,
          ws,
          Array.from({ length: Math.min(1000, sends - i) }, (_, j) => ({
            customerId: run.first + i + j,
            templates: [EMAIL_TEMPLATE, WEBHOOK_TEMPLATE],
            idempotencyKey: `${prefix}${i + j + 1}`,
            dueAt: sendAt,
          })),
        );
      const tally = { ...NO_DELIVERIES, rounds: 0 };
      const [, retainMs] = await timed(async () => {
        for (;;) {
          const d = await deliverDue(db, workspace, sendAt, { batch });
          if (!d.claimed) break;
          tally.rounds++;
          for (const k of Object.keys(d) as (keyof typeof d)[]) tally[k] += d[k];
        }
      }, `retain-${run.channel}`);
      const retainCpu = lastCpuMs;
      const got = await checkSink(sinks, prefix, `Retain ${run.channel}`);
      const statuses = (
        await sql<{
          status: string;
          channel: string;
          n: number;
          reason: string | null;
        }>`select status, channel, count(*)::int as n, min(reason) as reason from messages
          where workspace_id = ${ws} and idempotency_key like ${`${prefix}%`} group by 1, 2 order by 1, 2`.execute(
          db,
        )
      ).rows;
      const sentRight =
        statuses.length === 1 && statuses[0]!.status === 'sent' && statuses[0]!.channel === run.channel;
      if (!sentRight)
        problems.push(
          `Retain ${run.channel}: messages ${statuses.map((s) => `${s.status}/${s.channel} ${s.n}${s.reason ? ` (${s.reason})` : ''}`).join(', ')}`,
        );
      const sink = run.channel === 'email' ? 'SMTP sink (smtp-server)' : 'HTTP webhook sink';
      rows.push(
        `| Retain \`deliverDue\` loops → ${sink}: consent, cap, quiet hours, priority, render, ${run.channel === 'email' ? 'pooled nodemailer' : 'signed node:http POSTs, kept-alive'} (${tally.rounds} rounds) | ${fmt(sends)} | ${fmt(got.distinct)} distinct, ${got.duplicates} dup, ${got.lost} missing${got.ok && sentRight ? ' ✓' : ' ✗'} | ${secs(retainMs)} | ${fmt(sends / (retainMs / 1000))} | ${(retainCpu / sends).toFixed(2)} ms |`,
        `| baseline: ${run.channel === 'email' ? 'nodemailer pooled transport (4 connections), 8 in flight, straight to the same sink' : 'plain `node:http` POSTs over kept-alive connections, 8 in flight, to the same sink'} | ${fmt(sends)} | ${fmt(base.distinct)} distinct, ${base.duplicates} dup, ${base.lost} missing${base.ok ? ' ✓' : ' ✗'} | ${secs(baseMs)} | ${fmt(sends / (baseMs / 1000))} | ${(baseCpu / sends).toFixed(2)} ms |`,
      );
      const rate = sends / (retainMs / 1000);
      const ratio = baseMs / retainMs;
      verdicts.push(
        `≥ 0.8× the plain sender (8 in flight each) to the ${sink}: ${ratio >= 0.8 && got.ok && sentRight ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×: ${fmt(rate)}/s; the plain sender ${fmt(sends / (baseMs / 1000))}/s)`,
      );
    }
    const s = await sinks.stats('');
    rows.push(`| (sinks' process peak RSS: ${s.peakMiB} MiB) | | | | | |`);
  } finally {
    await sinks.stop();
  }
}

function report() {
  console.log(
    `\nJourneys benchmark (embedded PGlite store, ${fmt(customers)} customers; 2 shared cores; load average ${loadavg()[0]!.toFixed(2)})\n`,
  );
  if (triggerRows.length) {
    console.log('| run | customers | entered | seconds | worker CPU |\n|---|---:|---:|---:|---:|');
    console.log(triggerRows.join('\n'));
    console.log('');
  }
  if (rows.length) {
    console.log(
      '| run | messages | sink received | seconds | per second | worker CPU per message |\n|---|---:|---:|---:|---:|---:|',
    );
    console.log(rows.join('\n'));
    console.log('');
  }
  console.log(`peak RSS of the worker process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
  for (const v of verdicts) console.log(`target: ${v}`);
  if (problems.length) {
    console.log(`\nPROBLEMS:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    process.exitCode = 1;
  }
}

const source = await journeysStore();
const scratch = mkdtempSync(join(tmpdir(), 'retain-bench-journeys-'));
const copy = join(scratch, 'store');
cpSync(source, copy, { recursive: true });
const store = await openDatabase({ dataDir: copy });
const triggerRows: string[] = [];
try {
  const workspace = await ensureWorkspace(store.db, 'bench');
  if (part !== 'sends') {
    try {
      await benchTrigger(store, workspace);
    } finally {
      triggerRows.push(...rows.splice(0));
    }
  }
  if (part !== 'trigger') await benchSends(store, await ensureWorkspace(store.db, 'bench'));
} finally {
  // What was measured is printed even when a later part fails.
  report();
  setClock(undefined);
  await store.close();
  rmSync(scratch, { recursive: true, force: true });
}

/** One JSON POST over a kept-alive connection; the answer's status once its body is read. */
function plainPost(url: string, key: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: plainAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': key,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
