import type { ChannelName } from '../../../../src/channels/channel.ts';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';

/** A setting of a channel as its form shows it. */
export interface ChannelField {
  key: string;
  label: MessageKey;
  kind: 'text' | 'number' | 'switch';
  required?: boolean;
  hint?: MessageKey;
}

// What an admin fills in for each channel (the server's channel schemas check the values); the
// secrets are listed by the server itself (`GET /channels`) once a channel is saved.
export const CHANNEL_FIELDS: Record<ChannelName, ChannelField[]> = {
  email: [
    { key: 'host', label: 'ch.host', kind: 'text', required: true },
    { key: 'port', label: 'ch.port', kind: 'number' },
    { key: 'secure', label: 'ch.secure', kind: 'switch', hint: 'ch.secure_hint' },
    { key: 'user', label: 'ch.user', kind: 'text' },
    { key: 'from', label: 'ch.from', kind: 'text', required: true, hint: 'ch.from_hint' },
  ],
  sms_aliyun: [
    { key: 'sign_name', label: 'ch.sign_name', kind: 'text', required: true },
    { key: 'template_code', label: 'ch.template_code', kind: 'text', required: true },
    { key: 'template_param_name', label: 'ch.template_param_name', kind: 'text' },
    { key: 'endpoint', label: 'ch.endpoint', kind: 'text' },
  ],
  sms_tencent: [
    { key: 'sdk_app_id', label: 'ch.sdk_app_id', kind: 'text', required: true },
    { key: 'sign_name', label: 'ch.sign_name', kind: 'text', required: true },
    { key: 'template_id', label: 'ch.template_id', kind: 'text', required: true },
    { key: 'region', label: 'ch.region', kind: 'text' },
    { key: 'endpoint', label: 'ch.endpoint', kind: 'text' },
  ],
  webhook: [{ key: 'url', label: 'ch.url', kind: 'text', required: true }],
  wecom_robot: [{ key: 'endpoint', label: 'ch.endpoint', kind: 'text' }],
  wechat_template: [
    { key: 'app_id', label: 'ch.app_id', kind: 'text', required: true },
    { key: 'template_id', label: 'ch.template_id', kind: 'text', required: true },
    { key: 'url', label: 'ch.page_url', kind: 'text' },
    { key: 'api_base', label: 'wecom.api_base', kind: 'text' },
  ],
  wecom_customer: [
    { key: 'corp_id', label: 'wecom.corp_id', kind: 'text', required: true },
    { key: 'api_base', label: 'wecom.api_base', kind: 'text' },
    { key: 'pending_hours', label: 'wecom.pending_hours', kind: 'number' },
  ],
};

/** Each channel's secrets, for a channel not saved yet (the server names them once it is). */
export const CHANNEL_SECRETS: Record<ChannelName, string[]> = {
  email: ['password'],
  sms_aliyun: ['access_key_id', 'access_key_secret'],
  sms_tencent: ['secret_id', 'secret_key'],
  webhook: ['secret'],
  wecom_robot: ['key'],
  wechat_template: ['app_secret'],
  wecom_customer: ['secret'],
};
