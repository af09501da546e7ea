import type { acquisitionZhCN } from './messages-acquisition-zh-cn.ts';

/** The acquisition-cost section and its spend editor, in English. */
export const acquisitionEn: Record<keyof typeof acquisitionZhCN, string> = {
  'acquisition.title': 'Acquisition cost',
  'acquisition.channel': 'Channel',
  'acquisition.month': 'Month',
  'acquisition.spend': 'Spend',
  'acquisition.new_buyers': 'New buyers',
  'acquisition.cac': 'CAC',
  'acquisition.clv_cac': 'CLV : CAC',
  'acquisition.predicted_clv_cac': 'Predicted CLV : CAC',
  'acquisition.payback': 'Payback month',
  'acquisition.times': '{x}×',
  'acquisition.no_buyers': 'no new buyers that month',
  'acquisition.not_paid_back': 'not paid back yet',
  'acquisition.paid_back_same': '{month} (same month)',
  'acquisition.paid_back_after': '{month} (month {n})',
  'acquisition.no_predictions': 'no predictions yet',
  'acquisition.empty':
    'No spend recorded in these months. Use “Enter spend” to fill in each channel’s monthly spend, or import a spreadsheet from the command line.',
  'acquisition.hint':
    'CAC = the month’s spend ÷ the channel’s new buyers that month (a new buyer’s first valid order fell in the month and carried the channel, as its channel or store). CLV is the workspace’s historical CLV; predicted CLV is the mean prediction of these new buyers. Payback month: the first month their cumulative net revenue reaches the spend.',
  'acquisition.edit': 'Enter spend',
  'acquisition.editor_title': 'Monthly spend per channel',
  'acquisition.add_channel': 'Add channel',
  'acquisition.channel_name': 'Channel name',
  'acquisition.channel_hint':
    'As the orders carry it, or a store code: e.g. Douyin, Xiaohongshu, offline store',
  'acquisition.amount_of': '{channel} spend in {month}',
  'acquisition.close': 'Close',
  'acquisition.save': 'Save spend',
  'acquisition.saved': 'Saved {saved}, removed {removed}',
  'acquisition.nothing_changed': 'Nothing changed',
  'acquisition.save_failed': 'Not saved: {reason}',
  'acquisition.editor_empty': 'Add a channel first, then fill in each month.',
  'audit.spend.set': 'entered spend for {object}',
  'audit_group.spend': 'Spend',
};
