import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Issue #13, critical: a template body `{% include '.env' %}` returned the file to any role's
// preview. A secret file sits in the server's working directory (liquidjs' default root) so a
// template that could reach the disk would show it.
const SECRET = `secret-${randomBytes(8).toString('hex')}`;
const SECRET_FILE = `template-safety-${randomBytes(4).toString('hex')}.txt`;
beforeAll(() => writeFileSync(SECRET_FILE, SECRET));
afterAll(() => rmSync(SECRET_FILE, { force: true }));
afterAll(dropTestSchemas);

describe.each(storesUnderTest())('templates never reach the file system ($name)', (store) => {
  let database: Database;
  let api: Api;
  let keys: Awaited<ReturnType<typeof workspaceWithKeys>>['keys'];
  let workspaceId: number;
  let customerId: number;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    ({
      keys,
      workspace: { id: workspaceId },
    } = await workspaceWithKeys(database, 'shop'));
    const created = await api.call('POST', '/api/v1/customers', {
      key: keys.operator,
      body: { external_id: 'T1', name: '张三', phone: '13800138000' },
    });
    customerId = created.body.id;
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const save = (body: string) =>
    api.call('PUT', '/api/v1/templates', {
      key: keys.operator,
      body: { name: 'probe', channel: 'email', purpose: 'marketing', body: { 'zh-CN': body } },
    });
  const preview = (name: string) =>
    api.call('POST', `/api/v1/templates/${encodeURIComponent(name)}/preview`, {
      key: keys.viewer,
      body: { customer_id: customerId },
    });

  it('refuses include, render and layout when a template is saved, naming the tag', async () => {
    for (const [tag, body] of [
      ['include', `{% include '${SECRET_FILE}' %}`],
      ['render', `{% render '${SECRET_FILE}' %}`],
      ['layout', `{% layout '${SECRET_FILE}' %}hi`],
      ['include', `{% liquid\n  include '${SECRET_FILE}'\n%}`],
      ['include', `{% include 'no-such-file-anywhere' %}`],
    ]) {
      const reply = await save(body!);
      expect(reply.status, body).toBe(400);
      expect(reply.body.message).toContain(`"${tag}" is not allowed`);
      expect(reply.text).not.toContain(SECRET);
    }
  });

  it('does not read a file for a template stored before the check, in a viewer preview', async () => {
    // Saved straight into the table, as a template written before this release would be.
    await database.db
      .insertInto('message_templates')
      .values({
        workspace_id: workspaceId,
        name: 'old',
        channel: 'email',
        purpose: 'marketing',
        subject: JSON.stringify({}) as never,
        body: JSON.stringify({ 'zh-CN': `{% include '${SECRET_FILE}' %}` }) as never,
      })
      .execute();
    const reply = await preview('old');
    expect(reply.status).toBe(400);
    expect(reply.text).not.toContain(SECRET);
    expect(reply.body.message).toContain('"include" is not allowed');
  });

  it('stops a preview whose loops would render millions of pieces, with a reason', async () => {
    const nested = '{% for i in (1..3000) %}{% for j in (1..3000) %}{{ name }}{% endfor %}{% endfor %}';
    expect((await save(nested)).status).toBe(200);
    const reply = await preview('probe');
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('too much work to render');
    // A range that would allocate a hundred million items is refused the same way.
    expect((await save('{% for i in (1..100000000) %}x{% endfor %}')).status).toBe(200);
    expect((await preview('probe')).body.message).toContain('too much work to render');
  });

  it('refuses a rendered message over the output limit and renders a normal one', async () => {
    // 4,000 × 60 characters = 240,000, over the 200,000 allowed, yet quick to render.
    const wide = `{% for i in (1..4000) %}${'好'.repeat(60)}{% endfor %}`;
    expect((await save(wide)).status).toBe(200);
    const big = await preview('probe');
    expect(big.status).toBe(400);
    expect(big.body.message).toContain('more than 200000');
    expect((await save('{{ name }}，您好')).status).toBe(200);
    const ok = await preview('probe');
    expect(ok.status).toBe(200);
    // The viewer sees the name masked, as in lists.
    expect(ok.body.body).toBe('张*，您好');
  });
});
