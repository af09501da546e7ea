import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';
import { NOTE_TYPES, RECORD_SOURCES, RECORD_STATUSES, TICKET_STATUSES } from './task-codes.ts';

// Request and response shapes of service records (notes, calls, visits, complaints, tickets),
// shared by the API (its OpenAPI document) and the dashboard (its types); zod and codes only.

/** Whether a status fits a record type: tickets are open, resolved or closed; the rest done or none. */
export function statusFits(type: (typeof NOTE_TYPES)[number], status: string | null): boolean {
  if (type === 'ticket') return (TICKET_STATUSES as readonly string[]).includes(status ?? '');
  return status === null || status === 'done';
}

/** The status a record of a type gets when none is given. */
export const defaultStatus = (type: (typeof NOTE_TYPES)[number]) => (type === 'ticket' ? 'open' : null);

const Text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !hasNul(s), 'must not contain NUL (U+0000)')
    .refine((s) => !hasLoneSurrogate(s), 'must not contain half of a surrogate pair')
    .refine((s) => s.trim() !== '', 'must not be blank');

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A service record in responses (the summary masked for roles without personal data). */
export const ServiceRecordSchema = z.object({
  id: z.number(),
  type: z.enum(NOTE_TYPES),
  status: z.enum(RECORD_STATUSES).nullable(),
  summary: z.string(),
  author: z.string().describe('who handled it: a user, or the staff name of an imported record'),
  author_user_id: z.number().nullable(),
  source: z.enum(RECORD_SOURCES),
  external_ref: z.string().nullable().describe('its id in the system it was imported from'),
  occurred_at: z.string(),
  created_at: z.string(),
});

/** `GET /customers/{id}/notes`: the records, latest first. */
export const ServiceRecordList = z.object({ items: z.array(ServiceRecordSchema) });

/** `POST /customers/{id}/notes`: a new record. */
export const ServiceRecordBody = z
  .object({
    type: z.enum(NOTE_TYPES).default('note'),
    status: z
      .enum(RECORD_STATUSES)
      .nullable()
      .optional()
      .describe('tickets: open (default), resolved or closed; other records: done or none'),
    summary: Text(4000),
    occurred_at: z
      .string()
      .max(40)
      .refine(
        (t) => INSTANT.test(t) && isCalendarDate(t.slice(0, 10)) && !Number.isNaN(Date.parse(t)),
        'must be a time such as 2026-03-01T10:00:00+08:00',
      )
      .optional()
      .describe('when it happened (default: now)'),
    external_ref: Text(200).optional().describe('its id in another system (a ticket number)'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.status !== undefined && !statusFits(body.type, body.status))
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message:
          body.type === 'ticket'
            ? 'a ticket is open, resolved or closed'
            : `a ${body.type} is done or has none`,
      });
  });

/** `PATCH /customers/{id}/notes/{noteId}`: a ticket's new status. */
export const ServiceRecordStatusBody = z.object({ status: z.enum(RECORD_STATUSES).nullable() }).strict();
