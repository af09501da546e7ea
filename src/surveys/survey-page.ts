import { escapeHtml as e } from '../shared/html-escape.ts';
import type { FormProblem } from './survey-form.ts';
import { defaultQuestion, type LocalText, textIn } from './survey-model.ts';
import type { StoredSurvey } from './survey-service.ts';

// The public answer page: server-rendered HTML with inline CSS and no script, so it is small and
// works in WeChat's in-app browser; a form that posts to its own address.

const CSS = `body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f8;color:#1f1f1f}
main{max-width:560px;margin:0 auto;padding:20px 16px 40px}h1{font-size:20px;margin:8px 0 16px}
fieldset{border:0;background:#fff;border-radius:12px;padding:16px;margin:0 0 14px}legend{float:left;width:100%;font-weight:600;margin-bottom:10px}
.scale{display:flex;flex-wrap:wrap;gap:6px;clear:both}.scale label{flex:1 0 40px}.scale input{position:absolute;opacity:0}
.scale span{display:block;text-align:center;padding:10px 0;border:1px solid #d9d9d9;border-radius:8px;background:#fff}
.scale input:checked+span{background:#1677ff;border-color:#1677ff;color:#fff}.ends{display:flex;justify-content:space-between;color:#8c8c8c;font-size:13px;margin-top:6px;clear:both}
.opt{display:block;padding:8px 0;clear:both}textarea{box-sizing:border-box;width:100%;min-height:96px;font:inherit;padding:8px;border:1px solid #d9d9d9;border-radius:8px;clear:both;display:block}
button{width:100%;font-size:17px;padding:12px;border:0;border-radius:10px;background:#1677ff;color:#fff}
.err{color:#cf1322;font-size:14px;margin:6px 0 0;clear:both}.note{text-align:center;padding:48px 8px}.note h1{font-size:22px}`;

/** A whole page around a body, in the page's language. */
function layout(locale: string, title: string, body: string): string {
  return `<!doctype html><html lang="${locale === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${e(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`;
}

const NOTES = {
  invalid: [
    '链接无效',
    '请检查链接是否完整，或联系商家重新获取。',
    'This link is not valid',
    'Check the link, or ask the shop for a new one.',
  ],
  expired: [
    '链接已过期',
    '这份问卷的填写时间已过，感谢您的关注。',
    'This link has expired',
    'The time to answer this survey has passed.',
  ],
  closed: [
    '问卷已结束',
    '这份问卷已停止收集，感谢您的关注。',
    'This survey is closed',
    'The survey no longer takes answers.',
  ],
  answered: [
    '您已提交过',
    '感谢您的反馈，每个链接只能提交一次。',
    'Already answered',
    'Thank you — each link takes one answer.',
  ],
  recorded: [
    '感谢您的反馈！',
    '您的意见已收到，我们会认真改进。',
    'Thank you for your feedback!',
    'We have received your answer.',
  ],
  busy: [
    '请稍后再试',
    '提交过于频繁，请一分钟后再试。',
    'Please try again later',
    'Too many attempts; try again in a minute.',
  ],
} as const;

/** A page that only says something: invalid, expired, closed, already answered, thanks. */
export function notePage(kind: keyof typeof NOTES, locale: string): string {
  const [zh, zhText, en, enText] = NOTES[kind];
  const [title, text] = locale === 'en' ? [en, enText] : [zh, zhText];
  return layout(locale, title, `<div class="note"><h1>${e(title)}</h1><p>${e(text)}</p></div>`);
}

function scale(name: string, from: number, to: number, chosen: string | null, ends: [string, string]) {
  const boxes = [];
  for (let n = from; n <= to; n++)
    boxes.push(
      `<label><input type="radio" name="${name}" value="${n}"${chosen === String(n) ? ' checked' : ''}><span>${n}</span></label>`,
    );
  return `<div class="scale">${boxes.join('')}</div><div class="ends"><span>${e(ends[0])}</span><span>${e(ends[1])}</span></div>`;
}

const errorOf = (problems: FormProblem[], field: string) => {
  const p = problems.find((x) => x.field === field);
  return p ? `<p class="err">${e(p.message)}</p>` : '';
};

/** The survey's form, with what was given and the problems to fix when it is shown again. */
export function formPage(
  survey: StoredSurvey,
  locale: string,
  given: URLSearchParams = new URLSearchParams(),
  problems: FormProblem[] = [],
): string {
  const def = survey.definition;
  const t = (text: LocalText) => textIn(text, locale);
  const en = locale === 'en';
  const parts: string[] = [`<h1>${e(t(def.title))}</h1><form method="post">`];
  if (def.kind !== 'custom') {
    const [from, to] = def.kind === 'nps' ? [0, 10] : [1, 5];
    const ends: [string, string] =
      def.kind === 'nps'
        ? en
          ? ['Not at all likely', 'Extremely likely']
          : ['完全不可能', '非常可能']
        : en
          ? ['Very dissatisfied', 'Very satisfied']
          : ['非常不满意', '非常满意'];
    parts.push(
      `<fieldset><legend>${e(t(def.question ?? defaultQuestion(def.kind)))}</legend>${scale('score', from, to, given.get('score'), ends)}${errorOf(problems, 'score')}</fieldset>`,
    );
  }
  for (const q of def.questions) {
    const name = `q_${q.id}`;
    const values = new Set(given.getAll(name));
    let input: string;
    if (q.type === 'rating')
      input = scale(name, 1, 5, given.get(name), en ? ['Poor', 'Excellent'] : ['很差', '很好']);
    else if (q.type === 'text')
      input = `<textarea name="${name}" maxlength="2000">${e(given.get(name) ?? '')}</textarea>`;
    else
      input = q
        .options!.map(
          (o) =>
            `<label class="opt"><input type="${q.type === 'single' ? 'radio' : 'checkbox'}" name="${name}" value="${e(o.value)}"${values.has(o.value) ? ' checked' : ''}> ${e(t(o.label))}</label>`,
        )
        .join('');
    parts.push(
      `<fieldset><legend>${e(t(q.title))}${q.required ? ' *' : ''}</legend>${input}${errorOf(problems, name)}</fieldset>`,
    );
  }
  if (def.comment_prompt)
    parts.push(
      `<fieldset><legend>${e(t(def.comment_prompt))}</legend><textarea name="comment" maxlength="2000">${e(given.get('comment') ?? '')}</textarea>${errorOf(problems, 'comment')}</fieldset>`,
    );
  parts.push(`<button type="submit">${en ? 'Submit' : '提交'}</button></form>`);
  return layout(locale, t(def.title), parts.join(''));
}
