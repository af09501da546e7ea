import type { Command } from 'commander';
import { addApiKey, listApiKeys, revokeApiKey } from '../../access/api-key-service.ts';
import { cliActor } from '../../access/index.ts';
import { requireRole } from '../../access/user-service.ts';
import { listAudit } from '../../audit/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { registerUserCommands } from './users.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidInputError(`${flag} ${value}: expected a whole number ≥ 1`);
  return n;
}

/** `retain users …`, `retain apikeys …` and `retain audit`. */
export function registerAccessCommands(program: Command): void {
  registerUserCommands(program);

  const keys = program
    .command('apikeys')
    .description('keys for shops, POS systems and mini-programs to call the API');
  keys
    .command('create')
    .description('create a key for this workspace and role; the key is printed once')
    .requiredOption('--role <role>', 'admin, operator, service or viewer')
    .option('--name <name>', 'what uses the key', 'api')
    .action(async (opts: { role: string; name: string }, command: Command) => {
      const role = requireRole(opts.role);
      await withWorkspace(ws(command), async (store, workspace) => {
        const { key, info } = await addApiKey(store.db, workspace.id, cliActor(), {
          name: opts.name,
          role,
        });
        console.log(`API key ${info.id} (${role}) for workspace "${workspace.name}":`);
        console.log(key);
        console.log('send it as "Authorization: Bearer <key>"; it is shown only now');
      });
    });
  keys
    .command('list')
    .description('keys of the workspace (never the secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listApiKeys(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows as unknown as Record<string, unknown>[], [
          'id',
          'name',
          'role',
          'prefix',
          'createdAt',
          'lastUsedAt',
          'revokedAt',
        ]);
      });
    });
  keys
    .command('revoke')
    .description('revoke a key; it stops working at once')
    .argument('<id>', 'key id (from apikeys list)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const keyId = positive('<id>', id);
      await withWorkspace(ws(command), async (store, workspace) => {
        await revokeApiKey(store.db, workspace.id, keyId, cliActor());
        console.log(`API key ${keyId} revoked`);
      });
    });

  program
    .command('audit')
    .description('who did what to which object, newest first')
    .option('--limit <n>', 'how many entries', '50')
    .option('--action <prefix>', 'only actions starting with this, e.g. customer.')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: string; action?: string; json?: boolean }, command: Command) => {
      const limit = positive('--limit', opts.limit);
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listAudit(store.db, workspace.id, { limit, action: opts.action });
        if (opts.json) return printJson(rows);
        printTable(
          rows.map((r) => ({ ...r, at: r.at.toISOString(), detail: JSON.stringify(r.detail) })),
          ['id', 'at', 'actor_label', 'action', 'object_type', 'object_id', 'detail'],
        );
      });
    });
}
