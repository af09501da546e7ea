import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import { backfillPoints } from '../../loyalty/points-earn.ts';
import { changePoints, expirePointsAs, pointsBalance, pointsHistory } from '../../loyalty/points-ledger.ts';
import { linkReferral, referralCodeAs, referralReport } from '../../loyalty/referrals.ts';
import { customerTier, evaluateTiersAs } from '../../loyalty/tier-evaluate.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

function wholePoints(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n === 0)
    throw new InvalidInputError(`${text}: points must be a whole number other than 0`);
  return n;
}

/** `retain points …` and `retain tiers …`. */
export function registerLoyaltyCommands(program: Command): void {
  const points = program
    .command('points')
    .description('the points ledger: balances, adjustments, redemptions, expiry');

  points
    .command('show')
    .description("a customer's balance and ledger")
    .argument('<customer>', 'external id, phone, email or id')
    .option('--json', 'print JSON')
    .action(async (query: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const id = await findCustomerId(store.db, workspace.id, query);
        const balance = await pointsBalance(store.db, workspace.id, id);
        const ledger = await pointsHistory(store.db, workspace.id, id);
        if (opts.json) return printJson({ customer_id: id, balance, ledger });
        console.log(`customer ${id}: ${balance} points`);
        if (ledger.length) printTable(ledger, ['at', 'kind', 'points', 'reason', 'order_id', 'expires_at']);
      });
    });

  for (const kind of ['adjust', 'redeem'] as const) {
    points
      .command(kind)
      .description(
        kind === 'adjust'
          ? 'add (or with a negative number, remove) points by hand'
          : 'spend points (for a gift or coupon)',
      )
      .argument('<customer>', 'external id, phone, email or id')
      .argument('<points>', kind === 'adjust' ? 'points, e.g. 100 or -50' : 'points to spend')
      .requiredOption('--reason <text>', 'why (kept in the ledger)')
      .option('--key <key>', 'idempotency key: the same key twice records once (default: a new one)')
      .action(
        async (query: string, amount: string, opts: { reason: string; key?: string }, command: Command) => {
          const n = wholePoints(amount);
          await withWorkspace(ws(command), async (store, workspace) => {
            const id = await findCustomerId(store.db, workspace.id, query);
            const key = opts.key ?? `${kind}:cli:${crypto.randomUUID()}`;
            const result = await changePoints(store.db, workspace, id, {
              kind,
              points: n,
              reason: opts.reason,
              idempotencyKey: key,
              actor: cliActor(),
            });
            console.log(
              `${result.recorded ? 'recorded' : 'already recorded'}; customer ${id} now has ${result.balance} points`,
            );
          });
        },
      );
  }

  points
    .command('expire')
    .description('expire points whose time has come (run daily)')
    .option('--as-of <date>', 'date YYYY-MM-DD (default: today in the workspace zone)')
    .action(async (opts: { asOf?: string }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const asOf = asOfOption(opts.asOf, workspace.timezone);
        const result = await expirePointsAs(store.db, workspace, cliActor(), asOf);
        console.log(`as of ${asOf}: ${result.points} points of ${result.customers} customers expired`);
      });
    });

  points
    .command('backfill')
    .description('earn points for every order already imported (when the programme is switched on)')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        await backfillPoints(store, workspace);
        console.log('points are up to date with every order');
      });
    });

  const tiers = program.command('tiers').description('membership tiers (银卡 / 金卡 / 钻石卡)');
  tiers
    .command('evaluate')
    .description('upgrade and (after the grace period) downgrade customers; run daily')
    .option('--as-of <date>', 'date YYYY-MM-DD (default: today in the workspace zone)')
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const asOf = asOfOption(opts.asOf, workspace.timezone);
        const changes = await evaluateTiersAs(store.db, workspace, cliActor(), asOf);
        if (opts.json) return printJson({ as_of: asOf, ...changes });
        console.log(
          `as of ${asOf}: ${changes.upgraded} upgraded, ${changes.downgraded} downgraded, ${changes.in_grace} in their grace period`,
        );
      });
    });
  tiers
    .command('show')
    .description("a customer's tier and its benefits")
    .argument('<customer>', 'external id, phone, email or id')
    .action(async (query: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const id = await findCustomerId(store.db, workspace.id, query);
        printJson((await customerTier(store.db, workspace, id)) ?? { tier: null });
      });
    });
}

/** `retain referrals …`. */
export function registerReferralCommands(program: Command): void {
  const referrals = program
    .command('referrals')
    .description('personal referral codes, who brought whom, rewards');
  referrals
    .command('code')
    .description("a customer's personal referral code (created on first use)")
    .argument('<customer>', 'external id, phone, email or id')
    .action(async (query: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const id = await findCustomerId(store.db, workspace.id, query);
        console.log(await referralCodeAs(store.db, workspace.id, cliActor(), id));
      });
    });
  referrals
    .command('link')
    .description('record that a new customer came with a referral code')
    .argument('<customer>', 'the new customer: external id, phone, email or id')
    .argument('<code>', 'the referral code they used')
    .action(async (query: string, code: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const id = await findCustomerId(store.db, workspace.id, query);
        const link = await linkReferral(store.db, workspace.id, id, code, cliActor());
        console.log(
          `customer ${id} was referred by customer ${link.referrerId}; both are rewarded on the first valid order`,
        );
      });
    });
  referrals
    .command('report')
    .description('referrals, converted referrals, revenue from referred customers, top referrers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const report = await referralReport(store.db, workspace.id);
        if (opts.json) return printJson(report);
        console.log(
          `${report.referrals} referrals, ${report.converted} converted, revenue from referred customers ${report.revenue} (minor units)`,
        );
        if (report.top_referrers.length) printTable(report.top_referrers);
      });
    });
}
