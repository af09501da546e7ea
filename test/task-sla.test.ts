import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser, updateMember } from '../src/access/user-service.ts';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import { createTasks } from '../src/tasks/task-create.ts';
import { getTask } from '../src/tasks/task-read.ts';
import { updateTask } from '../src/tasks/task-update.ts';
import { runPass } from '../src/worker/worker.ts';
import { createWorkspace, saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Escalations and digests driven the way a server drives them: worker passes at simulated times,
// mail received by a real SMTP server, webhook posts by a real HTTP server.
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** 2026-03-02 10:00 in Shanghai. */
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

afterAll(dropTestSchemas);

async function configure(database: Database, ws: Workspace, settings: Record<string, unknown>) {
  let raw: unknown = ws.settings;
  for (const [path, value] of Object.entries(settings)) raw = setSetting(raw, path, value);
  return saveSettings(database.db, ws.id, raw as Record<string, unknown>);
}

describe.each(storesUnderTest())('task escalation and digest ($name)', (store) => {
  let database: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let hook: Awaited<ReturnType<typeof startHttpSink>>;

  beforeAll(async () => {
    database = await store.open();
    smtp = await startSmtpSink();
    // The robot answers as WeCom does; the webhook with a plain 200.
    hook = await startHttpSink((req, res) =>
      res.end(req.url?.startsWith('/robot') ? '{"errcode":0,"errmsg":"ok"}' : 'ok'),
    );
  });
  afterAll(async () => {
    await smtp?.close();
    await hook?.close();
    await database?.close();
  });

  const member = async (ws: Workspace, email: string, role: 'admin' | 'service', name?: string) =>
    (
      await createUser(database.db, ws.id, cliActor(), {
        email,
        password: 'a long enough secret',
        role,
        ...(name ? { name } : {}),
      })
    ).user.id;
  const mailTo = (address: string) => smtp.mail.filter((m) => m.to.includes(address));

  it('escalates to the assignee once overdue, to the admins after the delay, never twice', async () => {
    let ws = await createWorkspace(database.db, { name: `esc-${store.name}` });
    await importText(database, ws, 'customers', 'customer_id,name\nE1,王芳\nE2,李雷\n');
    const ids = await customerIds(database.db, ws.id);
    const agent = await member(ws, 'kf@esc.cn', 'service', '小张');
    await member(ws, 'boss@esc.cn', 'admin');
    await member(ws, 'boss2@esc.cn', 'admin');
    await updateMember(database.db, ws.id, cliActor(), agent, { language: 'en' });
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    ws = await configure(database, ws, {
      'tasks.escalation.enabled': true,
      'tasks.escalation.assignee_after_minutes': 30,
      'tasks.escalation.admins_after_hours': 24,
    });
    const [late, done] = await createTasks(
      database.db,
      ws,
      cliActor(),
      'manual',
      [
        { customerId: ids.E1!, kind: 'callback', title: '回访王芳', dueAt: new Date(T0 + 2 * HOUR) },
        { customerId: ids.E2!, kind: 'callback', title: '回访李雷', dueAt: new Date(T0 + 2 * HOUR) },
      ],
      { rule: 'user', user_id: agent },
      new Date(T0),
    );
    // The second is done in time: it is never escalated.
    await updateTask(
      database.db,
      ws,
      cliActor(),
      done!.id,
      { status: 'done', outcome: 'reached' },
      new Date(T0),
    );

    const pass = (at: number) => runPass(database.db, ws, new Date(at));
    // Overdue, but not yet 30 minutes.
    expect((await pass(T0 + 2 * HOUR + 29 * MINUTE)).escalations).toEqual({ sent: 0, failed: 0 });
    expect(mailTo('kf@esc.cn')).toHaveLength(0);
    expect((await pass(T0 + 2 * HOUR + 31 * MINUTE)).escalations).toEqual({ sent: 1, failed: 0 });
    const toAgent = mailTo('kf@esc.cn');
    expect(toAgent).toHaveLength(1);
    // The agent reads English (their language); the mail names the task and the customer.
    expect(toAgent[0]!.subject).toBe('Task overdue: 回访王芳');
    expect(toAgent[0]!.text).toContain('[OVERDUE] due 2026-03-02 12:00');
    expect(toAgent[0]!.text).toContain('王芳');
    // Passes again, two workers at once: nothing more.
    const again = await Promise.all([pass(T0 + 3 * HOUR), pass(T0 + 3 * HOUR)]);
    expect(again.map((r) => r.escalations.sent)).toEqual([0, 0]);
    expect((await pass(T0 + 2 * HOUR + 30 * MINUTE + 24 * HOUR - MINUTE)).escalations.sent).toBe(0);
    expect(mailTo('boss@esc.cn')).toHaveLength(0);
    // 24 hours after the assignee's escalation: each admin, in zh-CN (no language set).
    expect((await pass(T0 + 2 * HOUR + 30 * MINUTE + 24 * HOUR + MINUTE)).escalations.sent).toBe(2);
    for (const admin of ['boss@esc.cn', 'boss2@esc.cn']) {
      const mails = mailTo(admin);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('【任务逾期升级】回访王芳');
      expect(mails[0]!.text).toContain('负责人 小张 <kf@esc.cn>');
    }
    await Promise.all([pass(T0 + 40 * HOUR), pass(T0 + 40 * HOUR), pass(T0 + 80 * HOUR)]);
    expect(smtp.mail.filter((m) => m.to.some((a) => a.endsWith('@esc.cn')))).toHaveLength(3);
    const history = (await getTask(database.db, ws.id, late!.id)).history.filter((h) => h.event);
    expect(history.map((h) => [h.event, h.note])).toEqual([
      ['escalated_assignee', 'email → kf@esc.cn'],
      ['escalated_admins', 'email → boss2@esc.cn'],
      ['escalated_admins', 'email → boss@esc.cn'],
    ]);
    expect((await getTask(database.db, ws.id, done!.id)).history.some((h) => h.event)).toBe(false);
  });

  it('retries a failed escalation on a later pass and then sends it once; webhook and robot too', async () => {
    let ws = await createWorkspace(database.db, { name: `esc-retry-${store.name}` });
    await importText(database, ws, 'customers', 'customer_id,name\nR1,赵六\n');
    const ids = await customerIds(database.db, ws.id);
    await member(ws, 'boss@retry.cn', 'admin');
    // The SMTP server is not there yet: a port nobody listens on.
    const closed = await startSmtpSink();
    await closed.close();
    await useLocalChannels(database.db, ws.id, {
      smtpPort: closed.port,
      webhookUrl: `http://127.0.0.1:${hook.port}/hook`,
    });
    await setChannel(
      database.db,
      ws.id,
      'wecom_robot',
      { endpoint: `http://127.0.0.1:${hook.port}/robot` },
      {
        key: 'robot-key',
      },
    );
    ws = await configure(database, ws, {
      'tasks.escalation.enabled': true,
      'tasks.escalation.channels': ['email', 'webhook', 'wecom_robot'],
      'tasks.escalation.admins_after_hours': 1,
    });
    // In the queue: nobody to tell at the first level; the admins after the delay.
    const [task] = await createTasks(
      database.db,
      ws,
      cliActor(),
      'manual',
      [{ customerId: ids.R1!, kind: 'complaint', title: '处理投诉', dueAt: new Date(T0) }],
      { rule: 'queue' },
      new Date(T0 - HOUR),
    );
    const robotBefore = () => hook.requests.filter((r) => r.path.startsWith('/robot')).length;
    const hooks = () => hook.requests.filter((r) => r.path === '/hook');
    expect((await runPass(database.db, ws, new Date(T0 + 30 * MINUTE))).escalations.sent).toBe(0);
    const first = await runPass(database.db, ws, new Date(T0 + HOUR + MINUTE));
    expect(first.escalations).toEqual({ sent: 2, failed: 1 });
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    const second = await runPass(database.db, ws, new Date(T0 + HOUR + 2 * MINUTE));
    expect(second.escalations).toEqual({ sent: 1, failed: 0 });
    expect((await runPass(database.db, ws, new Date(T0 + 5 * HOUR))).escalations).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(mailTo('boss@retry.cn')).toHaveLength(1);
    expect(robotBefore()).toBe(1);
    const robot = hook.requests.find((r) => r.path.startsWith('/robot'))!;
    expect(robot.path).toBe('/robot?key=robot-key');
    expect(JSON.parse(robot.body).markdown.content).toContain('任务在待分配队列中');
    const posted = hooks().map((r) => JSON.parse(r.body));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ type: 'task_escalation', level: 'admins', assignee: null });
    expect(posted[0].task).toMatchObject({ id: task!.id, customer_id: ids.R1, hours_overdue: 1 });
    const notices = await database.db
      .selectFrom('task_notices')
      .select(['channel', 'status', 'attempts'])
      .where('workspace_id', '=', ws.id)
      .orderBy('channel')
      .execute();
    expect(notices).toEqual([
      { channel: 'email', status: 'sent', attempts: 2 },
      { channel: 'webhook', status: 'sent', attempts: 1 },
      { channel: 'wecom_robot', status: 'sent', attempts: 1 },
    ]);
  });

  it('sends each assignee one digest a day at the local hour, equal to an independent listing', async () => {
    let ws = await createWorkspace(database.db, { name: `digest-${store.name}` });
    await importText(database, ws, 'customers', 'customer_id,name\nD1,周一\nD2,吴二\nD3,郑三\n');
    const ids = await customerIds(database.db, ws.id);
    const zh = await member(ws, 'zh@digest.cn', 'service');
    const en = await member(ws, 'en@digest.cn', 'service');
    await member(ws, 'idle@digest.cn', 'service');
    await updateMember(database.db, ws.id, cliActor(), en, { language: 'en' });
    await useLocalChannels(database.db, ws.id, {
      smtpPort: smtp.port,
      webhookUrl: `http://127.0.0.1:${hook.port}/digest`,
    });
    ws = await configure(database, ws, {
      'tasks.digest.enabled': true,
      'tasks.digest.hour': 9,
      'tasks.digest.channels': ['email', 'webhook'],
    });
    // Made on 2026-03-01 at 10:00; due between 40 hours before and 50 hours after the digest day's 09:00.
    const day = Date.parse('2026-03-03T09:00:00+08:00');
    const specs = [
      { who: zh, c: 'D1', title: '甲', due: day + 5 * HOUR, close: false },
      { who: zh, c: 'D2', title: '乙', due: day - 20 * HOUR, close: false },
      { who: zh, c: 'D3', title: '丙', due: day - 40 * HOUR, close: true },
      { who: zh, c: 'D3', title: '丁', due: day + 50 * HOUR, close: false },
      { who: zh, c: 'D1', title: '戊', due: day - 20 * HOUR, close: false },
      { who: en, c: 'D2', title: 'Alpha', due: day + HOUR, close: false },
      { who: en, c: 'D3', title: 'Beta', due: day - HOUR, close: false },
    ];
    const made: { id: number; who: number; title: string; due: number; close: boolean }[] = [];
    for (const spec of specs) {
      const [task] = await createTasks(
        database.db,
        ws,
        cliActor(),
        'manual',
        [{ customerId: ids[spec.c]!, kind: 'callback', title: spec.title, dueAt: new Date(spec.due) }],
        { rule: 'user', user_id: spec.who },
        new Date(day - 47 * HOUR),
      );
      made.push({ id: task!.id, ...spec });
      if (spec.close)
        await updateTask(
          database.db,
          ws,
          cliActor(),
          task!.id,
          { status: 'cancelled' },
          new Date(day - 47 * HOUR),
        );
    }
    const digests = () => smtp.mail.filter((m) => m.to.some((a) => a.endsWith('@digest.cn')));
    const posts = () => hook.requests.filter((r) => r.path === '/digest').map((r) => JSON.parse(r.body));

    const early = await runPass(database.db, ws, new Date(day - MINUTE));
    expect(early.daily.task_digest).toBeUndefined();
    expect(digests()).toHaveLength(0);
    const now = new Date(day + MINUTE);
    expect((await runPass(database.db, ws, now)).daily.task_digest).toEqual({
      members: 2,
      sent: 4,
      failed: 0,
    });
    // The independent listing: the member's tasks not closed, by due time then id.
    const expected = (who: number) =>
      made.filter((t) => t.who === who && !t.close).sort((a, b) => a.due - b.due || a.id - b.id);
    const titlesIn = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^\d+\. /.test(l))
        .map((l) => l.split(' · ')[2]);
    for (const [who, address] of [
      [zh, 'zh@digest.cn'],
      [en, 'en@digest.cn'],
    ] as const) {
      const list = expected(who);
      const overdue = list.filter((t) => t.due < now.getTime()).length;
      const mails = digests().filter((m) => m.to.includes(address));
      expect(mails).toHaveLength(1);
      expect(titlesIn(mails[0]!.text)).toEqual(list.map((t) => t.title));
      expect(mails[0]!.subject).toBe(
        who === zh
          ? `【今日任务】2026-03-03：${list.length} 项待办，${overdue} 项逾期`
          : `Your tasks for 2026-03-03: ${list.length} open, ${overdue} overdue`,
      );
      const post = posts().find((p) => p.user.id === who);
      expect(post.tasks.map((t: { id: number }) => t.id)).toEqual(list.map((t) => t.id));
      expect(post.tasks.map((t: { overdue: boolean }) => t.overdue)).toEqual(
        list.map((t) => t.due < now.getTime()),
      );
    }
    // The zh-CN digest has no English word in it.
    const zhMail = digests().find((m) => m.to.includes('zh@digest.cn'))!;
    expect(`${zhMail.subject}\n${zhMail.text}`).not.toMatch(/[A-Za-z]{2,}/);
    // Later passes of the day, two at once: nothing more; the next day: one more each.
    await Promise.all([
      runPass(database.db, ws, new Date(day + HOUR)),
      runPass(database.db, ws, new Date(day + HOUR)),
    ]);
    expect(digests()).toHaveLength(2);
    await runPass(database.db, ws, new Date(day + 24 * HOUR + MINUTE));
    expect(digests()).toHaveLength(4);
    expect(posts()).toHaveLength(4);
  });
});
