import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Marketing spend per acquisition channel and month (获客成本): what the workspace paid to bring in
 * buyers through a channel (抖音, 小红书, a store code …), so CAC, CLV : CAC and payback can be
 * reported. `month` is the first day of the month; `amount` is in minor units of the workspace
 * currency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table marketing_spend (
      workspace_id int not null references workspaces(id) on delete cascade,
      month date not null check (extract(day from month) = 1),
      channel text not null,
      amount bigint not null check (amount >= 0),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, month, channel)
    );
  `,
  );
}
