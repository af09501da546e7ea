import { z } from 'zod';

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

/** `?cursor=…&limit=…` of list routes. */
export const PageQuery = z.object({
  cursor: z.string().regex(/^\d+$/, 'must be the next_cursor of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** A customer's internal id in a path. */
export const CustomerParams = z.object({ customerId: z.coerce.number().int().positive() });

/** A date in a query: YYYY-MM-DD. */
export const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A Date (or null) as an ISO string for a response. */
export const iso = <T extends Date | null>(d: T): T extends Date ? string : string | null =>
  (d === null ? null : d.toISOString()) as T extends Date ? string : string | null;
