import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, type Reply, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const PASSWORD = 'correct horse battery';

describe.each(storesUnderTest())('Access: invitations, login limits, passwords ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  // Each test signs in from its own address (the server trusts X-Forwarded-For here), so the
  // per-address limit of one test does not reach another.
  const from = (address: string, cookie?: string, csrf?: string) => ({
    'x-forwarded-for': address,
    ...(cookie ? { cookie } : {}),
    ...(csrf ? { 'x-csrf-token': csrf } : {}),
  });
  const login = (email: string, password: string, address: string) =>
    api.call('POST', '/api/v1/auth/login', { body: { email, password }, headers: from(address) });
  const cookieOf = (reply: Reply) => reply.headers.get('set-cookie')!.split(';')[0]!;
  const audit = async (key: string, action: string) =>
    (await api.call('GET', `/api/v1/audit?limit=500&action=${action}`, { key })).body.items as {
      action: string;
      actor_label: string;
      object_id: string;
      detail: Record<string, unknown>;
    }[];
  const user = (workspaceId: number, email: string, extra: { addExisting?: boolean; name?: string } = {}) =>
    createUser(database.db, workspaceId, cliActor(), {
      email,
      password: PASSWORD,
      role: 'operator',
      ...extra,
    });

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    b = await workspaceWithKeys(database, 'shop-b');
    api = await startApi(database, { trustProxy: true });
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('an admin adding a user of another workspace learns no name and moves no one: users join by invitation', async () => {
    await user(b.workspace.id, 'victim@b.test', { name: '王受害' });
    // The old way in is gone.
    const direct = await api.call('POST', '/api/v1/users', {
      key: a.keys.admin,
      body: { email: 'victim@b.test', password: 'whatever long', role: 'admin' },
    });
    expect(direct.status).toBe(404);
    const invite = (email: string) =>
      api.call('POST', '/api/v1/invitations', { key: a.keys.admin, body: { email, role: 'admin' } });
    const known = await invite('victim@b.test');
    const unknown = await invite('nobody@b.test');
    expect([known.status, unknown.status]).toEqual([201, 201]);
    // The same answer whether or not the email has an account: same fields, same values but its own.
    const shape = (r: Reply) => {
      const {
        id: _i,
        email: _e,
        token: _t,
        accept_path: _p,
        created_at: _c,
        expires_at: _x,
        ...rest
      } = r.body;
      return rest;
    };
    expect(shape(known)).toEqual(shape(unknown));
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(known.text).not.toContain('王受害');
    expect(known.body.accept_path).toBe(`/invite/${known.body.token}`);
    expect(Date.parse(known.body.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    // Until they accept, the victim's sign-in lands in their own workspace only.
    const before = await login('victim@b.test', PASSWORD, '10.0.1.1');
    expect(before.body.workspace.name).toBe('shop-b');
    expect(before.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['shop-b']);
    // Holding the link is not enough for an existing account: its password or its session is.
    const accept = (body: Record<string, unknown>, cookie?: string, csrf?: string) =>
      api.call('POST', '/api/v1/invitations/accept', { body, headers: from('10.0.1.1', cookie, csrf) });
    expect((await accept({ token: known.body.token })).status).toBe(401);
    expect((await accept({ token: known.body.token, password: 'not the password' })).status).toBe(401);
    // A session without its CSRF token (as another site could make a browser send) is not enough.
    expect((await accept({ token: known.body.token }, cookieOf(before))).status).toBe(401);
    const joined = await accept({ token: known.body.token }, cookieOf(before), before.body.csrf_token);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ workspace: { name: 'shop-a' }, role: 'admin' });
    // Accepting twice does not work; a later sign-in still lands where they joined first.
    expect((await accept({ token: known.body.token, password: PASSWORD })).status).toBe(404);
    const after = await login('victim@b.test', PASSWORD, '10.0.1.1');
    expect(after.body.workspace.name).toBe('shop-b');
    expect(after.body.workspaces.map((w: { name: string }) => w.name).sort()).toEqual(['shop-a', 'shop-b']);

    // A new person sets a password of at least 10 characters.
    const short = await accept({ token: unknown.body.token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.fields.map((f: { field: string }) => f.field)).toContain('body.password');
    const fresh = await accept({ token: unknown.body.token, password: PASSWORD, name: '新人' });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ user: { label: 'nobody@b.test' }, workspace: { name: 'shop-a' } });
    expect(cookieOf(fresh)).toMatch(/^retain_session=/);
    const actions = (await audit(a.keys.admin, 'invitation.')).map((e) => e.action);
    expect(actions.filter((x) => x === 'invitation.create')).toHaveLength(2);
    expect(actions.filter((x) => x === 'invitation.accept')).toHaveLength(2);
  });

  it('admins list and revoke invitations; a revoked or expired link does not work and tokens are stored hashed', async () => {
    const made = await api.call('POST', '/api/v1/invitations', {
      key: a.keys.admin,
      body: { email: 'Later@Shop.test', role: 'viewer' },
    });
    expect(made.body).toMatchObject({ email: 'later@shop.test', role: 'viewer', status: 'pending' });
    const stored = await database.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', made.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(made.body.token);
    expect(JSON.stringify(stored)).not.toContain(made.body.token);
    const list = await api.call('GET', '/api/v1/invitations', { key: a.keys.admin });
    const listed = list.body.find((i: { id: number }) => i.id === made.body.id);
    expect(listed).toMatchObject({ status: 'pending', invited_by: expect.stringMatching(/^key:admin/) });
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    expect((await api.call('GET', '/api/v1/invitations', { key: a.keys.operator })).status).toBe(403);
    expect(
      (await api.call('DELETE', `/api/v1/invitations/${made.body.id}`, { key: b.keys.admin })).status,
    ).toBe(404);
    expect(
      (await api.call('DELETE', `/api/v1/invitations/${made.body.id}`, { key: a.keys.admin })).status,
    ).toBe(204);
    const accept = (token: string) =>
      api.call('POST', '/api/v1/invitations/accept', {
        body: { token, password: PASSWORD },
        headers: from('10.0.2.1'),
      });
    expect((await accept(made.body.token)).status).toBe(404);
    const again = await api.call('POST', '/api/v1/invitations', {
      key: a.keys.admin,
      body: { email: 'later@shop.test', role: 'viewer' },
    });
    await database.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', again.body.id)
      .execute();
    expect((await accept(again.body.token)).status).toBe(404);
    const statuses = (await api.call('GET', '/api/v1/invitations', { key: a.keys.admin })).body
      .filter((i: { email: string }) => i.email === 'later@shop.test')
      .map((i: { status: string }) => i.status);
    expect(statuses).toEqual(['expired', 'revoked']);
    const revoked = await audit(a.keys.admin, 'invitation.revoke');
    expect(revoked.map((e) => e.object_id)).toEqual([String(made.body.id)]);
  });

  it('refuses an account’s sign-ins after 10 failed attempts in 15 minutes, even with the right password, and audits them', async () => {
    await user(a.workspace.id, 'guessed@a.test');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await login('guessed@a.test', `wrong guess ${i}`, '10.0.3.1')).status);
    expect(statuses).toEqual(Array(10).fill(401));
    // From another address too: the account is locked, with the right password as well.
    const locked = await login('guessed@a.test', PASSWORD, '10.0.3.2');
    expect(locked.status).toBe(429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // Another account from the same address is not held back by it.
    await user(a.workspace.id, 'neighbour@a.test');
    expect((await login('neighbour@a.test', PASSWORD, '10.0.3.1')).status).toBe(200);
    const failed = await audit(a.keys.admin, 'auth.login_failed');
    expect(failed.filter((e) => e.detail.address === '10.0.3.1')).toHaveLength(10);
    const locks = await audit(a.keys.admin, 'auth.locked');
    expect(locks).toHaveLength(1);
    expect(locks[0]!.detail).toMatchObject({ by: 'account', minutes: 15 });
    expect(JSON.stringify(await audit(a.keys.admin, 'auth.'))).not.toContain('wrong guess');
    // Once the window has passed (attempts moved 16 minutes back), the right password works.
    await database.db
      .updateTable('login_attempts')
      .set({ at: new Date(Date.now() - 16 * 60_000) })
      .where('email', '=', 'guessed@a.test')
      .execute();
    expect((await login('guessed@a.test', PASSWORD, '10.0.3.2')).status).toBe(200);
  });

  it('refuses a client address’s sign-ins past its bound, for every account, across API processes', async () => {
    // A second server on the same database with a small address bound: attempts are counted in
    // the database, so the first server's failures count here too.
    const strict = await startApi(database, {
      trustProxy: true,
      loginLimits: { account: 10, address: 4, windowMinutes: 15 },
    });
    try {
      await user(a.workspace.id, 'spray@a.test');
      for (let i = 0; i < 4; i++)
        expect((await login(`sprayed${i}@a.test`, 'wrong password', '10.0.4.1')).status).toBe(401);
      const refused = await strict.call('POST', '/api/v1/auth/login', {
        body: { email: 'spray@a.test', password: PASSWORD },
        headers: from('10.0.4.1'),
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const elsewhere = await strict.call('POST', '/api/v1/auth/login', {
        body: { email: 'spray@a.test', password: PASSWORD },
        headers: from('10.0.4.2'),
      });
      expect(elsewhere.status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('changes a password only with the current one, ending the user’s other sessions', async () => {
    await user(a.workspace.id, 'changer@a.test');
    const first = await login('changer@a.test', PASSWORD, '10.0.5.1');
    const second = await login('changer@a.test', PASSWORD, '10.0.5.1');
    const change = (body: unknown) =>
      api.call('POST', '/api/v1/auth/password', {
        body,
        headers: from('10.0.5.1', cookieOf(first), first.body.csrf_token),
      });
    const wrong = await change({ current_password: 'not my password', new_password: 'a new long password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields.map((f: { field: string }) => f.field)).toEqual(['body.current_password']);
    const short = await change({ current_password: PASSWORD, new_password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.fields.map((f: { field: string }) => f.field)).toEqual(['body.new_password']);
    const done = await change({ current_password: PASSWORD, new_password: 'a new long password' });
    expect(done.body).toEqual({ sessions_ended: 1 });
    expect((await api.call('GET', '/api/v1/auth/me', { cookie: cookieOf(second) })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/auth/me', { cookie: cookieOf(first) })).status).toBe(200);
    expect((await login('changer@a.test', PASSWORD, '10.0.5.1')).status).toBe(401);
    expect((await login('changer@a.test', 'a new long password', '10.0.5.1')).status).toBe(200);
    const audited = await audit(a.keys.admin, 'user.password_change');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor_label: 'changer@a.test', detail: { sessions_ended: 1 } });
    // An API key has no password to change.
    const byKey = await api.call('POST', '/api/v1/auth/password', {
      key: a.keys.admin,
      body: { current_password: PASSWORD, new_password: 'a new long password' },
    });
    expect(byKey.status).toBe(403);
  });

  it('lets an admin reset a member’s password to one shown once, ending their sessions; not for users of other workspaces', async () => {
    const { user: member } = await user(a.workspace.id, 'forgetful@a.test');
    const session = await login('forgetful@a.test', PASSWORD, '10.0.6.1');
    const reset = await api.call('POST', `/api/v1/users/${member.id}/password-reset`, { key: a.keys.admin });
    expect(reset.status).toBe(200);
    expect(reset.body.password.length).toBeGreaterThanOrEqual(16);
    expect(reset.body.sessions_ended).toBe(1);
    expect((await api.call('GET', '/api/v1/auth/me', { cookie: cookieOf(session) })).status).toBe(401);
    expect((await login('forgetful@a.test', PASSWORD, '10.0.6.1')).status).toBe(401);
    expect((await login('forgetful@a.test', reset.body.password, '10.0.6.1')).status).toBe(200);
    const audited = await audit(a.keys.admin, 'user.password_reset');
    expect(audited.map((e) => e.object_id)).toEqual([String(member.id)]);
    expect(JSON.stringify(audited)).not.toContain(reset.body.password);
    // The new password would open the user's other workspace too: the admin of one may not.
    const { user: shared } = await user(b.workspace.id, 'shared@b.test');
    await user(a.workspace.id, 'shared@b.test', { addExisting: true });
    const refused = await api.call('POST', `/api/v1/users/${shared.id}/password-reset`, {
      key: a.keys.admin,
    });
    expect(refused.status).toBe(409);
    expect((await login('shared@b.test', PASSWORD, '10.0.6.1')).status).toBe(200);
    expect(
      (await api.call('POST', `/api/v1/users/${member.id}/password-reset`, { key: b.keys.admin })).status,
    ).toBe(404);
    expect(
      (await api.call('POST', `/api/v1/users/${member.id}/password-reset`, { key: a.keys.operator })).status,
    ).toBe(403);
  });

  it('answers every bad input of the access routes with a 400 naming the field, never a 500', async () => {
    await user(a.workspace.id, 'fuzzer@a.test');
    const member = await login('fuzzer@a.test', PASSWORD, '10.0.7.1');
    expect(member.status).toBe(200);
    const cookie = cookieOf(member);
    const routes: {
      path: string;
      body: Record<string, unknown>;
      auth: { key?: string; cookie?: string; csrf?: string };
    }[] = [
      { path: '/api/v1/auth/login', body: { email: 'x@a.test', password: 'whatever long' }, auth: {} },
      {
        path: '/api/v1/invitations',
        body: { email: 'fuzz@a.test', role: 'viewer' },
        auth: { key: a.keys.admin },
      },
      {
        path: '/api/v1/invitations/accept',
        body: { token: 'ri_x', password: 'whatever long', name: 'n' },
        auth: {},
      },
      {
        path: '/api/v1/auth/password',
        body: { current_password: 'whatever long', new_password: 'whatever longer' },
        auth: { cookie, csrf: member.body.csrf_token },
      },
    ];
    const values: [string, unknown][] = [
      ['a number', 12345],
      ['an array', ['x']],
      ['an object', { nested: 'x' }],
      ['null', null],
      ['a huge string', 'x'.repeat(200_000)],
      ['a NUL byte', 'ab\u0000cd@e.fg'],
      ['a lone surrogate', 'ab\ud800cd@e.fg'],
    ];
    const wrong: string[] = [];
    const send = (route: (typeof routes)[number], raw: string) =>
      api.call('POST', route.path, {
        key: route.auth.key,
        raw,
        headers: {
          'content-type': 'application/json',
          ...from('10.0.7.2', route.auth.cookie, route.auth.csrf),
        },
      });
    for (const route of routes) {
      for (const field of Object.keys(route.body)) {
        for (const [label, value] of values) {
          const reply = await send(route, JSON.stringify({ ...route.body, [field]: value }));
          const named = (reply.body?.fields ?? []).some(
            (f: { field: string }) => f.field === `body.${field}`,
          );
          if (reply.status !== 400 || !named)
            wrong.push(`${route.path} ${field} as ${label} → ${reply.status} ${reply.text.slice(0, 120)}`);
        }
      }
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const raw = `{${JSON.stringify(key)}: {"polluted": "yes"}, ${JSON.stringify(route.body).slice(1)}`;
        const reply = await send(route, raw);
        // The field named is the key itself, or the body that must not have it.
        const named = (reply.body?.fields ?? []).some(
          (f: { field: string; message: string }) =>
            f.field === `body.${key}` || (f.field === 'body' && f.message.includes(key)),
        );
        if (reply.status !== 400 || !named)
          wrong.push(`${route.path} with ${key} → ${reply.status} ${reply.text.slice(0, 120)}`);
      }
    }
    for (const id of ['abc', '1.5', '-1', '99999999999999999999'])
      for (const path of [`/api/v1/users/${id}/password-reset`, `/api/v1/invitations/${id}`]) {
        const reply = await api.call(path.includes('reset') ? 'POST' : 'DELETE', path, { key: a.keys.admin });
        if (reply.status !== 400) wrong.push(`${path} → ${reply.status}`);
      }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Nothing was written by any of it: no invitation for the fuzzed email, the member still signs in.
    const fuzzed = await database.db
      .selectFrom('invitations')
      .select('id')
      .where('email', 'like', 'fuzz%')
      .execute();
    expect(fuzzed).toEqual([]);
    expect((await login('fuzzer@a.test', PASSWORD, '10.0.7.1')).status).toBe(200);
  });
});
