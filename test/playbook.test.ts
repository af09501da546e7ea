import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cliActor } from '../src/access/caller.ts';
import type { Database } from '../src/db/database.ts';
import { generateDemo } from '../src/demo/demo-data.ts';
import { loadDemo } from '../src/demo/demo-load.ts';
import { backtestJourney } from '../src/journeys/journey-backtest.ts';
import { readJourneyFile } from '../src/journeys/journey-parse.ts';
import { applyJourney, setJourneyStatus } from '../src/journeys/journey-service.ts';
import { installPlaybook } from '../src/playbook/playbook-install.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const JOURNEY_FILES = readdirSync(join(EXAMPLES, 'journeys')).filter((f) => f.endsWith('.yaml'));

// What the playbook must hold, read from the files themselves (not through the installer): every
// template of templates.json, every coupon of coupons.json, every journey file, and every coupon
// and message template a journey names must be among them.
const seedTemplates = (
  JSON.parse(readFileSync(join(EXAMPLES, 'journeys/templates.json'), 'utf8')) as {
    name: string;
  }[]
).map((t) => t.name);
const seedCoupons = (
  JSON.parse(readFileSync(join(EXAMPLES, 'playbook/coupons.json'), 'utf8')) as {
    name: string;
  }[]
).map((c) => c.name);
const seedJourneys = JOURNEY_FILES.map((f) => {
  const doc = parseYaml(readFileSync(join(EXAMPLES, 'journeys', f), 'utf8')) as {
    name: string;
    steps: Record<string, { type: string; template?: string; templates?: string[] }>;
  };
  const steps = Object.values(doc.steps);
  return {
    file: f,
    name: doc.name,
    coupons: steps.filter((s) => s.type === 'issue_coupon').map((s) => s.template!),
    templates: steps.flatMap((s) => s.templates ?? []),
  };
});

afterAll(() => dropTestSchemas());

describe('the seed playbook files', () => {
  it('ship every coupon and message template the example journeys name, and the eight journeys', () => {
    expect(seedJourneys.map((j) => j.name).sort()).toEqual(
      [
        '新客转化',
        '30天复购提醒',
        '沉默客户召回',
        '流失客户挽回',
        '生日关怀',
        '购物车提醒',
        '浏览提醒',
        '导购到店邀约',
      ].sort(),
    );
    for (const j of seedJourneys) {
      for (const c of j.coupons) expect(seedCoupons, `${j.file} issues ${c}`).toContain(c);
      for (const t of j.templates) expect(seedTemplates, `${j.file} sends ${t}`).toContain(t);
    }
    expect(seedCoupons).toContain('生日礼券');
  });
});

