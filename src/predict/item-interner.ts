/**
 * Item texts interned straight from their UTF-8 bytes: a read of twenty million order lines over a
 * few thousand products makes no string per line, only one per distinct product.
 */

/** Bytes → index into `items`, by an open-addressing table keyed on an FNV-1a hash of the bytes. */
export class ByteInterner {
  readonly items: string[] = [];
  private readonly bytes: Uint8Array[] = [];
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1 << 12);

  /** The index of the text in `source[from, to)`, adding it when new. */
  intern(source: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ source[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const found = this.slots[s]!;
      if (found < 0) return this.add(source, from, to, h, s);
      if (this.hashes[s] === h && same(this.bytes[found]!, source, from, to)) return found;
    }
  }

  private add(source: Uint8Array, from: number, to: number, hash: number, slot: number): number {
    const index = this.items.length;
    const copy = source.slice(from, to);
    this.bytes.push(copy);
    this.items.push(Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength).toString('utf8'));
    this.slots[slot] = index;
    this.hashes[slot] = hash;
    if (this.items.length * 2 > this.slots.length) this.grow();
    return index;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const hashes = new Int32Array(slots.length);
    const mask = slots.length - 1;
    for (let s = 0; s < this.slots.length; s++) {
      const index = this.slots[s]!;
      if (index < 0) continue;
      let t = this.hashes[s]! & mask;
      while (slots[t]! >= 0) t = (t + 1) & mask;
      slots[t] = index;
      hashes[t] = this.hashes[s]!;
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

function same(a: Uint8Array, source: Uint8Array, from: number, to: number): boolean {
  if (a.length !== to - from) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== source[from + i]) return false;
  return true;
}
