// 获客成本 on the analytics page: marketing spend per channel and month, and the CAC report.

/** The acquisition-cost section and its spend editor, in Chinese. */
export const acquisitionZhCN = {
  'acquisition.title': '获客成本',
  'acquisition.channel': '渠道',
  'acquisition.month': '月份',
  'acquisition.spend': '投放金额',
  'acquisition.new_buyers': '新客数',
  'acquisition.cac': '获客成本',
  'acquisition.clv_cac': '终身价值与获客成本之比',
  'acquisition.predicted_clv_cac': '预测终身价值与获客成本之比',
  'acquisition.payback': '回本月份',
  'acquisition.times': '{x} 倍',
  'acquisition.no_buyers': '当月没有新客',
  'acquisition.not_paid_back': '尚未回本',
  'acquisition.paid_back_same': '{month}（当月回本）',
  'acquisition.paid_back_after': '{month}（第 {n} 个月回本）',
  'acquisition.no_predictions': '尚未生成预测',
  'acquisition.empty': '这段时间还没有投放记录。点“录入投放”按月填写各渠道的投放金额，或用命令行导入表格。',
  'acquisition.hint':
    '获客成本＝当月投放金额÷该渠道当月新客数（新客：首笔有效订单在当月，且该订单的渠道或门店就是这个渠道）。终身价值为全店历史客户终身价值；预测终身价值为这批新客的平均预测值。回本月份：这批新客累计实付金额首次不低于投放金额的月份。',
  'acquisition.edit': '录入投放',
  'acquisition.editor_title': '各渠道每月投放金额（元）',
  'acquisition.add_channel': '添加渠道',
  'acquisition.channel_name': '渠道名称',
  'acquisition.channel_hint': '与订单里的渠道或门店编号一致，例如：抖音、小红书、线下门店',
  'acquisition.amount_of': '{month}{channel}投放金额（元）',
  'acquisition.close': '收起',
  'acquisition.save': '保存投放金额',
  'acquisition.saved': '已保存 {saved} 条，删除 {removed} 条',
  'acquisition.nothing_changed': '没有改动',
  'acquisition.save_failed': '保存失败：{reason}',
  'acquisition.editor_empty': '先添加一个渠道，再按月填写金额。',
  'audit.spend.set': '录入了{object}的投放金额',
  'audit_group.spend': '投放金额',
};
export type AcquisitionKey = keyof typeof acquisitionZhCN;
