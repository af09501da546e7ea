/**
 * A character device of our own on the embedded store's file system: COPY reads or writes it like
 * a file while its operations run in JavaScript (pglite-copy-in.ts, pglite-copy-out.ts).
 */
import type { PGlite } from '@electric-sql/pglite';

/** The parts of Emscripten's FS a device needs (PGlite's typings leave them out). */
interface DeviceFs {
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: object): void;
  mkdev(path: string, dev: number): void;
}

/** What a device does when read or written (Emscripten's stream operations). */
export interface DeviceOps {
  read?: (stream: unknown, target: Uint8Array, offset: number, length: number) => number;
  write?: (stream: unknown, source: Uint8Array, offset: number, length: number) => number;
}

/**
 * Makes `path` a device answering with `ops` (nothing read, nothing written where one is left
 * out). Major 64 is PGlite's own `/dev/blob`; each of ours takes a minor beside it.
 */
export function addDevice(pglite: PGlite, path: string, minor: number, ops: DeviceOps): void {
  const fs = (pglite.Module as unknown as { FS: DeviceFs }).FS;
  const dev = fs.makedev(64, minor);
  fs.registerDevice(dev, {
    open: () => {},
    close: () => {},
    read: ops.read ?? (() => 0),
    write: ops.write ?? (() => 0),
    llseek: (_stream: unknown, offset: number) => offset,
  });
  fs.mkdev(path, dev);
}
