import type { recommendZhCN } from './messages-recommend-zh-cn.ts';

/** The profile's "You may also like" card, in English. */
export const recommendEn: Record<keyof typeof recommendZhCN, string> = {
  'recommend.title': 'You may also like',
  'recommend.because': 'Because they bought “{name}”',
  'recommend.never':
    'Product associations have not been computed yet: this happens automatically once a day.',
  'recommend.none':
    'No recommendations: not enough other buyers bought something with or after this customer’s products.',
  'recommend.as_of':
    'From orders up to {date}, leaving out what this customer bought recently and products no longer sold',
};
