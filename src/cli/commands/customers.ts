import type { Command } from 'commander';
import { findCustomerId, getCustomerProfile } from '../../customers/index.ts';
import { formatMoney } from '../../shared/money-format.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** `retain customers show ID|PHONE|EMAIL`. */
export function registerCustomersCommands(program: Command): void {
  const customers = program.command('customers').description('look at customers');
  customers
    .command('show')
    .description('show a customer: profile, identities, tags, aggregates and orders')
    .argument('<query>', 'external id, phone, email, member card or internal id')
    .option('--json', 'print JSON')
    .option('--orders <n>', 'how many recent orders to list', '20')
    .action(async (query: string, opts: { json?: boolean; orders: string }, command: Command) => {
      const workspaceName: string = command.optsWithGlobals().workspace;
      await withWorkspace(workspaceName, async (store, ws) => {
        const id = await findCustomerId(store.db, ws.id, query);
        const profile = await getCustomerProfile(store.db, ws.id, id, Math.max(0, Number(opts.orders) || 20));
        if (opts.json) return printJson(profile);
        const c = profile.customer;
        const money = (minor: number) => formatMoney(minor, ws.currency);
        console.log(
          `customer ${c.id}${c.external_id ? ` (${c.external_id})` : ''}${c.name ? ` ${c.name}` : ''}`,
        );
        const attrs: Array<[string, unknown]> = [
          ['gender', c.gender],
          ['birthday', c.birthday],
          ['city', c.city],
          ['country', c.country],
          ['tier', c.member_tier],
        ];
        for (const [k, v] of attrs) if (v) console.log(`  ${k}: ${v}`);
        console.log(
          `  identities: ${profile.identities.map((i) => `${i.type}=${i.value}`).join(', ') || '-'}`,
        );
        console.log(`  tags: ${profile.tags.map((t) => t.tag).join(', ') || '-'}`);
        console.log(
          `  valid orders: ${c.order_count}, net total ${money(c.net_total)}, first ${c.first_order_date ?? '-'}, last ${c.last_order_date ?? '-'}`,
        );
        console.log(`orders (${profile.orders.length} of ${profile.orderTotal}):`);
        if (profile.orders.length > 0) {
          printTable(
            profile.orders.map((o) => ({
              order_id: o.order_id,
              date: o.local_date,
              amount: money(o.amount),
              refunded: o.refunded_amount ? money(o.refunded_amount) : '',
              status: o.status,
              channel: o.channel,
              store: o.store,
            })),
          );
        }
      });
    });
}
