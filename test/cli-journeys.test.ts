import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliInProcess } from './cli-in-process.ts';
import { startSmtpSink } from './local-servers.ts';

const EXAMPLES = new URL('../examples/journeys/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-journeys-'));
const cli = await CliInProcess.open(join(dir, 'data'));
afterAll(() => cli.close());

/** `retain -w shop ARGS` at `now` (RETAIN_NOW), run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[], now?: string) =>
  cli.run(['-w', 'shop', ...args], { env: { RETAIN_NOW: now ?? '' } });

/** The same as a `retain` process of its own: a worker pass that starts from what the store holds. */
const retainProcess = (args: string[], now: string) =>
  cli.spawn(['-w', 'shop', ...args], { env: { RETAIN_NOW: now } });

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp?.close());

describe('retain journeys and retain worker', () => {
  it('refuses a journey file with a clear one-line error and saves nothing', async () => {
    const bad = file(
      'bad.yaml',
      'name: bad\ntrigger: { first_order: {} }\nstart: a\nsteps:\n  a: { type: wait, duration: 3 days, next: b }\n  b: { type: exit }\n',
    );
    const r = await retain(['journeys', 'apply', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`retain: ${bad}: steps.a.duration: a duration such as 30m, 2h, 7d or 2w`);
    const unknown = file(
      'unknown.yaml',
      'name: x\ntrigger: { first_order: {} }\nstart: a\nsteps:\n  a: { type: send, templates: [nope], next: b }\n  b: { type: exit }\n',
    );
    expect((await retain(['journeys', 'apply', unknown])).stderr).toBe(
      'retain: journey "x": steps.a.templates.0: no message template "nope"',
    );
    expect((await retain(['journeys', 'list', '--json'])).stdout.trim()).toBe('[]');
  });

  it('sends a message due in days only when that day comes, across separate worker processes', async () => {
    const customers = file(
      'customers.csv',
      'customer_id,name,email\nK1,王五,k1@example.com\nK2,赵六,k2@example.com\n',
    );
    expect((await retain(['import', 'customers', customers])).code).toBe(0);
    expect(
      (
        await retain([
          'channels',
          'set',
          'email',
          '--host',
          '127.0.0.1',
          '--port',
          String(smtp.port),
          '--from',
          'shop@example.com',
        ])
      ).code,
    ).toBe(0);
    expect((await retain(['templates', 'apply', join(EXAMPLES, 'templates.json')])).code).toBe(0);
    expect(
      (
        await retain([
          'coupons',
          'create-template',
          '新客复购券',
          '--kind',
          'amount_off',
          '--amount-off',
          '20',
          '--threshold',
          '150',
          '--valid-days',
          '30',
        ])
      ).code,
    ).toBe(0);
    const applied = await retain(
      ['journeys', 'apply', join(EXAMPLES, 'new-customer.yaml')],
      '2026-04-01T09:00:00+08:00',
    );
    expect([applied.code, applied.stdout.trim()]).toEqual([0, 'created journey "新客转化"']);

    const day0 = '2026-04-01T10:00:00+08:00';
    const orders = file(
      'orders.csv',
      'order_id,customer_id,ordered_at,amount,status\nA1,K1,2026-04-01 09:40,199,paid\n',
    );
    expect((await retain(['import', 'orders', orders], day0)).code).toBe(0);
    const run = await retainProcess(['worker', '--once'], day0);
    // The day's first pass also records the stages: K1 is new, K2 (no order) a prospect; one
    // order is too few purchases to fit the prediction models, so that daily task is skipped; an
    // order without lines names no product to associate.
    expect(run.stdout.trim().split('\n')).toEqual([
      'shop: daily lifecycle: stage changes 2, rfm group changes 1',
      'shop: daily product intervals: by sku 0, by category 0',
      'shop: daily predictions: skipped 1',
      'shop: daily recommendations: products 0, associations 0',
      'shop: entered 1 (capped 0), moved 1, queued 1; sent 1, skipped 0, deferred 0, retrying 0, failed 0',
    ]);
    expect(smtp.mail.map((m) => [m.to[0], m.subject])).toEqual([['k1@example.com', '王五，感谢您的首单']]);

    // Six days later nothing is due; on day 7 (after the guide on day 1) the coupon goes out.
    await retainProcess(['worker', '--once'], '2026-04-02T10:01:00+08:00');
    expect(smtp.mail.length).toBe(2);
    await retainProcess(['worker', '--once'], '2026-04-07T10:00:00+08:00');
    expect(smtp.mail.length).toBe(2);
    await retainProcess(['worker', '--once'], '2026-04-08T10:02:00+08:00');
    expect(smtp.mail.map((m) => m.subject)).toEqual([
      '王五，感谢您的首单',
      '使用小贴士',
      '王五，送您一张复购券',
    ]);

    const show = JSON.parse((await retain(['journeys', 'show', '新客转化', '--json'])).stdout);
    expect(show.entries).toMatchObject({ total: 1, completed: 1 });
    expect(show.steps.find((s: { step: string }) => s.step === 'coupon').outcomes).toEqual({ issued: 1 });
    const code = /券码 (\S+)，/.exec(smtp.mail[2]!.text)![1]!;
    expect(JSON.parse((await retain(['coupons', 'show', code, '--json'])).stdout)).toMatchObject({
      source: 'journey',
    });

    expect((await retain(['journeys', 'pause', '新客转化'])).stdout.trim()).toBe('journey "新客转化" paused');
    expect((await retain(['journeys', 'pause', '新客转化'])).stderr).toBe(
      'retain: journey "新客转化" is already paused',
    );
    const listed = JSON.parse((await retain(['journeys', 'list', '--json'])).stdout);
    expect(listed).toEqual([
      {
        name: '新客转化',
        status: 'paused',
        trigger: 'first_order',
        entries: 1,
        in_progress: 0,
        delivered: 1,
        converted: 0,
      },
    ]);
  });

  it('backtests a journey on history without sending anything', async () => {
    // 30 days after a valid order with none in between: K1's 04-01 → 05-01 and K2's 04-05 → 05-05
    // fire in the period; K2's 03-20 → 04-19 does not (04-05 came between), nor the cancelled H3.
    const orders = file(
      'history.csv',
      'order_id,customer_id,ordered_at,amount,status\nH1,K2,2026-03-20 12:00,50,paid\nH2,K2,2026-04-05 12:00,60,paid\nH3,K2,2026-04-06 12:00,70,cancelled\n',
    );
    expect((await retain(['import', 'orders', orders], '2026-04-10T10:00:00+08:00')).code).toBe(0);
    const sent = smtp.mail.length;
    const r = await retain([
      'journeys',
      'backtest',
      join(EXAMPLES, 'repurchase-reminder.yaml'),
      '--from',
      '2026-04-15',
      '--to',
      '2026-05-10',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ triggered: 2, entered: 2, capped: 0 });
    expect(result.steps.find((s: { step: string }) => s.step === 'remind')).toMatchObject({
      reached: 2,
      outcomes: 'would_send 2',
    });
    expect(smtp.mail.length).toBe(sent);
  });

  it('saves a draft with --draft, leaving the published version, and test-runs a customer through either without sending', async () => {
    const draft = file(
      'draft.yaml',
      'name: 新客转化\ntrigger: { first_order: {} }\nstart: thank\nsteps:\n  thank: { type: send, templates: [新客感谢], next: done }\n  done: { type: exit }\n',
    );
    const saved = await retain(['journeys', 'apply', '--draft', draft]);
    expect([saved.code, saved.stdout.trim()]).toEqual([
      0,
      'saved draft of journey "新客转化" (publish it in the dashboard or the API)',
    ]);
    const sent = smtp.mail.length;
    const before = JSON.parse((await retain(['journeys', 'show', '新客转化', '--json'])).stdout);
    const run = await retain(['journeys', 'test-run', '新客转化', '--customer', 'K2', '--draft', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.path.map((p: { step: string; outcome: string }) => `${p.step} ${p.outcome}`)).toEqual([
      'thank would_send',
      'done exit',
    ]);
    // The template's subject, `{{ name }}，感谢您的首单`, for K2 (赵六).
    expect(result.path[0].message).toMatchObject({ template: '新客感谢', subject: '赵六，感谢您的首单' });
    // The published version (the example file) starts with the same thank-you, then waits a day.
    const live = await retain(['journeys', 'test-run', '新客转化', '--customer', 'K2']);
    expect(live.stdout.split('\n')[1]).toMatch(/ thank \(send\): would_send$/);
    expect(live.stdout).toMatch(/ wait_guide \(wait\): waited\n/);
    expect(live.stdout).toContain('subject: 赵六，感谢您的首单');
    expect(smtp.mail.length).toBe(sent);
    expect(JSON.parse((await retain(['journeys', 'show', '新客转化', '--json'])).stdout)).toEqual(before);
  });
});
