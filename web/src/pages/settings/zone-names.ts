import type { Lang } from '../../i18n/i18n.tsx';

// Zones merchants of Retain work in most, by the city Chinese readers know them by; Intl has no
// Chinese city names, only zone names such as 中国标准时间 that several zones share.
const ZH_ZONES: Record<string, string> = {
  'Asia/Shanghai': '北京时间（上海）',
  'Asia/Urumqi': '乌鲁木齐时间',
  'Asia/Hong_Kong': '香港时间',
  'Asia/Macau': '澳门时间',
  'Asia/Taipei': '台北时间',
  'Asia/Singapore': '新加坡时间',
  'Asia/Kuala_Lumpur': '吉隆坡时间',
  'Asia/Bangkok': '曼谷时间',
  'Asia/Tokyo': '东京时间',
  'Asia/Seoul': '首尔时间',
  'Asia/Dubai': '迪拜时间',
  'Europe/London': '伦敦时间',
  'Europe/Paris': '巴黎时间',
  'Europe/Berlin': '柏林时间',
  'America/New_York': '纽约时间',
  'America/Los_Angeles': '洛杉矶时间',
  'America/Vancouver': '温哥华时间',
  'Australia/Sydney': '悉尼时间',
  'Pacific/Auckland': '奥克兰时间',
  UTC: '协调世界时',
};

/** A time zone as the reader knows it: 北京时间（上海） in zh-CN, the IANA name otherwise. */
export function zoneLabel(zone: string, lang: Lang): string {
  return lang === 'zh-CN' ? (ZH_ZONES[zone] ?? zone) : zone;
}

/** A currency by its name in the reader's language (人民币, 欧元), else its ISO code. */
export function currencyLabel(code: string, lang: Lang): string {
  try {
    return new Intl.DisplayNames(lang, { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Options of a zone or currency select: the known names first, searchable by name or code. */
export function labelled(values: string[], label: (v: string) => string) {
  return values.map((value) => ({
    value,
    label: label(value),
    search: `${value} ${label(value)}`.toLowerCase(),
  }));
}
