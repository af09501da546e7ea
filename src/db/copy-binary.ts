/**
 * PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html), for
 * moving one large value in or out without text escaping.
 */
/** The 11 bytes every binary COPY stream starts with. */
export const COPY_SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const SIGNATURE = COPY_SIGNATURE;

/**
 * Where the first row of a binary COPY stream begins: after the signature, the flags and the
 * header extension (its length, then its bytes).
 */
export function copyBinaryRowsStart(view: DataView): number {
  const extension = SIGNATURE.length + 4;
  return extension + 4 + view.getUint32(extension);
}

/** One row of fields (each in its type's binary form, or null) as a whole COPY binary stream. */
export function copyBinaryRow(fields: readonly (readonly Uint8Array[] | null)[]): Uint8Array[] {
  const header = new Uint8Array(SIGNATURE.length + 8);
  header.set(SIGNATURE);
  const count = new DataView(new ArrayBuffer(2));
  count.setInt16(0, fields.length);
  const parts: Uint8Array[] = [header, new Uint8Array(count.buffer)];
  for (const field of fields) {
    const length = new DataView(new ArrayBuffer(4));
    length.setInt32(0, field ? field.reduce((sum, p) => sum + p.byteLength, 0) : -1);
    parts.push(new Uint8Array(length.buffer), ...(field ?? []));
  }
  parts.push(Uint8Array.of(0xff, 0xff));
  return parts;
}

/** An int4 field's binary form. */
export function int4Field(n: number): Uint8Array[] {
  const v = new DataView(new ArrayBuffer(4));
  v.setInt32(0, n);
  return [new Uint8Array(v.buffer)];
}

/** An int8 field's binary form. */
export function int8Field(n: number): Uint8Array[] {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigInt64(0, BigInt(n));
  return [new Uint8Array(v.buffer)];
}

/** A text field's binary form. */
export function textField(s: string): Uint8Array[] {
  return [Buffer.from(s, 'utf8')];
}

/** The fields of the first row of a COPY binary stream (null for SQL null); undefined: no rows. */
export function firstCopyBinaryRow(bytes: Uint8Array): (Uint8Array | null)[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < SIGNATURE.length + 8) return undefined;
  let at = copyBinaryRowsStart(view);
  const count = view.getInt16(at);
  at += 2;
  if (count < 0) return undefined;
  const fields: (Uint8Array | null)[] = [];
  for (let k = 0; k < count; k++) {
    const length = view.getInt32(at);
    at += 4;
    if (length < 0) fields.push(null);
    else {
      fields.push(bytes.subarray(at, at + length));
      at += length;
    }
  }
  return fields;
}
