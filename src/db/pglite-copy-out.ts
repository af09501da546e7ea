/**
 * COPY output of the embedded store into one growing buffer. PGlite's own `/dev/blob` keeps every
 * ~8 kB write as a Blob part and copies them all again when read: on a read of two million order
 * lines that cost a third of the COPY's CPU. This device appends each write straight from
 * PostgreSQL's memory into one array.
 */
import type { PGlite } from '@electric-sql/pglite';
import { addDevice } from './pglite-device.ts';

/** Where `copy … to` writes for {@link copyOutToBuffer}. */
const DEVICE = '/dev/retain-copy-out';

/** One read's bytes; the device writes into whichever read is running (PGlite runs one statement at a time). */
class Sink {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  append(source: Uint8Array, offset: number, length: number): void {
    if (this.length + length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + length));
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
    }
    this.bytes.set(source.subarray(offset, offset + length), this.length);
    this.length += length;
  }
}

/**
 * Registers the device on the store's file system; returns the reader: the rows of a query in
 * COPY's `format` (one statement; the caller holds the connection).
 */
export function copyOutToBuffer(pglite: PGlite): (query: string, format: string) => Promise<Uint8Array> {
  let sink: Sink | null = null;
  addDevice(pglite, DEVICE, 17, {
    write: (_stream, source, offset, length) => {
      if (!sink) throw new Error(`${DEVICE} written outside a read`);
      sink.append(source, offset, length);
      return length;
    },
  });
  return async (query, format) => {
    const mine = new Sink();
    sink = mine;
    try {
      await pglite.query(`copy (${query}) to '${DEVICE}' with (format ${format})`);
    } finally {
      sink = null;
    }
    return mine.bytes.subarray(0, mine.length);
  };
}
