import type { Caller } from '../access/index.ts';
import { maskEmail, maskIdentity, maskName, maskPhone, maskProperties } from '../access/pii-mask.ts';
import { can } from '../access/roles.ts';

/** Masks personal fields for callers without the PII permission; passes them through otherwise. */
export interface Masker {
  name(value: string | null): string | null;
  phone(value: string | null): string | null;
  email(value: string | null): string | null;
  identity(type: string, value: string): string;
  /** An event's properties, with phones and emails inside them masked. */
  properties(value: Record<string, unknown>): Record<string, unknown>;
  /** Masks `name`, `phone` and `email` of a row, keeping everything else. */
  row<T extends { name?: string | null; phone?: string | null; email?: string | null }>(row: T): T;
}

const keep = <T>(v: T) => v;
const orNull = (f: (v: string) => string) => (v: string | null) => (v === null ? null : f(v));

const OPEN: Masker = {
  name: keep,
  phone: keep,
  email: keep,
  identity: (_t, v) => v,
  properties: keep,
  row: keep,
};
const MASKED: Masker = {
  name: orNull(maskName),
  phone: orNull(maskPhone),
  email: orNull(maskEmail),
  identity: maskIdentity,
  properties: (value) => maskProperties(value) as Record<string, unknown>,
  row: (row) => ({
    ...row,
    ...('name' in row ? { name: orNull(maskName)(row.name ?? null) } : {}),
    ...('phone' in row ? { phone: orNull(maskPhone)(row.phone ?? null) } : {}),
    ...('email' in row ? { email: orNull(maskEmail)(row.email ?? null) } : {}),
  }),
};

/** The masker for a caller's role. */
export function maskerFor(caller: Caller): Masker {
  return can(caller.role, 'pii') ? OPEN : MASKED;
}
