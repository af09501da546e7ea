// The fields of a service-records file (a 客服/工单 system's export), apart from the customer's
// identities: declared here so the shared kind tables only name them.

/** Canonical fields of a service-records file besides identities. */
export const SERVICE_RECORD_FIELDS = [
  'record_type',
  'record_status',
  'summary',
  'staff',
  'occurred_at',
  'external_ref',
] as const;

/** Header spellings of those fields in service exports, best first (`occurred_at` is shared with events). */
export const SERVICE_RECORD_ALIASES: Record<string, readonly string[]> = {
  record_type: ['record_type', 'type', 'record_kind', '类型', '记录类型', '服务类型', '工单类型', '服务方式'],
  record_status: ['record_status', 'status', 'state', '状态', '工单状态', '处理状态', '处理结果'],
  summary: [
    'summary',
    'content',
    'description',
    'subject',
    'note',
    'notes',
    '摘要',
    '内容',
    '服务内容',
    '记录内容',
    '工单内容',
    '问题描述',
    '详情',
    '备注',
  ],
  staff: [
    'staff',
    'handled_by',
    'handler',
    'agent',
    'operator',
    '处理人',
    '客服',
    '经办人',
    '受理人',
    '服务人员',
    '跟进人',
    '坐席',
    '记录人',
  ],
  external_ref: [
    'external_ref',
    'ticket_id',
    'ticket_no',
    'ticket_number',
    'record_id',
    'case_id',
    '工单号',
    '工单编号',
    '服务单号',
    '记录编号',
    '记录id',
  ],
};

/** Staging columns of the kind after the identities (COPY order; see service-record-row.ts). */
export const SERVICE_RECORD_STAGING: ReadonlyArray<readonly [string, string]> = [
  ['type', 'text'],
  ['status', 'text'],
  ['summary', 'text'],
  ['staff', 'text'],
  ['ts_local', 'timestamp'],
  ['ts_abs', 'timestamptz'],
  ['external_ref', 'text'],
  // The header of the identity the row names its customer by, for the error of an unknown customer.
  ['id_column', 'text'],
  // The header of the ticket-number column, for the error of a number given twice.
  ['ref_column', 'text'],
];
