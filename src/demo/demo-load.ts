import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../db/database.ts';
import { type ImportStats, importFile } from '../importing/import-service.ts';
import type { ImportKind } from '../importing/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import { type DemoOptions, generateDemo } from './demo-data.ts';

/**
 * Loads the demo merchant into a workspace through the ordinary import path (customers, then
 * order lines, then events), so the demo exercises exactly what a merchant's files would.
 */
export async function loadDemo(
  store: Database,
  workspace: Workspace,
  options: DemoOptions = {},
): Promise<Record<'customers' | 'order-lines' | 'events', ImportStats>> {
  const files = generateDemo(options);
  const dir = await mkdtemp(join(tmpdir(), 'retain-demo-'));
  try {
    const load = async (kind: ImportKind, name: string, text: string) => {
      const file = join(dir, name);
      await writeFile(file, text);
      return importFile(store, { kind, file, workspace });
    };
    return {
      customers: await load('customers', 'customers.csv', files.customersCsv),
      'order-lines': await load('order-lines', 'order-lines.csv', files.orderLinesCsv),
      events: await load('events', 'events.csv', files.eventsCsv),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
