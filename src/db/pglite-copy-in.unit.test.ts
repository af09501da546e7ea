import { describe, expect, it } from 'vitest';
import { ChunkSource } from './pglite-copy-in.ts';

/** Everything a source gives, read `size` bytes at a time into a fresh buffer at offset 3. */
function readAll(chunks: Uint8Array[], size: number): { bytes: number[]; reads: number[] } {
  const source = new ChunkSource(chunks);
  const bytes: number[] = [];
  const reads: number[] = [];
  for (;;) {
    const target = new Uint8Array(size + 3);
    const n = source.read(target, 3, size);
    reads.push(n);
    if (n === 0) return { bytes, reads };
    bytes.push(...target.subarray(3, 3 + n));
  }
}

describe('ChunkSource', () => {
  const chunks = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(4), Uint8Array.of(5, 6, 7, 8, 9)];
  const whole = [1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('gives every byte once, in order, across chunk boundaries, whatever the read size', () => {
    for (const size of [1, 2, 4, 5, 9, 64]) expect(readAll(chunks, size).bytes).toEqual(whole);
  });

  it('fills each read while bytes are left and answers 0 at the end, then again', () => {
    expect(readAll(chunks, 4).reads).toEqual([4, 4, 1, 0]);
    const source = new ChunkSource([Uint8Array.of(7)]);
    const target = new Uint8Array(4);
    expect(source.read(target, 0, 4)).toBe(1);
    expect(source.read(target, 0, 4)).toBe(0);
    expect(source.read(target, 0, 4)).toBe(0);
  });

  it('reads nothing from no chunks or empty ones', () => {
    expect(readAll([], 8).bytes).toEqual([]);
    expect(readAll([new Uint8Array(0), new Uint8Array(0)], 8).reads).toEqual([0]);
  });

  it('never writes outside the range it was asked to fill', () => {
    const source = new ChunkSource([Uint8Array.of(1, 2, 3, 4, 5, 6)]);
    const target = new Uint8Array(8).fill(255);
    expect(source.read(target, 2, 3)).toBe(3);
    expect([...target]).toEqual([255, 255, 1, 2, 3, 255, 255, 255]);
  });
});
