import { customerIdByIdentity } from '../customers/index.ts';
import type { Database } from '../db/database.ts';
import { normalizeIdentity } from '../identity/index.ts';
import { InvalidInputError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { batchRecords } from './batch-source.ts';
import { IDENTITY_FIELDS, KIND_FIELDS } from './import-kinds.ts';
import { importRecords } from './import-service.ts';

/** A customer as the API takes it: any identities (`external_id` for the merchant's id) plus attributes and tags. */
export type CustomerRecord = Record<string, string | string[] | undefined>;

/**
 * Creates or updates one customer through the import pipeline, so identity resolution, merging
 * and validation are exactly those of a customers file. Returns the customer's id. With
 * `mayMerge: false` (callers without the data.write permission) a record whose identities belong
 * to two or more customers is refused instead of merging them.
 */
export async function upsertCustomer(
  database: Database,
  workspace: Workspace,
  input: CustomerRecord,
  options: { mayMerge?: boolean } = {},
): Promise<{ id: number; created: boolean; merged: number }> {
  // Files call the merchant's own id `customer_id`; the API calls it `external_id`.
  const { external_id, ...rest } = input;
  const record: CustomerRecord = { ...rest, customer_id: external_id };
  const identity = IDENTITY_FIELDS.find(([field]) => typeof record[field] === 'string' && record[field]);
  if (!identity) {
    throw new InvalidInputError(
      'body: a customer needs at least one identity (external_id, phone, email, member_card, wechat_unionid, wechat_openid, platform_id)',
    );
  }
  if (options.mayMerge === false) await refuseMerge(database, workspace.id, record);
  const row = { ...record, tags: Array.isArray(record.tags) ? record.tags.join(',') : record.tags };
  const { source, columns } = batchRecords(KIND_FIELDS.customers.fields, [row]);
  const stats = await importRecords(database, {
    kind: 'customers',
    workspace,
    source,
    columns,
    label: 'api:customers',
  });
  const error = stats.errors[0];
  if (error) throw new InvalidInputError(`body.${error.column || 'customer'}: ${error.reason}`);
  const [field, type] = identity;
  const value = normalizeIdentity(type, String(record[field]));
  const id =
    value === undefined ? undefined : await customerIdByIdentity(database.db, workspace.id, type, value);
  if (id === undefined)
    throw new InvalidInputError(`body.${field}: "${input[field]}" is not a valid ${field}`);
  return { id, created: stats.inserted > 0, merged: stats.merged };
}

// A merge moves orders, points and history between customers; a role that may only edit profiles
// must not be able to do it by posting two identities together.
async function refuseMerge(database: Database, workspaceId: number, record: CustomerRecord) {
  const owners = new Set<number>();
  for (const [field, type] of IDENTITY_FIELDS) {
    const text = record[field];
    const value = typeof text === 'string' && text ? normalizeIdentity(type, text) : undefined;
    const id =
      value === undefined ? undefined : await customerIdByIdentity(database.db, workspaceId, type, value);
    if (id !== undefined) owners.add(id);
  }
  if (owners.size > 1)
    throw new RetainError(
      'forbidden',
      `these identities belong to ${owners.size} customers; merging them needs the data.write permission (operator or admin)`,
    );
}
