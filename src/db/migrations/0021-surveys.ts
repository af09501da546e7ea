import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Surveys (NPS, CSAT, custom questions) and their answers. An answer names the message whose
 * link it came through, so one link takes one answer; the answer's customer, channel and journey
 * are copied from that message when it is recorded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table surveys (
      workspace_id int not null,
      id bigint generated always as identity,
      name text not null,
      kind text not null check (kind in ('nps', 'csat', 'custom')),
      definition jsonb not null,
      status text not null default 'active' check (status in ('active', 'archived')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (workspace_id, id),
      unique (workspace_id, name)
    );
    create table survey_responses (
      workspace_id int not null,
      id bigint generated always as identity,
      survey_id bigint not null,
      customer_id bigint not null,
      message_id bigint not null,
      channel text,
      journey_id int,
      score int,
      answers jsonb not null,
      comment text,
      locale text not null,
      answered_at timestamptz not null default now(),
      primary key (workspace_id, id),
      unique (workspace_id, survey_id, message_id),
      foreign key (workspace_id, survey_id) references surveys (workspace_id, id) on delete cascade,
      foreign key (workspace_id, customer_id) references customers (workspace_id, id) on delete cascade
    );
    create index survey_responses_survey on survey_responses (workspace_id, survey_id, answered_at);
    create index survey_responses_customer on survey_responses (workspace_id, customer_id, answered_at desc);
  `,
  );
}
