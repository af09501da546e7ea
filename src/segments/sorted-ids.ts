/**
 * Position of `id` in ascending `ids` (a facts snapshot's customer ids), or -1: a binary search.
 *
 * @example positionOf(Float64Array.of(3, 7, 9), 7) // 1
 */
export function positionOf(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < ids.length && ids[lo] === id ? lo : -1;
}
