import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { type ImportKind, KIND_FIELDS } from './import-kinds.ts';

/** A column mapping: field → the file's header, or '' for a field left out. */
export type ColumnMapping = Record<string, string>;

/** The mapping last confirmed for a platform's export imported as `kind`, or undefined. */
export async function readSavedMapping(
  db: Kysely<Schema>,
  workspaceId: number,
  platform: string,
  kind: ImportKind,
): Promise<ColumnMapping | undefined> {
  const row = await db
    .selectFrom('import_mappings')
    .select('mapping')
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', platform)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row?.mapping;
}

/**
 * The entries of a saved mapping this file can use: fields the kind still reads, mapped to a
 * header the file has or left out. Others fall back to matching by aliases.
 */
export function usableMapping(
  saved: ColumnMapping | undefined,
  kind: ImportKind,
  headers: readonly string[],
): ColumnMapping {
  const fields = KIND_FIELDS[kind].fields;
  const out: ColumnMapping = {};
  for (const [field, header] of Object.entries(saved ?? {})) {
    if (!fields.includes(field) || typeof header !== 'string') continue;
    if (header === '' || headers.includes(header)) out[field] = header;
  }
  return out;
}

/** Remembers the mapping an import of a platform's export was confirmed with (inside its transaction). */
export async function saveMapping(
  db: Kysely<Schema>,
  workspaceId: number,
  platform: string,
  kind: ImportKind,
  mapping: ColumnMapping,
): Promise<void> {
  await db
    .insertInto('import_mappings')
    .values({ workspace_id: workspaceId, platform, kind, mapping: JSON.stringify(mapping) })
    .onConflict((c) =>
      c.columns(['workspace_id', 'platform', 'kind']).doUpdateSet({
        mapping: JSON.stringify(mapping),
        updated_at: new Date(),
      }),
    )
    .execute();
}
