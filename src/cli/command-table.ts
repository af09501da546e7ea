import type { Command } from 'commander';

/** How a command module adds its commands to the program. */
export type Register = (program: Command) => void;

/** A top-level command as `retain --help` lists it: its name, its usage term and its description. */
export type CommandSummary = readonly [name: string, term: string, description: string];

/** A command module: the top-level commands it registers, in help order, and how to load it. */
export interface CommandModule {
  commands: readonly CommandSummary[];
  load: () => Promise<Register[]>;
}

/**
 * Every command module in help order. Only the module of the command being run is loaded; help
 * and an unknown command read the summaries here and load none (loading them all — the web
 * server, spreadsheets, PGlite — cost `retain --help` a second and a half). The summaries repeat
 * what each module registers; src/cli/command-table.test.ts checks they agree.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: [['workspace', 'workspace', 'manage workspaces (one per merchant or brand)']],
    load: async () => [(await import('./commands/workspace.ts')).registerWorkspaceCommands],
  },
  {
    commands: [['import', 'import [options] <kind> <file>', 'import a .csv, .csv.gz, .tsv or .xlsx file']],
    load: async () => [(await import('./commands/import.ts')).registerImportCommand],
  },
  {
    commands: [['customers', 'customers', 'look at customers']],
    load: async () => [(await import('./commands/customers.ts')).registerCustomersCommands],
  },
  {
    commands: [
      ['rfm', 'rfm [options]', 'RFM scores and groups per customer (PRODUCT.md §3.3)'],
      [
        'lifecycle',
        'lifecycle [options]',
        'lifecycle stage of every customer, prospects included (PRODUCT.md §3.4)',
      ],
    ],
    load: async () => [(await import('./commands/rfm.ts')).registerSegmentationCommands],
  },
  {
    commands: [
      [
        'metrics',
        'metrics [options]',
        'buyers, orders, revenue, AOV, repurchase, returning and retention rates per period (PRODUCT.md §3.5)',
      ],
      [
        'cohorts',
        'cohorts [options]',
        'monthly cohort retention: share of each first-purchase month buying again k months later',
      ],
      [
        'clv',
        'clv [options]',
        'historical customer lifetime value: AOV × orders per customer per year × expected lifetime',
      ],
    ],
    load: async () => [(await import('./commands/metrics.ts')).registerMetricsCommands],
  },
  {
    commands: [
      ['segments', 'segments', 'rule-based customer segments'],
      ['tags', 'tags', 'manual customer tags'],
    ],
    load: async () => [(await import('./commands/segments.ts')).registerSegmentCommands],
  },
  {
    commands: [
      [
        'demo',
        'demo [options]',
        'load a demo merchant (Chinese baby & household brand: stores, Tmall, WeChat mini-program) and install the seed playbook',
      ],
    ],
    load: async () => [(await import('./commands/demo.ts')).registerDemoCommand],
  },
  {
    commands: [
      [
        'serve',
        'serve [options]',
        'run the HTTP API (docs at /api/docs) and the dashboard (at /, once built)',
      ],
    ],
    load: async () => [(await import('./commands/serve.ts')).registerServeCommand],
  },
  {
    commands: [
      ['users', 'users', 'people who sign in to the dashboard and API'],
      ['apikeys', 'apikeys', 'keys for shops, POS systems and mini-programs to call the API'],
      ['audit', 'audit [options]', 'who did what to which object, newest first'],
    ],
    load: async () => [(await import('./commands/access.ts')).registerAccessCommands],
  },
  {
    commands: [['coupons', 'coupons', 'coupon templates, issuing, redemption and results']],
    load: async () => [(await import('./commands/coupons.ts')).registerCouponCommands],
  },
  {
    commands: [
      ['points', 'points', 'the points ledger: balances, adjustments, redemptions, expiry'],
      ['tiers', 'tiers', 'membership tiers (银卡 / 金卡 / 钻石卡)'],
      ['referrals', 'referrals', 'personal referral codes, who brought whom, rewards'],
    ],
    load: async () => {
      const m = await import('./commands/loyalty.ts');
      return [m.registerLoyaltyCommands, m.registerReferralCommands];
    },
  },
  {
    commands: [
      ['channels', 'channels', 'where messages go: email (SMTP), webhook, WeCom group robot'],
      ['templates', 'templates', 'message templates in Liquid, zh-CN and en'],
      ['send', 'send [options] <template>', 'send a template to a customer now (once per --key)'],
    ],
    load: async () => [(await import('./commands/messaging.ts')).registerMessagingCommands],
  },
  {
    commands: [
      ['journeys', 'journeys', 'triggered journeys: apply, list, pause, results, backtest'],
      ['worker', 'worker [options]', 'enter customers into journeys, move them on and deliver due messages'],
    ],
    load: async () => {
      const m = await import('./commands/journeys.ts');
      return [m.registerJourneyCommands, m.registerWorkerCommand];
    },
  },
  {
    commands: [['products', 'products', 'products from imported order lines']],
    load: async () => [(await import('./commands/products.ts')).registerProductCommands],
  },
  {
    commands: [['tasks', 'tasks', 'staff tasks (回访 / 跟进): list, create, done, bulk']],
    load: async () => [(await import('./commands/tasks.ts')).registerTaskCommands],
  },
  {
    commands: [['surveys', 'surveys', 'NPS, CSAT and custom surveys: create, list, report']],
    load: async () => [(await import('./commands/surveys.ts')).registerSurveyCommands],
  },
  {
    commands: [
      [
        'broadcasts',
        'broadcasts',
        'broadcasts (群发): create, reach, test, schedule, approve, pause, cancel, results',
      ],
    ],
    load: async () => [(await import('./commands/broadcasts.ts')).registerBroadcastCommands],
  },
  {
    commands: [
      [
        'wecom',
        'wecom',
        'WeCom customer contact (企业微信客户联系): staff WeCom userids, customers’ external userids',
      ],
    ],
    load: async () => [(await import('./commands/wecom.ts')).registerWecomCommands],
  },
  {
    commands: [
      [
        'playbook',
        'playbook',
        'the seed playbook: message templates, coupon templates and the example journeys',
      ],
    ],
    load: async () => [(await import('./commands/playbook.ts')).registerPlaybookCommands],
  },
  {
    commands: [
      [
        'predict',
        'predict [options]',
        'per-customer P(alive), expected purchases, spend, CLV and next order date (BG/NBD or Pareto/NBD)',
      ],
    ],
    load: async () => [(await import('./commands/predict.ts')).registerPredictCommands],
  },
  {
    commands: [
      [
        'recommend',
        'recommend [options]',
        'per-customer top-N products (猜你喜欢) from products bought together and bought after; leaves out what the customer bought recently and what is not sold any more',
      ],
    ],
    load: async () => [(await import('./commands/recommend.ts')).registerRecommendCommand],
  },
  {
    commands: [
      ['spend', 'spend', 'marketing spend per acquisition channel and month (获客投放)'],
      [
        'cac',
        'cac [options]',
        'acquisition cost: spend ÷ new buyers per channel and month, CLV : CAC and payback month',
      ],
    ],
    load: async () => [(await import('./commands/acquisition.ts')).registerAcquisitionCommands],
  },
  {
    commands: [['db', 'db', 'database administration']],
    load: async () => [(await import('./commands/db.ts')).registerDbCommands],
  },
];

/** The module that registers the top-level command of this name, if any. */
export function moduleOf(name: string | undefined): CommandModule | undefined {
  return name === undefined ? undefined : COMMAND_MODULES.find((m) => m.commands.some(([n]) => n === name));
}
