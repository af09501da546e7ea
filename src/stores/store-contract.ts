import { z } from 'zod';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

// The request and response shapes of the stores routes, shared by the API and the dashboard
// (zod only: no node or database code).

/** Text a person typed: bounded, no NUL, valid Unicode, not blank. */
const Typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(max)
    .refine((s) => !hasNul(s), 'must not contain a NUL byte')
    .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text');

/** `GET /stores`: a store of the workspace. */
export const StoreSchema = z.object({
  code: z.string().describe('what orders, coupon templates and members’ stores carry'),
  name: z.string(),
  city: z.string().nullable(),
  active: z.boolean().describe('false: closed, kept for its history'),
  created_at: z.string(),
});
export type Store = z.infer<typeof StoreSchema>;

/** `POST /stores`: a new store. */
export const StoreCreateBody = z
  .object({ code: Typed(100), name: Typed(100), city: Typed(100).nullable().optional() })
  .strict();
export type StoreCreateBody = z.infer<typeof StoreCreateBody>;

/** `PATCH /stores/:code`: a store's name, city, or whether it is open. */
export const StoreChangeBody = z
  .object({
    name: Typed(100).optional(),
    city: Typed(100).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type StoreChangeBody = z.infer<typeof StoreChangeBody>;
