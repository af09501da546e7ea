import type { AddressInfo } from 'node:net';
import { createApiKey } from '../src/access/api-key-service.ts';
import type { Role } from '../src/access/roles.ts';
import { startServer } from '../src/api/server.ts';
import type { Database } from '../src/db/database.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';

/** A response as the tests look at it. */
export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes
  body: any;
  text: string;
}

/** The real server on a random local port, called over HTTP with fetch. */
export async function startApi(
  database: Database,
  options: { rateLimitPerMinute?: number; statementTimeoutMs?: number } = {},
) {
  const app = await startServer(database, { port: 0, host: '127.0.0.1', logger: false, ...options });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = async (
    method: string,
    path: string,
    init: {
      key?: string;
      body?: unknown;
      cookie?: string;
      headers?: Record<string, string>;
      raw?: BodyInit;
    } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    if (init.cookie) headers.cookie = init.cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      redirect: 'manual',
    });
    const text = await response.text();
    let body: unknown = text;
    if (response.headers.get('content-type')?.includes('json')) body = text ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body, text };
  };
  return { app, base, call, close: () => app.close() };
}

export type Api = Awaited<ReturnType<typeof startApi>>;

/** A workspace with one API key per role. */
export async function workspaceWithKeys(database: Database, name: string) {
  const workspace: Workspace = await createWorkspace(database.db, { name });
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'service', 'viewer'] as const) {
    keys[role] = (await createApiKey(database.db, workspace.id, { name: role, role })).key;
  }
  return { workspace, keys };
}
