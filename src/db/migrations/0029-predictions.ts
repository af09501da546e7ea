import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Customer-base model fits (BG/NBD or Pareto/NBD with Gamma-Gamma spend) and each customer's
 * prediction from the latest fit, so segments, journeys, the profile and the API read them
 * without refitting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table prediction_fits (
      workspace_id int not null,
      id bigint generated always as identity,
      model text not null check (model in ('bgnbd', 'paretonbd')),
      unit text not null check (unit in ('day', 'week')),
      calibration_end date not null,
      params jsonb not null,
      log_likelihood double precision not null,
      spend_params jsonb,
      spend_log_likelihood double precision,
      customers int not null,
      repeat_customers int not null,
      repeat_purchases int not null,
      triples int not null,
      holdout jsonb,
      source text not null check (source in ('daily', 'manual')),
      created_by text not null,
      fitted_at timestamptz not null default now(),
      primary key (workspace_id, id),
      foreign key (workspace_id) references workspaces (id) on delete cascade
    );
    create index prediction_fits_latest on prediction_fits (workspace_id, fitted_at desc, id desc);
    create table customer_predictions (
      workspace_id int not null,
      customer_id bigint not null,
      fit_id bigint not null,
      as_of date not null,
      p_alive double precision not null,
      expected_purchases_30d double precision not null,
      expected_purchases_90d double precision not null,
      expected_purchases_365d double precision not null,
      expected_spend bigint,
      predicted_clv bigint,
      horizon_days int not null,
      next_order_date date,
      primary key (workspace_id, customer_id),
      foreign key (workspace_id, customer_id) references customers (workspace_id, id) on delete cascade,
      foreign key (workspace_id, fit_id) references prediction_fits (workspace_id, id) on delete cascade
    );
    -- Segment conditions and the call list read by these.
    create index customer_predictions_alive on customer_predictions (workspace_id, p_alive);
    create index customer_predictions_clv on customer_predictions (workspace_id, predicted_clv);
    `,
  );
}
