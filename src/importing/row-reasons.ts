import { knownStatusWords } from '../orders/order-status.ts';
import type { Reason } from './cell-check.ts';

/** A row error's reason in English and Simplified Chinese. */
export const r = (en: string, zh: string): Reason => ({ en, zh });

/**
 * A phone or email as platforms print them to hide them (`138****8000`, `z***@qq.com`): many
 * people share one, so it identifies nobody and is left out rather than rejected.
 */
export const MASKED: Record<string, RegExp> = {
  phone: /^[+\d\s()-]*[*＊]{2,}[\d\s()-]*$/,
  email: /^[^@\s]*[*＊][^@\s]*@[^@\s]+$/,
};

/** Field names in zh-CN reasons (the file's own header is shown where there is one). */
export const FIELD_ZH: Record<string, string> = {
  customer_id: '客户编号',
  phone: '手机号',
  email: '邮箱',
  member_card: '会员卡号',
  wechat_unionid: '微信 UnionID',
  wechat_openid: '微信 OpenID',
  platform_id: '平台买家昵称',
};

/** An unknown status, with every status text the import knows (grouped by what each means). */
export function unknownStatus(raw: string): Reason {
  const known = [...knownStatusWords()];
  return r(
    `unknown status "${raw}"; known statuses: ${known.map(([status, words]) => `${status} = ${words.join(' / ')}`).join('; ')}`,
    `「${raw}」不是已知的订单状态；已知状态：${known.map(([status, words]) => `${STATUS_ZH[status]}＝${words.filter((w) => /\p{Script=Han}/u.test(w)).join('/')}`).join('；')}`,
  );
}

const STATUS_ZH: Record<string, string> = {
  pending: '待付款',
  paid: '已付款',
  completed: '已完成',
  cancelled: '已取消',
  refunded: '已退款',
};
