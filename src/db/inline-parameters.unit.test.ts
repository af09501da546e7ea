import { describe, expect, it } from 'vitest';
import { inlineParameters } from './inline-parameters.ts';

describe('inlining a query’s parameters for COPY', () => {
  it('writes null, integers, dates and integer arrays as literals', () => {
    expect(
      inlineParameters('select $1, $2, $3, $4, $10', [null, -7, '2024-02-29', [1, 2, 3], 0, 0, 0, 0, 0, 42]),
    ).toBe("select null, -7, '2024-02-29', '{1,2,3}', 42");
  });

  it('refuses anything that could carry SQL or is not exact', () => {
    for (const value of [
      "2024-01-01'; drop table orders; --",
      'text',
      1.5,
      Number.NaN,
      [1, 'x'],
      [1.5],
      { __proto__: { toString: () => '1' } },
      undefined,
      true,
      '\u0000',
    ])
      expect(() => inlineParameters('select $1', [value])).toThrow(/cannot inline the query parameter/);
  });
});
