/**
 * Exact decimal values for money and quantities read from files: `units / 10^scale`.
 * Floats never touch money; rounding is half away from zero, as PRODUCT.md §3.1 requires.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

/** Parses a plain decimal like `-12.345`; `undefined` when it is not one. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const sign = (m[1] ?? m[4]) === '-' ? -1n : 1n;
  const whole = m[2] ?? '0';
  const frac = m[3] ?? m[5] ?? '';
  return { units: sign * BigInt(whole + frac), scale: frac.length };
}

/** Divides by 10^shift, rounding half away from zero. */
function roundShift(units: bigint, shift: number): bigint {
  if (shift <= 0) return units * 10n ** BigInt(-shift);
  const div = 10n ** BigInt(shift);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return negative ? -q : q;
}

/** The value in minor units (e.g. fen), rounded half away from zero. */
export function toMinorUnits(value: Decimal, minorDigits: number): bigint {
  return roundShift(value.units, value.scale - minorDigits);
}

/** quantity × unit price in minor units, rounded half away from zero once, at the end. */
export function multiplyToMinorUnits(quantity: Decimal, unitPrice: Decimal, minorDigits: number): bigint {
  return roundShift(quantity.units * unitPrice.units, quantity.scale + unitPrice.scale - minorDigits);
}

/** The exact value in minor units as a decimal string (keeps sub-minor fractions, e.g. `8.5`). */
export function toMinorUnitsExact(value: Decimal, minorDigits: number): string {
  const scale = value.scale - minorDigits;
  if (scale <= 0) return (value.units * 10n ** BigInt(-scale)).toString();
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale);
  const frac = digits.slice(-scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** The decimal as a plain string, e.g. for a numeric column. */
export function formatDecimal(value: Decimal): string {
  return toMinorUnitsExact(value, 0);
}
