import type { playbookZhCN } from './messages-playbook-zh-cn.ts';

/** Installing the seed playbook from the journeys page, in English. */
export const playbookEn: Record<keyof typeof playbookZhCN, string> = {
  'playbook.install': 'Install seed playbook',
  'playbook.confirm_title': 'Install the seed playbook?',
  'playbook.confirm_body':
    'Installs message templates, coupon templates and the example journeys (new customer, 30-day reminder, silent recall, lost win-back, birthday, cart and browse abandonment, store-guide invite). New journeys are paused until you turn each on; anything already there under the same name is left as it is.',
  'playbook.confirm_ok': 'Install',
  'playbook.result_title': 'Seed playbook installed',
  'playbook.summary': '{created} created, {unchanged} already there, {kept} kept as you edited them',
  'playbook.paused_hint': 'New journeys are paused: turn each on from the journey list.',
  'playbook.kind': 'Kind',
  'playbook.name': 'Name',
  'playbook.outcome': 'Result',
  'playbook.kind.message_template': 'Message template',
  'playbook.kind.coupon_template': 'Coupon template',
  'playbook.kind.journey': 'Journey',
  'playbook.outcome.created': 'Created',
  'playbook.outcome.unchanged': 'Already there',
  'playbook.outcome.kept': 'Kept your edits',
};
