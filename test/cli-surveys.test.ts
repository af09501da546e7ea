import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { trackingKey } from '../src/messaging/tracking-token.ts';
import { submitAnswer } from '../src/surveys/survey-answer.ts';
import { findSurvey } from '../src/surveys/survey-service.ts';
import { surveyToken } from '../src/surveys/survey-token.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { CliInProcess } from './cli-in-process.ts';

const EXAMPLE = new URL('../examples/surveys/nps-after-delivery.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-surveys-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w shop ARGS`, run in this process on the file's store (test/cli-in-process.ts). */
async function retain(args: string[]) {
  const result = await cli.run(['-w', 'shop', ...args]);
  return { ...result, stdout: result.stdout.trim() };
}

/** The store the commands run on. */
const withStore = <T>(fn: (store: Database) => Promise<T>) => fn(cli.store);

/** The scores the customers give, and the NPS a count here makes of them. */
const SCORES = [10, 9, 8, 3, 6, 10];
const promoters = SCORES.filter((s) => s >= 9).length;
const detractors = SCORES.filter((s) => s <= 6).length;
const NPS = Math.round(((promoters - detractors) / SCORES.length) * 1000) / 10;

// Customers are seeded through the import, and the answers go through the page's own writer with
// genuine links; the survey commands themselves run as `retain`.
beforeAll(async () => {
  const seed = join(dir, 'customers.csv');
  writeFileSync(seed, `customer_id,name\n${SCORES.map((_, i) => `S${i},顾客${i}`).join('\n')}\n`);
  await withStore(async (store) => {
    const workspace = await ensureWorkspace(store.db, 'shop');
    await importFile(store, { kind: 'customers', file: seed, workspace });
  });
});

describe('retain surveys', () => {
  it('creates from the example file, lists, and refuses a bad file with one line', async () => {
    const made = await retain(['surveys', 'create', EXAMPLE]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^created survey \d+ "签收后NPS" \(nps\)$/);
    const again = await retain(['surveys', 'create', EXAMPLE]);
    expect(again.code).not.toBe(0);
    expect(again.stderr.split('\n')).toHaveLength(1);

    // A wrong kind names the field; a __proto__ key is refused before anything reads it.
    for (const [text, message] of [
      ['{"name":"坏问卷","kind":"stars","title":{"zh-CN":"t"}}', /^retain: survey kind: /],
      [
        '{"name":"坏问卷","kind":"nps","title":{"zh-CN":"t"},"__proto__":{"x":1}}',
        /^retain: survey\.__proto__: /,
      ],
    ] as const) {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, text);
      const refused = await retain(['surveys', 'create', bad]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    }

    const list = await retain(['surveys', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(
      JSON.parse(list.stdout).map((s: { name: string; kind: string; status: string }) => [
        s.name,
        s.kind,
        s.status,
      ]),
    ).toEqual([['签收后NPS', 'nps', 'active']]);
  });

  it('reports NPS as a count here gives it, then archives the survey', async () => {
    await withStore(async (store) => {
      const workspace = await ensureWorkspace(store.db, 'shop');
      const survey = await findSurvey(store.db, workspace.id, '签收后NPS');
      const customers = await store.db
        .selectFrom('customers')
        .select(['id', 'external_id'])
        .where('workspace_id', '=', workspace.id)
        .orderBy('external_id')
        .execute();
      const now = new Date();
      const key = await trackingKey(store.db);
      for (const [i, c] of customers.entries()) {
        // One survey message sent to each customer, as a send_survey step records it.
        const m = await store.db
          .insertInto('messages')
          .values({
            workspace_id: workspace.id,
            customer_id: c.id,
            channel: 'sms',
            template: '邀请评价',
            purpose: 'transactional',
            idempotency_key: `survey-${c.id}`,
            status: 'sent',
            sent_at: now,
            variables: JSON.stringify({ survey_id: survey.id }) as never,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const token = surveyToken(key, {
          workspaceId: workspace.id,
          messageId: Number(m.id),
          surveyId: survey.id,
          expires: Math.floor(now.getTime() / 1000) + 86_400,
        });
        const r = await submitAnswer(store.db, {
          token,
          form: new URLSearchParams({ score: String(SCORES[i]) }),
          browserLocale: 'zh-CN',
          now,
        });
        expect(r.state).toBe('recorded');
      }
    });
    const table = await retain(['surveys', 'report', '签收后NPS']);
    expect(table.code, table.stderr).toBe(0);
    const all = table.stdout.split('\n').find((l) => /^\s*all\b/.test(l));
    expect(all, table.stdout).toBeDefined();
    expect(all!.split(/\s+/).filter(Boolean).slice(0, 5)).toEqual([
      'all',
      String(SCORES.length),
      String(SCORES.length),
      '100%',
      String(NPS),
    ]);
    const json = await retain(['surveys', 'report', '签收后NPS', '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.total).toMatchObject({ sent: 6, responses: 6, promoters, detractors, nps: NPS });
    expect(report.by_channel.map((c: { key: string }) => c.key)).toEqual(['sms']);

    const unknown = await retain(['surveys', 'report', '没有这个问卷']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toBe('retain: no survey "没有这个问卷"');

    const archived = await retain(['surveys', 'archive', '签收后NPS']);
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stdout).toBe('archived survey "签收后NPS"');
    const status = await withStore(async (store) => {
      const workspace = await ensureWorkspace(store.db, 'shop');
      return (await findSurvey(store.db, workspace.id, '签收后NPS')).status;
    });
    expect(status).toBe('archived');
  });
});
