import { describe, expect, it } from 'vitest';
import { changedPositions, parseStatesCopy } from './recorded-states.ts';
import { groupOf, stageOf, stateCode } from './stage-codes.ts';
import { decodeStates, encodeStates, mergeStates } from './state-snapshot.ts';

/** A binary COPY stream of (int8, int2) rows, written field by field as the format documents. */
function copyOf(rows: [number, number][]): Uint8Array {
  const head = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
  const out = new DataView(new ArrayBuffer(head.length + rows.length * 20 + 2));
  for (const [i, b] of head.entries()) out.setUint8(i, b);
  let at = head.length;
  for (const [id, code] of rows) {
    out.setInt16(at, 2);
    out.setInt32(at + 2, 8);
    out.setBigInt64(at + 6, BigInt(id));
    out.setInt32(at + 14, 2);
    out.setInt16(at + 18, code);
    at += 20;
  }
  out.setInt16(at, -1);
  return new Uint8Array(out.buffer);
}

describe('recorded states', () => {
  it('round-trips every stage and group through one code', () => {
    for (let stage = 0; stage < 6; stage++)
      for (let group = -1; group < 8; group++) {
        const code = stateCode(stage, group);
        expect([stageOf(code), groupOf(code)]).toEqual([stage, group]);
      }
  });

  it('reads the rows of a binary COPY, large ids included', () => {
    const rows: [number, number][] = [
      [1, stateCode(0, -1)],
      [7, stateCode(5, 7)],
      [2 ** 40 + 3, stateCode(3, 2)],
    ];
    const parsed = parseStatesCopy(copyOf(rows));
    expect([...parsed.ids]).toEqual(rows.map((r) => r[0]));
    expect([...parsed.codes]).toEqual(rows.map((r) => r[1]));
    expect(parseStatesCopy(new Uint8Array(0)).ids.length).toBe(0);
  });

  it('finds exactly the customers new, or in another state, as a plain map lookup would', () => {
    const now = new Map<number, number>();
    const was = new Map<number, number>();
    let x = 11;
    const next = (n: number) => {
      x = (x * 48_271) % 2_147_483_647;
      return x % n;
    };
    for (let id = 1; id <= 3000; id++) {
      if (next(10) > 0) now.set(id, stateCode(next(6), next(9) - 1));
      // Some recorded customers are gone today, some of today's were never recorded.
      if (next(10) > 1) was.set(id, next(4) === 0 ? stateCode(next(6), next(9) - 1) : (now.get(id) ?? 5));
    }
    const ids = Float64Array.from(now.keys());
    const codes = Uint16Array.from(now.values());
    const recorded = { ids: Float64Array.from(was.keys()), codes: Uint16Array.from(was.values()) };
    const want = [...now.keys()].filter((id) => was.get(id) !== now.get(id));
    expect(want.length).toBeGreaterThan(100);
    expect(Array.from(changedPositions(ids, codes, recorded), (i) => ids[i])).toEqual(want);
    expect(() => changedPositions(Float64Array.of(2, 1), Uint16Array.of(0, 0), recorded)).toThrow(
      /ascending/,
    );
  });

  it('keeps the states as one value, and merges written changes into them as a map update would', () => {
    const recorded = { ids: Float64Array.of(2, 3, 5, 9, 2 ** 40), codes: Uint16Array.of(1, 2, 3, 4, 5) };
    const back = decodeStates(encodeStates(recorded).subarray(0));
    expect([...back.ids, ...back.codes]).toEqual([...recorded.ids, ...recorded.codes]);
    const merged = mergeStates(recorded, [1, 3, 4, 10], [7, 8, 9, 10]);
    const want = new Map([...recorded.ids].map((id, i) => [id, recorded.codes[i]!]));
    for (const [id, code] of [
      [1, 7],
      [3, 8],
      [4, 9],
      [10, 10],
    ] as const)
      want.set(id, code);
    const sorted = [...want].sort((a, b) => a[0] - b[0]);
    expect([...merged.ids]).toEqual(sorted.map((e) => e[0]));
    expect([...merged.codes]).toEqual(sorted.map((e) => e[1]));
    expect(() => decodeStates(encodeStates(recorded).subarray(0, 20))).toThrow(/damaged/);
  });
});