describe.each(storesUnderTest())('installing the seed playbook ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const snapshot = async () => ({
    templates: await database.db
      .selectFrom('message_templates')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('name')
      .execute(),
    coupons: await database.db
      .selectFrom('coupon_templates')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('name')
      .execute(),
    journeys: await database.db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .orderBy('name')
      .execute(),
    audit: await database.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('workspace_id', '=', ws.id)
      .execute(),
  });

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `playbook-${store.name}` });
  });
  afterAll(() => database?.close());

  it('creates every template, coupon and journey, the journeys paused, audited once', async () => {
    const result = await installPlaybook(database.db, ws, cliActor());
    const expected = [
      ...seedTemplates.map((name) => ({ kind: 'message_template', name, outcome: 'created' })),
      ...seedCoupons.map((name) => ({ kind: 'coupon_template', name, outcome: 'created' })),
      ...seedJourneys.map((j) => ({ kind: 'journey', name: j.name, outcome: 'created' })),
    ];
    expect([...result.items].sort(byName)).toEqual(expected.sort(byName));
    expect(result).toMatchObject({ created: expected.length, unchanged: 0, kept: 0 });
    const after = await snapshot();
    expect(after.templates.map((t) => t.name).sort()).toEqual([...seedTemplates].sort());
    expect(after.coupons.map((c) => c.name).sort()).toEqual([...seedCoupons].sort());
    expect(after.journeys.map((j) => [j.name, j.status]).sort()).toEqual(
      seedJourneys.map((j) => [j.name, 'paused']).sort(),
    );
    expect(after.audit.map((a) => a.action)).toEqual(['playbook.install']);
    expect((after.audit[0]!.detail as { created: string[] }).created).toHaveLength(expected.length);
  });

  it('installing twice changes nothing, and an operator’s edits are kept', async () => {
    const before = await snapshot();
    const again = await installPlaybook(database.db, ws, cliActor());
    expect(again).toMatchObject({
      created: 0,
      kept: 0,
      unchanged: before.templates.length + before.coupons.length + before.journeys.length,
    });
    expect(await snapshot()).toEqual(before);

    // The operator rewrites a template, changes a journey and turns it on.
    await database.db
      .updateTable('message_templates')
      .set({ body: JSON.stringify({ 'zh-CN': '{{ name }}，生日快乐！' }) as never })
      .where('workspace_id', '=', ws.id)
      .where('name', '=', '生日祝福')
      .execute();
    const birthday = await readJourneyFile(join(EXAMPLES, 'journeys/birthday.yaml'));
    await applyJourney(database.db, ws.id, { ...birthday, reentry: { every_days: 360 } });
    await setJourneyStatus(database.db, ws.id, '生日关怀', 'active');
    await database.db
      .updateTable('coupon_templates')
      .set({ amount_off: 8800 })
      .where('workspace_id', '=', ws.id)
      .where('name', '=', '生日礼券')
      .execute();
    const edited = await snapshot();
    const third = await installPlaybook(database.db, ws, cliActor());
    expect(
      third.items
        .filter((i) => i.outcome === 'kept')
        .map((i) => `${i.kind}:${i.name}`)
        .sort(),
    ).toEqual(['coupon_template:生日礼券', 'journey:生日关怀', 'message_template:生日祝福'].sort());
    expect(third).toMatchObject({ created: 0, kept: 3 });
    expect(await snapshot()).toEqual(edited);
  });

  it('on the demo merchant, every example journey applies and backtests as it is', async () => {
    const demo = await createWorkspace(database.db, { name: `demo-${store.name}` });
    const endDate = '2026-04-30';
    await loadDemo(database, demo, { customers: 300, endDate });
    await installPlaybook(database.db, demo, cliActor());
    const period = { from: '2026-03-01', to: '2026-04-01' };
    const results: Record<string, Awaited<ReturnType<typeof backtestJourney>>> = {};
    for (const file of JOURNEY_FILES) {
      const journey = await readJourneyFile(join(EXAMPLES, 'journeys', file));
      await applyJourney(database.db, demo.id, journey);
      results[file] = await backtestJourney(database.db, demo, journey, period);
      expect(results[file]!.steps.map((s) => s.step).sort(), file).toEqual(Object.keys(journey.steps).sort());
    }
    // Independently from the demo's own files: birthdays in March (one entry each), and
    // add-to-cart events in March (each a firing of the cart reminder).
    const files = generateDemo({ customers: 300, endDate });
    // Columns: 客户编号,姓名,手机号,性别,生日,… and 客户编号,事件类型,时间,sku.
    const customers = parseCsv(files.customersCsv, { from_line: 2 }) as string[][];
    const marchBirthdays = customers.filter((c) => /^\d{4}-03-/.test(c[4] ?? '')).length;
    expect(marchBirthdays).toBeGreaterThan(0);
    expect(results['birthday.yaml']).toMatchObject({ triggered: marchBirthdays, entered: marchBirthdays });
    const events = parseCsv(files.eventsCsv, { from_line: 2 }) as string[][];
    const marchCarts = events.filter((e) => e[1] === 'add_to_cart' && e[2]!.startsWith('2026/3/')).length;
    expect(marchCarts).toBeGreaterThan(0);
    expect(results['cart-abandonment.yaml']!.triggered).toBe(marchCarts);
  }, 120_000);
});

const byName = (a: { kind: string; name: string }, b: { kind: string; name: string }) =>
  `${a.kind}:${a.name}` < `${b.kind}:${b.name}` ? -1 : 1;
