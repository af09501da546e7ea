import type { Command } from 'commander';
import { INVITATION_DAYS } from '../../access/access-policy.ts';
import { cliActor } from '../../access/index.ts';
import { inviteUser, listInvitations, revokeInvitation } from '../../access/invitation-service.ts';
import { generatedPassword, resetPasswordByEmail } from '../../access/password-service.ts';
import { createUser, listUsers, removeUser, requireRole, updateMember } from '../../access/user-service.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withStore, withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

// Where the dashboard is reached, for printing accept links; the path alone without it.
const publicUrl = () => (process.env.RETAIN_PUBLIC_URL ?? '').replace(/\/+$/, '');

/** The member with this email; a clear error when there is none. */
async function memberByEmail(db: Parameters<typeof listUsers>[0], workspaceId: number, email: string) {
  const wanted = email.trim().toLowerCase();
  const user = (await listUsers(db, workspaceId)).find((u) => u.email === wanted);
  if (!user) throw new InvalidInputError(`${email}: no member with this email in the workspace`);
  return user;
}

/** `retain users …`: members, invitations and password resets of a workspace. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('people who sign in to the dashboard and API');
  users
    .command('create')
    .description(
      'add a user to the workspace (prints a generated password unless --password is given); an email that already has an account is refused unless --add-existing',
    )
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <role>', 'admin, operator, service or viewer')
    .option('--password <password>', 'at least 10 characters (default: generated and printed once)')
    .option('--name <name>', 'display name')
    .option(
      '--add-existing',
      'the email has an account (e.g. in another workspace): add it here, password unchanged',
    )
    .action(
      async (
        opts: { email: string; role: string; password?: string; name?: string; addExisting?: boolean },
        command: Command,
      ) => {
        const role = requireRole(opts.role);
        const password = opts.password ?? generatedPassword();
        await withWorkspace(ws(command), async (store, workspace) => {
          const { user, existed } = await createUser(store.db, workspace.id, cliActor(), {
            email: opts.email,
            password,
            role,
            name: opts.name,
            addExisting: opts.addExisting,
          });
          console.log(`user ${user.email} is now ${role} in workspace "${workspace.name}"`);
          if (existed) console.log('(an existing account: its password is unchanged)');
          else if (!opts.password)
            console.log(`password: ${password}   (shown once; sign in with POST /api/v1/auth/login)`);
        });
      },
    );
  users
    .command('list')
    .description('members of the workspace')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listUsers(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows as unknown as Record<string, unknown>[], [
          'id',
          'email',
          'name',
          'role',
          'createdAt',
        ]);
      });
    });
  users
    .command('set')
    .description('set a member’s stores (the task rule `store`) and the language of their staff messages')
    .argument('<email>', 'the member’s sign-in email')
    .option('--stores <names>', 'store names, comma-separated (an empty string: none)')
    .option('--language <language>', 'zh-CN or en')
    .action(async (email: string, opts: { stores?: string; language?: string }, command: Command) => {
      if (opts.stores === undefined && opts.language === undefined)
        throw new InvalidInputError('users set: give --stores, --language or both');
      if (opts.language !== undefined && opts.language !== 'zh-CN' && opts.language !== 'en')
        throw new InvalidInputError(`--language ${opts.language}: use zh-CN or en`);
      const stores = opts.stores?.split(/[,，]/).map((s) => s.trim());
      const tooLong = stores?.find((s) => [...s].length > 100);
      if (tooLong)
        throw new InvalidInputError(`--stores: "${tooLong.slice(0, 20)}…" is longer than 100 characters`);
      await withWorkspace(ws(command), async (store, workspace) => {
        const user = await memberByEmail(store.db, workspace.id, email);
        const updated = await updateMember(store.db, workspace.id, cliActor(), user.id, {
          ...(stores ? { stores } : {}),
          ...(opts.language ? { language: opts.language as 'zh-CN' | 'en' } : {}),
        });
        console.log(
          `${updated.email}: stores ${updated.stores.join(', ') || '(none)'}; language ${updated.language ?? 'zh-CN'}`,
        );
      });
    });
  users
    .command('remove')
    .description('remove a member from the workspace; their open tasks go back to the queue')
    .argument('<email>', 'the member’s sign-in email')
    .action(async (email: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const user = await memberByEmail(store.db, workspace.id, email);
        const { requeued } = await removeUser(store.db, workspace.id, cliActor(), user.id);
        console.log(
          `${user.email} removed from "${workspace.name}"; ${requeued} open task(s) back in the queue`,
        );
      });
    });
  users
    .command('invite')
    .description(
      `invite an email with a role; prints an accept link, valid ${INVITATION_DAYS} days (shown once)`,
    )
    .requiredOption('--email <email>', 'the invitee’s email')
    .requiredOption('--role <role>', 'admin, operator, service or viewer')
    .action(async (opts: { email: string; role: string }, command: Command) => {
      const role = requireRole(opts.role);
      await withWorkspace(ws(command), async (store, workspace) => {
        const { invitation, token } = await inviteUser(store.db, workspace.id, cliActor(), {
          email: opts.email,
          role,
        });
        console.log(
          `invitation ${invitation.id}: ${invitation.email} as ${role} in workspace "${workspace.name}"`,
        );
        console.log(`accept link (shown once): ${publicUrl()}/invite/${token}`);
      });
    });
  users
    .command('invitations')
    .description('invitations of the workspace and their status')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listInvitations(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows as unknown as Record<string, unknown>[], [
          'id',
          'email',
          'role',
          'status',
          'invitedBy',
          'expiresAt',
        ]);
      });
    });
  users
    .command('revoke-invitation')
    .description('revoke a pending invitation; its link stops working')
    .argument('<id>', 'invitation id (from users invitations)')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const invitationId = Number(id);
      if (!Number.isInteger(invitationId) || invitationId < 1)
        throw new InvalidInputError(`<id> ${id}: expected a whole number ≥ 1`);
      await withWorkspace(ws(command), async (store, workspace) => {
        await revokeInvitation(store.db, workspace.id, cliActor(), invitationId);
        console.log(`invitation ${invitationId} revoked`);
      });
    });
  users
    .command('reset-password')
    .description(
      "set a user's password (generated and printed once unless --password) and end their sessions",
    )
    .argument('<email>', 'the user’s sign-in email')
    .option('--password <password>', 'at least 10 characters')
    .action(async (email: string, opts: { password?: string }) => {
      // An account is not a workspace's: no --workspace needed (nor created).
      await withStore(async (store) => {
        const reset = await resetPasswordByEmail(store.db, cliActor(), email, opts.password);
        console.log(
          `password of ${email.trim().toLowerCase()} reset; ${reset.sessionsEnded} session(s) ended`,
        );
        if (!opts.password) console.log(`password: ${reset.password}   (shown once)`);
      });
    });
}
