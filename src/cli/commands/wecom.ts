import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { listUsers } from '../../access/user-service.ts';
import { setCustomerExternalUserid, setStaffWecomUserid } from '../../channels/wecom-contacts.ts';
import { ExternalUserid, WecomUserid } from '../../channels/wecom-contract.ts';
import { findCustomerId } from '../../customers/index.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** The value, or null for `none`; a bad one is refused naming the argument. */
function idText(schema: typeof WecomUserid, name: string, text: string): string | null {
  if (text === 'none') return null;
  const parsed = schema.safeParse(text);
  if (!parsed.success) throw new InvalidInputError(`${name} "${text}": ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** `retain wecom staff|customer …`: who sends and who receives WeCom customer-contact messages. */
export function registerWecomCommands(program: Command): void {
  const wecom = program
    .command('wecom')
    .description(
      'WeCom customer contact (企业微信客户联系): staff WeCom userids, customers’ external userids',
    );
  wecom
    .command('staff')
    .description("set a member's WeCom userid (the sender of messages to the customers they own)")
    .argument('<email>', "the member's sign-in email")
    .argument('<userid>', 'their WeCom userid, or none to clear it')
    .action(async (email: string, userid: string, _o: unknown, command: Command) => {
      const value = idText(WecomUserid, 'userid', userid);
      await withWorkspace(ws(command), async (store, workspace) => {
        const wanted = email.trim().toLowerCase();
        const user = (await listUsers(store.db, workspace.id)).find((u) => u.email === wanted);
        if (!user) throw new NotFoundError(`no member ${email} in workspace "${workspace.name}"`);
        await setStaffWecomUserid(store.db, workspace.id, cliActor(), user.id, value);
        console.log(value ? `${email} sends on WeCom as ${value}` : `${email} has no WeCom userid now`);
      });
    });
  wecom
    .command('customer')
    .description("set a customer's WeCom external userid")
    .argument('<customer>', 'external id, phone, email, member card or internal id')
    .argument('<external_userid>', 'the external userid, or none to clear it')
    .action(async (query: string, external: string, _o: unknown, command: Command) => {
      const value = idText(ExternalUserid, 'external_userid', external);
      await withWorkspace(ws(command), async (store, workspace) => {
        const id = await findCustomerId(store.db, workspace.id, query);
        await setCustomerExternalUserid(store.db, workspace.id, cliActor(), id, value);
        console.log(value ? `customer ${id}: WeCom external userid set` : `customer ${id}: cleared`);
      });
    });
}
