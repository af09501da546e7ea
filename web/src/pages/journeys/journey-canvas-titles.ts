// What a node of the canvas is called, in the operator's words: 发送邮件「复购提醒」, 等待 2 天,
// not `send_1`. Built from the step's own fields, so the title follows every edit.
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { JourneyDraft, StepDraft } from './journey-draft.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
/** The i18n functions a title needs. */
export interface Words {
  t: T;
  value: (kind: string, code: string | null | undefined) => string;
}

/** A known event in words without its code (`加购`), any other as typed. */
const eventName = (event: string, value: Words['value']) =>
  value('event', event).replace(/\s*\([^)]*\)$/, '');

/** `「name」` when there is a name, else nothing. */
const quoted = (name: string) => (name.trim() ? `「${name.trim()}」` : '');

/** The title of a step's node; `channelOf` names a template's channel. */
export function stepTitle(
  step: StepDraft,
  { t, value }: Words,
  channelOf: (template: string) => string | undefined,
): string {
  const kind = t(`jstep.kind.${step.kind}` as MessageKey);
  switch (step.kind) {
    case 'wait': {
      const { amount, unit } = step.duration;
      return amount.trim()
        ? t('jcanvas.title.wait', { n: amount.trim(), unit: t(`duration.${unit}`) })
        : kind;
    }
    case 'wait_until':
      return t('jcanvas.title.wait_until', {
        day: t(`weekday.${step.weekday || 'any'}` as MessageKey),
        time: step.time,
      });
    case 'wait_for_event':
      return step.event ? t('jcanvas.title.wait_for_event', { event: eventName(step.event, value) }) : kind;
    case 'send': {
      const template = step.sends.find((s) => s.template)?.template ?? '';
      const channel = template ? channelOf(template) : undefined;
      if (!template) return kind;
      return channel
        ? t('jcanvas.title.send_on', { channel: value('channel', channel), name: template })
        : `${kind}${quoted(template)}`;
    }
    case 'send_survey':
      return `${kind}${quoted(step.survey)}`;
    case 'split':
      return `${kind}（${step.arms.map((a) => `${a.name} ${a.weight}`).join(' / ')}）`;
    case 'holdout':
      return t('jcanvas.title.holdout', { percent: step.percent || '0' });
    case 'tag':
      return `${kind}${quoted([...step.add, ...step.remove.map((r) => `−${r}`)].join('、'))}`;
    case 'issue_coupon':
      return `${kind}${quoted(step.coupon === 'tier_birthday_coupon' ? t('jstep.tier_birthday_coupon') : step.coupon)}`;
    case 'award_points':
      return step.points ? t('jcanvas.title.award_points', { n: step.points }) : kind;
    case 'create_task':
      return `${kind}${quoted(step.task.title)}`;
    default:
      return kind;
  }
}

/**
 * Each step's name by id: its title, and when another step has the same title its place in the
 * canvas's order (`发送短信「提醒」 · 第 2 步`), so two alike steps stay told apart. An id the draft
 * does not hold (a step since removed) is named by its place in words, not by the id.
 */
export function stepNames(
  draft: Pick<JourneyDraft, 'steps'>,
  words: Words,
  channelOf: (template: string) => string | undefined,
): (id: string) => string {
  const titles = draft.steps.map((s) => stepTitle(s, words, channelOf));
  const names = new Map(
    draft.steps.map((s, i) => {
      const title = titles[i]!;
      const shared = titles.filter((x) => x === title).length > 1;
      return [s.id, shared ? words.t('journeys.step_place', { title, n: i + 1 }) : title] as const;
    }),
  );
  return (id) => names.get(id) ?? words.t('journeys.step_removed');
}
