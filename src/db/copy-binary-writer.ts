/**
 * Many rows of fields (int4, int8, float8, date, text) in PostgreSQL's binary COPY format, written
 * into one growing buffer: a million rows load without a string or an object per value.
 */
import { COPY_SIGNATURE } from './copy-binary.ts';

/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's date epoch. */
const PG_EPOCH_DAY = 10_957;

/** Appends rows field by field; {@link CopyBinaryWriter.bytes} ends the stream. */
export class CopyBinaryWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private at = 0;

  constructor(expectedBytes = 1 << 16) {
    this.buffer = new Uint8Array(Math.max(64, expectedBytes));
    this.view = new DataView(this.buffer.buffer);
    for (const b of COPY_SIGNATURE) this.buffer[this.at++] = b;
    this.at += 8; // flags and header extension length, both 0
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.at + bytes));
    next.set(this.buffer.subarray(0, this.at));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  /** Starts a row of `fields` fields. */
  row(fields: number): void {
    this.room(2);
    this.view.setInt16(this.at, fields);
    this.at += 2;
  }

  /** An int8 field (an integer below 2⁵³), or SQL null for NaN. */
  int8(value: number): void {
    if (Number.isNaN(value)) {
      this.null();
      return;
    }
    this.room(12);
    this.view.setInt32(this.at, 8);
    // High and low words: no BigInt per value.
    const high = Math.floor(value / 4_294_967_296);
    this.view.setInt32(this.at + 4, high);
    this.view.setUint32(this.at + 8, value - high * 4_294_967_296);
    this.at += 12;
  }

  /** An int4 field. */
  int4(value: number): void {
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, value);
    this.at += 8;
  }

  /** A text field (UTF-8). */
  text(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.room(4 + bytes.length);
    this.view.setInt32(this.at, bytes.length);
    this.buffer.set(bytes, this.at + 4);
    this.at += 4 + bytes.length;
  }

  /** A float8 field. */
  float8(value: number): void {
    this.room(12);
    this.view.setInt32(this.at, 8);
    this.view.setFloat64(this.at + 4, value);
    this.at += 12;
  }

  /** A date field from a day number (days since 1970-01-01), or SQL null for NaN. */
  date(day: number): void {
    if (Number.isNaN(day)) {
      this.null();
      return;
    }
    this.room(8);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, day - PG_EPOCH_DAY);
    this.at += 8;
  }

  /** A boolean field. */
  bool(value: boolean): void {
    this.room(5);
    this.view.setInt32(this.at, 1);
    this.view.setUint8(this.at + 4, value ? 1 : 0);
    this.at += 5;
  }

  /** A SQL null field. */
  null(): void {
    this.room(4);
    this.view.setInt32(this.at, -1);
    this.at += 4;
  }

  /** The whole stream, trailer included. */
  bytes(): Uint8Array {
    this.room(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    return this.buffer.subarray(0, this.at);
  }
}
