/**
 * The channels Retain can send on. Kept in shared/ (re-exported by channels/channel.ts) so the
 * workspace settings can name them without importing the channel adapters.
 */
export const CHANNELS = [
  'email',
  'sms_aliyun',
  'sms_tencent',
  'webhook',
  'wecom_robot',
  'wechat_template',
  'wecom_customer',
] as const;
export type ChannelName = (typeof CHANNELS)[number];
