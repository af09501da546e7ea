import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { useLocalChannels as localChannels } from './fixtures.ts';
import { BODY_MUTANTS } from './fuzz-values.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
  await dropTestSchemas();
});

const GOOD = {
  name: '会员日群发',
  audience: { list: ['A-1', '13912340002', 'nobody@example.com'] },
  templates: ['offer'],
  holdout_percent: 0,
};

describe.each(storesUnderTest())('broadcasts over HTTP ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, `bc-api-${store.name}`);
    api = await startApi(database);
    await localChannels(database.db, a.workspace.id, { smtpPort: smtp.port });
    for (const [ext, phone, email] of [
      ['A-1', '13912340001', 'a1@example.com'],
      ['A-2', '13912340002', 'a2@example.com'],
    ])
      expect(
        (
          await api.call('POST', '/api/v1/customers', {
            key: a.keys.admin,
            body: { external_id: ext, phone, email },
          })
        ).status,
      ).toBe(200);
    const template = {
      name: 'offer',
      channel: 'email',
      purpose: 'marketing',
      subject: { 'zh-CN': '会员日' },
      body: { 'zh-CN': '{{ name }} 会员日快乐' },
    };
    expect((await api.call('PUT', '/api/v1/templates', { key: a.keys.admin, body: template })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('names the field of a bad body', async () => {
    const cases: [unknown, string][] = [
      [{ ...GOOD, audience: undefined }, 'body.audience'],
      [{ ...GOOD, templates: [] }, 'body.templates'],
      [{ ...GOOD, holdout_percent: 80 }, 'body.holdout_percent'],
      [{ ...GOOD, send: { at: 'scheduled', time: '2026-6-01T10:00' } }, 'body.send.time'],
      [{ ...GOOD, send: { at: 'customer_local', date: '2026-06-01', time: '25:00' } }, 'body.send.time'],
      [{ ...GOOD, templates: undefined }, 'body.templates'],
      [{ ...GOOD, templates: ['missing'] }, 'templates.0'],
      [{ ...GOOD, coupon: '无此券' }, 'coupon'],
      [{ ...GOOD, send: { at: 'scheduled', time: '2026-02-30T10:00' } }, 'send.time'],
    ];
    for (const [body, field] of cases) {
      const r = await api.call('POST', '/api/v1/broadcasts', { key: a.keys.operator, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.body.fields ?? r.body.message)).toContain(field);
    }
    for (const { value } of BODY_MUTANTS) {
      for (const body of [
        { ...GOOD, name: value },
        { ...GOOD, audience: { list: [value] } },
        { ...GOOD, templates: [value] },
        { ...GOOD, holdout_percent: value },
        { ...GOOD, send: value },
      ]) {
        const r = await api.call('POST', '/api/v1/broadcasts', { key: a.keys.operator, body });
        expect([201, 400, 413], JSON.stringify(body).slice(0, 200)).toContain(r.status);
      }
    }
  });

  it('runs the approval flow by role, with the reach and a test send', async () => {
    const settings = await api.call('PATCH', '/api/v1/workspace/settings', {
      key: a.keys.admin,
      body: { 'broadcasts.require_approval': true },
    });
    expect(settings.status).toBe(200);
    const created = await api.call('POST', '/api/v1/broadcasts', {
      key: a.keys.operator,
      body: { ...GOOD, name: '审批流程' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', list_unmatched: 1 });
    const id = created.body.id;
    const reach = await api.call('GET', `/api/v1/broadcasts/${id}/reach`, { key: a.keys.viewer });
    expect(reach.body).toMatchObject({ members: 2, reachable: 2, held_out: 0 });
    expect((await api.call('POST', `/api/v1/broadcasts/${id}/schedule`, { key: a.keys.viewer })).status).toBe(
      403,
    );
    const test = await api.call('POST', `/api/v1/broadcasts/${id}/test`, {
      key: a.keys.operator,
      body: { to: ['qa@example.com'] },
    });
    expect(test.body.sent).toEqual([
      { arm: 'main', template: 'offer', to: 'qa@example.com', ok: true, error: null },
    ]);
    expect(smtp.mail.filter((m) => m.to.includes('qa@example.com'))[0]!.subject).toBe('【测试】会员日');
    const scheduled = await api.call('POST', `/api/v1/broadcasts/${id}/schedule`, { key: a.keys.operator });
    expect(scheduled.body.status).toBe('pending_approval');
    expect(
      (await api.call('POST', `/api/v1/broadcasts/${id}/approve`, { key: a.keys.operator })).status,
    ).toBe(403);
    const approved = await api.call('POST', `/api/v1/broadcasts/${id}/approve`, { key: a.keys.admin });
    expect(approved.body).toMatchObject({ status: 'scheduled', approved_by: expect.any(String) });
    const again = await api.call('POST', `/api/v1/broadcasts/${id}/approve`, { key: a.keys.admin });
    expect(again.status).toBe(409);
    const list = await api.call('GET', '/api/v1/broadcasts', { key: a.keys.viewer });
    expect(list.body.items.map((b: { name: string }) => b.name)).toContain('审批流程');
    const report = await api.call('GET', `/api/v1/broadcasts/${id}/report`, { key: a.keys.viewer });
    expect(report.status).toBe(200);
    expect(report.body.funnel.touched).toBe(0);
  });
});
