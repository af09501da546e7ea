import { z } from 'zod';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

// The request and response shapes of the product routes, shared by the API and the dashboard
// (zod only: no node or database code).

const Typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(max)
    .refine((s) => !hasNul(s), 'must not contain a NUL byte')
    .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text');
const RepurchaseDays = z.number().int().min(1).max(3650).nullable();

/** A product: from imported order lines, or added in the dashboard before its first sale. */
export const ProductSchema = z.object({
  sku: z.string(),
  name: z.string().nullable(),
  category: z.string().nullable(),
  repurchase_days: z.number().nullable().describe('days after which a customer usually buys it again'),
});
export type Product = z.infer<typeof ProductSchema>;

/** `GET /products`: a page of products by SKU. */
export const ProductPageSchema = z.object({
  items: z.array(ProductSchema),
  next_cursor: z.string().nullable(),
});
export type ProductPage = z.infer<typeof ProductPageSchema>;

/** `POST /products`: a product added by hand. */
export const ProductCreateBody = z
  .object({
    sku: Typed(100),
    name: Typed(200).nullable().optional(),
    category: Typed(100).nullable().optional(),
    repurchase_days: RepurchaseDays.optional(),
  })
  .strict();
export type ProductCreateBody = z.infer<typeof ProductCreateBody>;

/** `PATCH /products/:sku`: its name, category or repurchase interval (null clears one). */
export const ProductChangeBody = ProductCreateBody.omit({ sku: true });
export type ProductChangeBody = z.infer<typeof ProductChangeBody>;
