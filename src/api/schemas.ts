import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { MAX_INT4 } from '../shared/safe-input.ts';

/** Error responses, as {@link sendError} writes them. */
export const ErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** Standard error responses a protected route can give. */
export const ERRORS = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  429: ErrorSchema,
};

/** The success answer of a route that answers nothing (204). */
export const NO_CONTENT = z.null().describe('No content');

/** A file answer (an export): CSV text or an XLSX workbook, by the `format` asked for. */
export const FILE_RESPONSE = {
  description: 'The file, as an attachment',
  content: {
    'text/csv': { schema: z.string().describe('CSV, UTF-8') },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: z.string().meta({ format: 'binary' }),
    },
  },
};

/** A CSV answer. */
export const CSV_RESPONSE = {
  description: 'CSV, UTF-8',
  content: { 'text/csv': { schema: z.string() } },
};

/** A date in a query or body: YYYY-MM-DD, and a day that exists. */
export const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists (YYYY-MM-DD)');

export { MAX_INT4 } from '../shared/safe-input.ts';

/** An id in a path or body: a positive whole number within the column's range (bigint by default). */
export const IdNumber = (max: number = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max);

/** An id in a JSON body: a positive whole number that JavaScript holds exactly. */
export const IdValue = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A whole number within PostgreSQL's `int` range (counts, days, points), so SQL never overflows. */
export const Int32 = z.number().int().min(-MAX_INT4).max(MAX_INT4);

/** A list's cursor: the next_cursor of a previous page (an offset or id, at most 15 digits). */
export const Cursor = z.string().regex(/^\d{1,15}$/, 'must be the next_cursor of a previous page');

/** A list's cursor kept as a time and an id (`ms_id`): the next_cursor of a previous page. */
export const TimeIdCursor = z
  .string()
  .regex(/^\d{1,15}_\d{1,15}$/, 'must be the next_cursor of a previous page');

/** `?cursor=…&limit=…` of list routes. */
export const PageQuery = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** A customer's internal id in a path. */
export const CustomerParams = z.object({ customerId: IdNumber() });

/** A Date (or null) as an ISO string for a response. */
export const iso = <T extends Date | null>(d: T): T extends Date ? string : string | null =>
  (d === null ? null : d.toISOString()) as T extends Date ? string : string | null;
