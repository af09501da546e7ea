import { maskEmail, maskPhone } from '../access/pii-mask.ts';

const SEARCH_PARAMS = new Set(['q', 'phone', 'email']);

/**
 * A URL fit for logs: search terms (which are often phones or emails) are masked, so personal
 * data never reaches the log files, and invitation tokens are left out.
 *
 * @example redactUrl('/api/v1/customers?q=13812345678') // '/api/v1/customers?q=138****5678'
 */
export function redactUrl(url: string): string {
  // An invitation's accept link carries its secret token in the path.
  if (url.startsWith('/invite/')) return '/invite/***';
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const [key, value] of params) {
    if (!SEARCH_PARAMS.has(key)) continue;
    params.set(key, value.includes('@') ? maskEmail(value) : /\d{7,}/.test(value) ? maskPhone(value) : '***');
  }
  return `${url.slice(0, at)}?${params.toString()}`;
}
