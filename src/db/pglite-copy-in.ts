/**
 * COPY input of the embedded store read straight from the caller's buffers. PGlite's own
 * `/dev/blob` wants a Blob, turns it into one ArrayBuffer and hands it to PostgreSQL a byte at a
 * time in a JavaScript loop: for the million rows of a prediction refresh (about 90 MB) that took
 * more CPU than PostgreSQL's parsing and inserting of them. This device serves each read with one
 * typed-array copy from the chunks as they are, never joining them.
 */
import type { PGlite } from '@electric-sql/pglite';
import { type CopyFormat, copyStatement } from './copy-statement.ts';
import { addDevice } from './pglite-device.ts';

/** Where `copy … from` reads for {@link copyInFromBuffers}. */
const DEVICE = '/dev/retain-copy-in';

/** The chunks of one COPY, read front to back (PostgreSQL reads its input in order). */
export class ChunkSource {
  private chunk = 0;
  private offset = 0;

  constructor(private readonly chunks: readonly Uint8Array[]) {}

  /** Copies up to `length` next bytes into `target` at `at`; 0 at the end. */
  read(target: Uint8Array, at: number, length: number): number {
    let copied = 0;
    while (copied < length && this.chunk < this.chunks.length) {
      const current = this.chunks[this.chunk]!;
      const n = Math.min(current.length - this.offset, length - copied);
      target.set(current.subarray(this.offset, this.offset + n), at + copied);
      copied += n;
      this.offset += n;
      if (this.offset === current.length) {
        this.chunk++;
        this.offset = 0;
      }
    }
    return copied;
  }
}

/**
 * Registers the device on the store's file system; returns the loader: `copy table (columns) from`
 * the given bytes (one statement; the caller holds the connection).
 */
export function copyInFromBuffers(
  pglite: PGlite,
): (
  table: string,
  columns: readonly string[],
  chunks: readonly Uint8Array[],
  format: CopyFormat,
) => Promise<void> {
  let source: ChunkSource | null = null;
  // Minor 18 (17 is the copy-out device).
  addDevice(pglite, DEVICE, 18, {
    read: (_stream, target, offset, length) => {
      if (!source) throw new Error(`${DEVICE} read outside a load`);
      return source.read(target, offset, length);
    },
  });
  return async (table, columns, chunks, format) => {
    source = new ChunkSource(chunks);
    try {
      await pglite.query(`${copyStatement(table, columns, format)} from '${DEVICE}' with (format ${format})`);
    } finally {
      source = null;
    }
  };
}
