import { type ChannelAdapter, ChannelError } from './channel.ts';
import { type WecomConfig, wecomPost, wecomToken } from './wecom-api.ts';

export { WecomCustomerConfig } from './wecom-api.ts';

/**
 * WeCom customer contact: each message becomes a message task (`add_msg_template`, single chat)
 * for the staff member who owns the customer, who confirms it in WeCom; the task's msgid is the
 * provider id, and its result is fetched later (wecom-customer-results.ts).
 */
export function wecomCustomerChannel(config: WecomConfig, secrets: { secret?: string }): ChannelAdapter {
  const secret = secrets.secret ?? '';
  return {
    needs: 'wecom_external_userid',
    async send(message) {
      if (!message.to) throw new ChannelError('WeCom customer contact: no external userid', true);
      if (!message.sender)
        throw new ChannelError('WeCom customer contact: the customer’s owner has no WeCom userid', true);
      const content = message.subject ? `${message.subject}\n${message.body}` : message.body;
      const answer = await wecomPost(
        config,
        secret,
        '/cgi-bin/externalcontact/add_msg_template',
        { chat_type: 'single', external_userid: [message.to], sender: message.sender, text: { content } },
        'WeCom message task',
      );
      // WeCom lists the contacts it will not send to (not the sender's contact, or over its limit).
      if (Array.isArray(answer.fail_list) && answer.fail_list.includes(message.to))
        throw new ChannelError(
          'WeCom message task: WeCom refused this customer (fail_list: not a contact of the sender)',
          true,
        );
      if (typeof answer.msgid !== 'string' || !answer.msgid)
        throw new ChannelError('WeCom message task: the answer has no msgid', false);
      return { providerId: answer.msgid };
    },
    async check() {
      await wecomToken(config, secret);
    },
  };
}
