import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Journey drafts and published versions: a journey's edits wait in `draft` until published; each
 * published definition is kept by version, and each entry runs on the version it entered on. A
 * journey saved only as a draft (never published) has status `draft` and version 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table journeys drop constraint journeys_status_check;
    alter table journeys add constraint journeys_status_check check (status in ('active', 'paused', 'draft'));
    alter table journeys
      add column version int not null default 1,
      add column draft jsonb,
      add column draft_updated_at timestamptz,
      add column draft_by text;
    create table journey_versions (
      workspace_id int not null,
      journey_id int not null,
      version int not null,
      definition jsonb not null,
      published_at timestamptz not null default now(),
      published_by text,
      primary key (workspace_id, journey_id, version),
      foreign key (workspace_id, journey_id) references journeys (workspace_id, id) on delete cascade
    );
    insert into journey_versions (workspace_id, journey_id, version, definition, published_at)
      select workspace_id, id, 1, definition, updated_at from journeys;
    alter table journey_entries add column version int not null default 1;
    `,
  );
}
