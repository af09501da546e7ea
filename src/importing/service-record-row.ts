import type { NOTE_TYPES, RECORD_STATUSES } from '../tasks/index.ts';
import { statusFits } from '../tasks/service-record-contract.ts';
import type { Reason } from './cell-check.ts';
import { IDENTITY_FIELDS } from './import-kinds.ts';
import { r as reason } from './row-reasons.ts';

type RecordType = (typeof NOTE_TYPES)[number];
type RecordStatus = (typeof RECORD_STATUSES)[number];

/** How the row normaliser reads a cell (checked text, required text, a time) and fails a field. */
export interface CellReader {
  text(cells: readonly string[], field: string): string;
  required(cells: readonly string[], field: string): string;
  time(cells: readonly string[], field: string): [string | null, string | null];
  fail(field: string, reason: Reason): never;
  header(field: string): string;
}

// What service systems write in their type and status columns, lower-cased.
// Maps, not object literals: a cell saying `__proto__` or `constructor` must find nothing.
const TYPES = new Map<string, RecordType>(
  Object.entries({
    note: 'note',
    备注: 'note',
    记录: 'note',
    笔记: 'note',
    call: 'call',
    phone: 'call',
    电话: 'call',
    通话: 'call',
    来电: 'call',
    去电: 'call',
    电话回访: 'call',
    回访: 'call',
    visit: 'visit',
    到店: 'visit',
    拜访: 'visit',
    上门: 'visit',
    complaint: 'complaint',
    投诉: 'complaint',
    ticket: 'ticket',
    工单: 'ticket',
    售后: 'ticket',
    售后工单: 'ticket',
    服务工单: 'ticket',
  } satisfies Record<string, RecordType>),
);
const TICKET_STATES = new Map<string, RecordStatus>(
  Object.entries({
    open: 'open',
    new: 'open',
    pending: 'open',
    in_progress: 'open',
    待处理: 'open',
    未处理: 'open',
    处理中: 'open',
    进行中: 'open',
    resolved: 'resolved',
    solved: 'resolved',
    已解决: 'resolved',
    已处理: 'resolved',
    closed: 'closed',
    已关闭: 'closed',
    关闭: 'closed',
    已完结: 'closed',
    完结: 'closed',
  } satisfies Record<string, RecordStatus>),
);
// A call or a note is simply done: any "finished" word means that.
const DONE = new Set([
  'done',
  'completed',
  'resolved',
  'closed',
  '完成',
  '已完成',
  '已处理',
  '已解决',
  '已关闭',
  '已完结',
]);

/** A service record's type from its cell (电话, 工单, call, …), or the row's error. */
function recordType(raw: string, r: CellReader): RecordType {
  return (
    TYPES.get(raw.toLowerCase()) ??
    r.fail(
      'record_type',
      reason(
        `"${raw}" is not a record type (note/备注, call/电话, visit/到店, complaint/投诉, ticket/工单)`,
        `「${raw}」不是记录类型（备注、电话、到店、投诉、工单）`,
      ),
    )
  );
}

/** The status of a record of a type from its cell: tickets open/resolved/closed, others done or none. */
function recordStatus(type: RecordType, raw: string, r: CellReader): RecordStatus | null {
  if (!raw) return type === 'ticket' ? 'open' : null;
  const key = raw.toLowerCase();
  const status = type === 'ticket' ? TICKET_STATES.get(key) : DONE.has(key) ? 'done' : undefined;
  if (status && statusFits(type, status)) return status;
  return r.fail(
    'record_status',
    type === 'ticket'
      ? reason(
          `"${raw}" is not a ticket status (open/待处理, resolved/已解决, closed/已关闭)`,
          `「${raw}」不是工单状态（待处理、已解决、已关闭）`,
        )
      : reason(
          `"${raw}" does not fit a ${type} (only done/已完成, or empty)`,
          `「${raw}」不适用于这类记录（只能是已完成或留空）`,
        ),
  );
}

/** Most characters of a summary, as the API allows. */
const SUMMARY_MAX = 4000;

/** The staging cells of one service record after its identities (see SERVICE_RECORD_STAGING). */
export function serviceRecordCells(r: CellReader, cells: readonly string[]): (string | null)[] {
  const type = recordType(r.required(cells, 'record_type'), r);
  const status = recordStatus(type, r.text(cells, 'record_status'), r);
  const summary = r.required(cells, 'summary');
  if ([...summary].length > SUMMARY_MAX)
    r.fail(
      'summary',
      reason(
        `is ${[...summary].length} characters long; the most is ${SUMMARY_MAX}`,
        `有 ${[...summary].length} 个字，最多 ${SUMMARY_MAX} 个`,
      ),
    );
  const [local, absolute] = r.time(cells, 'occurred_at');
  const who = IDENTITY_FIELDS.find(([field]) => r.text(cells, field) !== '');
  return [
    type,
    status,
    summary,
    r.text(cells, 'staff') || null,
    local,
    absolute,
    r.text(cells, 'external_ref') || null,
    who ? r.header(who[0]) : null,
    r.header('external_ref'),
  ];
}
