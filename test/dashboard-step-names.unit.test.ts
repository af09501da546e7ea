import { describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/messages-en.ts';
import { type MessageKey, zhCN } from '../web/src/i18n/messages-zh-cn.ts';
import { stepNames } from '../web/src/pages/journeys/journey-canvas-titles.ts';
import { draftFromJourney } from '../web/src/pages/journeys/journey-draft-load.ts';

// A step's name outside the canvas (list, results, funnel, errors): its node title in the page's
// language, two alike titles told apart by their place, never the step's id. Expected names are
// written out here by hand.
const words = (messages: Record<string, string>) => ({
  t: (key: MessageKey, vars?: Record<string, string | number>) =>
    messages[key]!.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars?.[name] ?? whole)),
  value: (kind: string, code: string | null | undefined) => messages[`${kind}.${code}`] ?? String(code),
});
const journey = {
  name: '到店回访',
  trigger: { event: 'store_visit' },
  start: 'hold',
  steps: {
    hold: { type: 'holdout', percent: 30, next: 'send_a' },
    send_a: { type: 'send', templates: ['到店提醒'], next: 'wait_b' },
    wait_b: { type: 'wait', duration: '7d', next: 'send_b' },
    send_b: { type: 'send', templates: ['到店提醒'], next: 'done' },
    done: { type: 'exit' },
  },
};
const channelOf = (template: string) => (template === '到店提醒' ? 'webhook' : undefined);

describe('journey step names', () => {
  it('names each step in zh-CN and en, alike ones with their place, none by its id', () => {
    const draft = draftFromJourney(journey, 100);
    const zh = stepNames(draft, words(zhCN), channelOf);
    expect(Object.keys(journey.steps).map(zh)).toEqual([
      '对照组 30%',
      '发送Webhook「到店提醒」 · 第 2 步',
      '等待 7 天',
      '发送Webhook「到店提醒」 · 第 4 步',
      '结束',
    ]);
    const english = stepNames(draft, words(en), channelOf);
    expect(Object.keys(journey.steps).map(english)).toEqual([
      'Holdout 30%',
      'Send Webhook “到店提醒” · step 2',
      'Wait 7 days',
      'Send Webhook “到店提醒” · step 4',
      'Exit',
    ]);
    // A step the definition no longer holds is named as such, not by its id.
    expect(zh('send_9')).toBe('已删除的步骤');
    expect(english('__proto__')).toBe('a removed step');
  });
});
