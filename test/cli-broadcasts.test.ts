import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { setClock } from '../src/shared/clock.ts';
import { ensureWorkspace, saveSettings } from '../src/workspaces/workspace-service.ts';
import { generateAudience, independentDraws, type Person } from './broadcast-fixture.ts';
import { CliInProcess } from './cli-in-process.ts';
import { startSmtpSink } from './local-servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-broadcasts-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());
// Monday 1 June 2026, 08:00 in Shanghai: prepared now, to go at 10:00.
const T0 = '2026-06-01T08:00:00+08:00';
const N = 60;

/** `retain -w shop ARGS` at T0, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[]) => cli.run(['-w', 'shop', ...args], { env: { RETAIN_NOW: T0 } });

/** The store the commands run on. */
const withStore = <T>(fn: (store: Database) => Promise<T>) => fn(cli.store);

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let people: Person[];

// The audience, channel, templates and coupon are made through the services; the broadcast
// commands themselves run as `retain`.
beforeAll(async () => {
  smtp = await startSmtpSink();
  setClock(new Date(Date.parse(T0) - 86_400_000));
  people = await withStore(async (store) => {
    const ws = await ensureWorkspace(store.db, 'shop');
    const generated = await generateAudience(store, ws, N, smtp.port, new Date(Date.parse(T0) - 86_400_000));
    await saveSettings(store.db, ws.id, {
      ...(ws.settings as object),
      broadcasts: { require_approval: true },
    });
    return generated;
  });
  setClock(undefined);
});
afterAll(async () => {
  await smtp?.close();
});

describe('retain broadcasts', () => {
  it('prepares, estimates, test-sends, waits for approval, pauses and cancels from the shell', async () => {
    const file = join(dir, 'summer.yaml');
    writeFileSync(
      file,
      [
        'name: 夏日群发',
        'audience:',
        '  condition: { attribute: city, op: eq, value: 上海 }',
        'templates: [bc-offer]',
        'coupon: 夏日券',
        'holdout_percent: 20',
        'send: { at: scheduled, time: "2026-06-01T10:00" }',
        '',
      ].join('\n'),
    );
    const created = await retain(['broadcasts', 'create', file]);
    expect(created.code, created.stderr).toBe(0);
    const id = Number(/created broadcast (\d+) "夏日群发" \(draft\)/.exec(created.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);

    // The reach as the fixture generated the people and the guards' documented order decide it.
    const members = people.filter((p) => p.city === '上海');
    const draws = await withStore((store) =>
      independentDraws(
        store.db,
        id,
        members.map((p) => p.id),
      ),
    );
    const treated = members.filter((p) => draws.get(p.id)!.holdout >= 20);
    const rest = treated.filter((p) => !p.optedOut && !p.capped);
    // 10:00 in Shanghai is 22:00 in New York and 02:00 UTC (an unknown zone): quiet hours there.
    const deferred = rest.filter((p) => p.zone !== null);
    const noEmail = rest.filter((p) => p.zone === null && !p.email);
    const reachable = rest.filter((p) => p.zone === null && p.email).length + deferred.length;
    expect(created.stdout).toContain(
      `${members.length} members, ${reachable} reachable (${deferred.length} after quiet hours), ` +
        `${members.length - treated.length} held out, ${treated.filter((p) => p.optedOut).length} opted out, ` +
        `${treated.filter((p) => !p.optedOut && p.capped).length} capped, ${noEmail.length} without an address`,
    );

    const test = await retain(['broadcasts', 'test', String(id), '--to', 'boss@example.com']);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/bc-offer → boss@example\.com: sent/);
    const mail = smtp.mail.filter((m) => m.to.includes('boss@example.com'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain('夏日礼券');

    // The workspace requires approval: scheduling waits for an admin, then it is scheduled.
    const scheduled = await retain(['broadcasts', 'schedule', String(id)]);
    expect(scheduled.stdout.trim()).toBe(`broadcast ${id} "夏日群发" is pending_approval`);
    const approved = await retain(['broadcasts', 'approve', String(id)]);
    expect(approved.stdout.trim()).toBe(`broadcast ${id} "夏日群发" is scheduled`);
    const paused = await retain(['broadcasts', 'pause', String(id)]);
    expect(paused.stdout.trim()).toBe(`broadcast ${id} "夏日群发" is paused`);
    const cancelled = await retain(['broadcasts', 'cancel', String(id)]);
    expect(cancelled.stdout.trim()).toBe(`broadcast ${id} "夏日群发" is cancelled`);

    const shown = await retain(['broadcasts', 'show', String(id), '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const report = JSON.parse(shown.stdout);
    expect(report.broadcast).toMatchObject({ id, name: '夏日群发', status: 'cancelled' });
    expect(report.reach).toMatchObject({ members: members.length, reachable });
    // Nothing was sent but the test mail: the test send is not counted.
    expect(report.funnel.touched).toBe(0);
    expect(smtp.mail).toHaveLength(1);
  });

  it('answers bad input with one readable line and a failing exit code', async () => {
    const badId = await retain(['broadcasts', 'approve', '3x']);
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/^retain: broadcast id "3x": expected a number such as 3/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'name: 坏\naudience: {segment: [\n');
    const syntax = await retain(['broadcasts', 'create', broken]);
    expect(syntax.code).not.toBe(0);
    expect(syntax.stderr).toMatch(/broken\.yaml: not valid JSON or YAML at line \d+, column \d+/);
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'name: 错\naudience: { segment: 不存在 }\ntemplates: [bc-a]\n');
    const field = await retain(['broadcasts', 'create', wrong]);
    expect(field.code).not.toBe(0);
    expect(field.stderr).toMatch(/audience\.segment: no segment/);
    const polluted = join(dir, 'polluted.yaml');
    writeFileSync(
      polluted,
      'name: 污\naudience: { list: [B0001] }\ntemplates: [bc-a]\n__proto__: { x: 1 }\n',
    );
    const proto = await retain(['broadcasts', 'create', polluted]);
    expect(proto.code).not.toBe(0);
    expect(proto.stderr).toBe('retain: (root): Unrecognized key: "__proto__"');
    for (const line of [badId.stderr, syntax.stderr, field.stderr]) {
      expect(line.split('\n')).toHaveLength(1);
      expect(line).not.toMatch(/\n\s+at /);
    }
  });
});
