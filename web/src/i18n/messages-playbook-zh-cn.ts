// Chinese (Simplified) strings of the seed playbook's install button and result; part of zhCN.

/** Installing the seed playbook from the journeys page, in zh-CN. */
export const playbookZhCN = {
  'playbook.install': '安装预置方案',
  'playbook.confirm_title': '安装预置营销方案？',
  'playbook.confirm_body':
    '将安装消息模板、优惠券模板和示例旅程（新客转化、30天复购提醒、沉默召回、流失挽回、生日关怀、购物车与浏览提醒、导购到店邀约）。新旅程为暂停状态，需逐个启用；已有的同名内容保持不变。',
  'playbook.confirm_ok': '安装',
  'playbook.result_title': '预置方案安装结果',
  'playbook.summary': '新建 {created} 项，已存在未改动 {unchanged} 项，保留您修改过的 {kept} 项',
  'playbook.paused_hint': '新旅程处于暂停状态，请在旅程列表中逐个启用。',
  'playbook.kind': '类型',
  'playbook.name': '名称',
  'playbook.outcome': '结果',
  'playbook.kind.message_template': '消息模板',
  'playbook.kind.coupon_template': '优惠券模板',
  'playbook.kind.journey': '旅程',
  'playbook.outcome.created': '已新建',
  'playbook.outcome.unchanged': '已存在',
  'playbook.outcome.kept': '保留您的修改',
} as const;
