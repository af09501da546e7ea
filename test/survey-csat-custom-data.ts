// The surveys and the answers of test/surveys-csat-custom.test.ts, generated with the rules'
// triggers among them; what an answer should store is worked out here, not read from the code.

export const CSAT = {
  name: '售后满意度',
  kind: 'csat',
  title: { 'zh-CN': '售后服务评价' },
  comment_prompt: { 'zh-CN': '还有什么想说的？' },
  rules: [
    { when: { score_max: 2 }, task: { kind: 'callback', title: '回访{{ name }}（{{ score }} 分）' } },
    { when: { keywords: ['投诉', 'Refund'] }, task: { kind: 'complaint', title: '投诉：{{ name }}' } },
  ],
};

export const CUSTOM = {
  name: '门店体验',
  kind: 'custom',
  title: { 'zh-CN': '门店体验调查' },
  questions: [
    {
      id: 'store',
      type: 'single',
      required: true,
      title: { 'zh-CN': '您去的是哪家店？' },
      options: [
        { value: 'xihu', label: { 'zh-CN': '西湖店' } },
        { value: 'binjiang', label: { 'zh-CN': '滨江店' } },
      ],
    },
    {
      id: 'likes',
      type: 'multiple',
      title: { 'zh-CN': '您满意哪些方面？' },
      options: [
        { value: 'price', label: { 'zh-CN': '价格' } },
        { value: 'service', label: { 'zh-CN': '服务' } },
        { value: 'speed', label: { 'zh-CN': '速度' } },
      ],
    },
    { id: 'stars', type: 'rating', title: { 'zh-CN': '总体评分' } },
    { id: 'say', type: 'text', title: { 'zh-CN': '其他意见' } },
  ],
  rules: [{ when: { keywords: ['脏'] }, task: { kind: 'complaint', title: '门店卫生：{{ name }}' } }],
};

/** CSAT answers: score and comment per customer (generated, with the rules' triggers among them). */
export const CSAT_ANSWERS: [string, number, string][] = [
  ['C1', 1, '我要投诉，三天没人处理'],
  ['C2', 2, ''],
  ['C3', 3, 'I want a REFUND'],
  ['C4', 4, '还不错'],
  ['C5', 5, ''],
  ['C6', 2, '一般'],
  ['C7', 5, '很满意'],
  ['C8', 4, ''],
];

/** Custom answers as the form posts them. */
export const CUSTOM_ANSWERS: [string, [string, string][]][] = [
  [
    'C1',
    [
      ['q_store', 'xihu'],
      ['q_likes', 'price'],
      ['q_likes', 'service'],
      ['q_stars', '5'],
      ['q_say', '环境很好'],
    ],
  ],
  [
    'C2',
    [
      ['q_store', 'binjiang'],
      ['q_likes', 'service'],
      ['q_stars', '2'],
      ['q_say', '地面很脏'],
    ],
  ],
  [
    'C3',
    [
      ['q_store', 'xihu'],
      ['q_stars', '4'],
    ],
  ],
  [
    'C4',
    [
      ['q_store', 'xihu'],
      ['q_likes', 'price'],
      ['q_likes', 'speed'],
      ['q_likes', 'service'],
      ['q_stars', '3'],
    ],
  ],
  [
    'C5',
    [
      ['q_store', 'binjiang'],
      ['q_likes', 'speed'],
      ['q_likes', 'speed'],
    ],
  ],
];

/** What the answer stored for a posted custom form should be, worked out here. */
export function expectedAnswers(fields: [string, string][]) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) {
    const id = k.slice(2);
    if (id === 'likes') out.likes = [...new Set([...((out.likes as string[]) ?? []), v])];
    else out[id] = id === 'stars' ? Number(v) : v;
  }
  return out;
}
