import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';
import { npsGroup, scoreRange } from './survey-codes.ts';
import { type SurveyDefinition, textIn } from './survey-model.ts';

/** The longest written answer kept. */
export const MAX_TEXT = 2000;

/** A checked answer, ready to store. */
export interface Answer {
  score: number | null;
  npsGroup: string | null;
  comment: string | null;
  /** Question id → the value(s) given. */
  answers: Record<string, string | string[] | number>;
}

/** A field the customer must fix, with the message in their language. */
export interface FormProblem {
  field: string;
  message: string;
}

const say = (locale: string, zh: string, en: string) => (locale === 'en' ? en : zh);

function cleanText(raw: string | undefined, field: string, locale: string, problems: FormProblem[]) {
  const text = (raw ?? '').trim();
  if (!text) return null;
  if (hasNul(text) || hasLoneSurrogate(text))
    problems.push({
      field,
      message: say(locale, '含有无法保存的字符', 'contains characters that cannot be kept'),
    });
  else if ([...text].length > MAX_TEXT)
    problems.push({
      field,
      message: say(locale, `最多 ${MAX_TEXT} 个字`, `at most ${MAX_TEXT} characters`),
    });
  return text;
}

function wholeIn(raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || !/^\d{1,2}$/.test(raw.trim())) return undefined;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : undefined;
}

/**
 * Checks a submitted form against the survey: the score in range, each question's value among
 * its options, texts bounded. Every field at fault is listed, in the customer's language.
 */
export function readAnswer(
  def: SurveyDefinition,
  form: URLSearchParams,
  locale: string,
): { answer: Answer } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const answers: Answer['answers'] = {};
  let score: number | null = null;
  if (def.kind !== 'custom') {
    const [min, max] = scoreRange(def.kind);
    const given = wholeIn(form.get('score') ?? undefined, min, max);
    if (given === undefined)
      problems.push({
        field: 'score',
        message: say(locale, `请选择 ${min} 到 ${max} 分`, `choose a score from ${min} to ${max}`),
      });
    else score = given;
  }
  for (const q of def.questions) {
    const field = `q_${q.id}`;
    const values = form.getAll(field).filter((v) => v.trim() !== '');
    const required = () =>
      q.required &&
      problems.push({ field, message: say(locale, '请回答此题', 'please answer this question') });
    if (values.length === 0) {
      required();
      continue;
    }
    const allowed = new Set(q.options?.map((o) => o.value));
    if (q.type === 'single' || q.type === 'multiple') {
      const chosen = q.type === 'single' ? values.slice(0, 1) : [...new Set(values)];
      if (values.length > 1 && q.type === 'single')
        problems.push({ field, message: say(locale, '只能选一项', 'choose one') });
      else if (chosen.some((v) => !allowed.has(v)))
        problems.push({ field, message: say(locale, '请从选项中选择', 'choose among the options') });
      else answers[q.id] = q.type === 'single' ? chosen[0]! : chosen;
    } else if (q.type === 'rating') {
      const n = wholeIn(values[0], 1, 5);
      if (n === undefined)
        problems.push({ field, message: say(locale, '请选择 1 到 5 星', 'choose 1 to 5 stars') });
      else {
        answers[q.id] = n;
        if (score === null && def.kind === 'custom') score = n;
      }
    } else {
      const text = cleanText(values[0], field, locale, problems);
      if (text) answers[q.id] = text;
      else required();
    }
  }
  const comment = def.comment_prompt
    ? cleanText(form.get('comment') ?? undefined, 'comment', locale, problems)
    : null;
  if (problems.length) return { problems };
  return {
    answer: {
      score,
      npsGroup: def.kind === 'nps' && score !== null ? npsGroup(score) : null,
      comment,
      answers,
    },
  };
}

/** All written words of an answer (the comment and text questions), for keyword rules. */
export function writtenText(answer: Answer): string {
  const texts = Object.values(answer.answers).filter((v): v is string => typeof v === 'string');
  return [answer.comment ?? '', ...texts].join('\n');
}

/** The label of a question in a language (for reports). */
export function questionTitle(def: SurveyDefinition, id: string, locale: string): string {
  const q = def.questions.find((x) => x.id === id);
  return q ? textIn(q.title, locale) : id;
}
