/**
 * COPY output of the embedded store into one growing buffer. PGlite's own `/dev/blob` keeps every
 * ~8 kB write as a Blob part and copies them all again when read: on a read of two million order
 * lines that cost a third of the COPY's CPU. This device appends each write straight from
 * PostgreSQL's memory into one array.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Where `copy … to` writes for {@link copyOutToBuffer}. */
const DEVICE = '/dev/retain-copy-out';

/** The parts of Emscripten's FS this needs (PGlite's typings leave them out). */
interface DeviceFs {
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: object): void;
  mkdev(path: string, dev: number): void;
}

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
  const fs = (pglite.Module as unknown as { FS: DeviceFs }).FS;
  let sink: Sink | null = null;
  // Major 64 is PGlite's own /dev/blob; a minor of our own beside it.
  const dev = fs.makedev(64, 17);
  fs.registerDevice(dev, {
    open: () => {},
    close: () => {},
    read: () => 0,
    llseek: (_stream: unknown, offset: number) => offset,
    write: (_stream: unknown, source: Uint8Array, offset: number, length: number) => {
      if (!sink) throw new Error(`${DEVICE} written outside a read`);
      sink.append(source, offset, length);
      return length;
    },
  });
  fs.mkdev(DEVICE, dev);
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
