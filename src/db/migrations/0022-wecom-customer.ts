import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * WeCom customer contact (企业微信客户联系): the customer's external userid as an identity, the
 * staff member's WeCom userid on their membership, the message tasks created in WeCom awaiting
 * their result, and when a message was confirmed delivered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table identities drop constraint identities_type_check;
    alter table identities add constraint identities_type_check check (type in
      ('external_id','phone','email','wechat_unionid','wechat_openid','platform_id','member_card','wecom_external_userid'));
    alter table memberships add column wecom_userid text;
    alter table messages add column delivered_at timestamptz;
    create table wecom_sends (
      workspace_id int not null,
      message_id bigint not null,
      msgid text not null,
      sender text not null,
      external_userid text not null,
      sent_at timestamptz not null,
      checked_at timestamptz,
      result text check (result in ('delivered', 'failed')),
      primary key (workspace_id, message_id),
      foreign key (workspace_id, message_id) references messages (workspace_id, id)
    );
    create index wecom_sends_pending on wecom_sends (workspace_id, sent_at) where result is null;
  `,
  );
}
