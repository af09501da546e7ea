import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/** Coupons that apply only to some products (SKUs): null means every product. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(db, 'alter table coupon_templates add column products text[];');
}
