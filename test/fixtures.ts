import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Database } from '../src/db/database.ts';
import type { Schema } from '../src/db/schema.ts';
import type { ImportKind } from '../src/importing/import-kinds.ts';
import { importFile } from '../src/importing/import-service.ts';
import type { Workspace } from '../src/workspaces/workspace-service.ts';

/** A workspace's customers' internal ids by external id. */
export async function customerIds(db: Kysely<Schema>, workspaceId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return Object.fromEntries(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, r.id]));
}

/** Points a workspace's email channel at a local SMTP server and its signed webhook at a local URL. */
export async function useLocalChannels(
  db: Kysely<Schema>,
  workspaceId: number,
  to: { smtpPort: number; webhookUrl?: string; webhookSecret?: string },
): Promise<void> {
  await setChannel(
    db,
    workspaceId,
    'email',
    { host: '127.0.0.1', port: to.smtpPort, from: 'shop@example.com' },
    {},
  );
  if (to.webhookUrl)
    await setChannel(db, workspaceId, 'webhook', { url: to.webhookUrl }, { secret: to.webhookSecret ?? '' });
}

let scratch: string | undefined;

/**
 * Imports CSV text of a kind into the workspace through the product's own importer, and checks
 * that no row was rejected.
 */
export async function importText(
  database: Database,
  workspace: Workspace,
  kind: ImportKind,
  text: string,
): Promise<void> {
  scratch ??= await mkdtemp(join(tmpdir(), 'retain-test-files-'));
  const file = join(scratch, `${kind}-${randomUUID()}.csv`);
  await writeFile(file, text);
  const r = await importFile(database, { kind, file, workspace });
  expect(r.rejected).toBe(0);
}
