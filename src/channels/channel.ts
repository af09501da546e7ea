export { CHANNELS, type ChannelName } from '../shared/channel-codes.ts';

/** The identity types a channel may need of a customer. */
export type ChannelNeed = 'email' | 'phone' | 'wechat_openid' | 'wecom_external_userid';

/** One rendered message on its way out. */
export interface OutboundMessage {
  customerId: number;
  /** Where it goes: an email address or phone number; channels with a fixed endpoint ignore it. */
  to: string | null;
  subject: string | null;
  body: string;
  /** Sent along so a provider (or receiver) can drop a retried duplicate. */
  idempotencyKey: string;
  /** Tracking: an image URL that records an open (email), and the one-click unsubscribe URL. */
  openPixelUrl?: string;
  unsubscribeUrl?: string;
  /** WeCom customer contact: the WeCom userid of the staff member who owns the customer. */
  sender?: string;
}

/** A provider call that failed; `permanent` failures are not retried. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** What every channel adapter does. */
export interface ChannelAdapter {
  /** What the customer must have for this channel (`email`, `phone`, `wechat_openid`, …), or null when the endpoint is fixed. */
  readonly needs: ChannelNeed | null;
  send(message: OutboundMessage): Promise<{ providerId: string | null }>;
  /** Posts a JSON document as it is (journey webhooks); only endpoints that take JSON have it. */
  post?(payload: unknown, idempotencyKey: string): Promise<void>;
  /** Checks the credentials without sending (channels whose test send needs more than an address). */
  check?(): Promise<void>;
  /** Releases pooled connections. */
  close?(): void | Promise<void>;
}
