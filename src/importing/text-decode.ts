import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { InvalidInputError } from '../shared/errors.ts';

/** How to tell a person to pick the encoding, in every message about undecodable bytes. */
const PICK_ENCODING =
  'choose the file\'s encoding (--encoding in the CLI, "encoding" in the API), e.g. gb18030 or gbk for Chinese Excel files, latin1 or windows-1252 for Western European ones';

/** A strict decoder for `encoding`, or undefined when the platform's TextDecoder does not know it. */
function strictDecoder(encoding: string): TextDecoder | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true });
  } catch {
    return undefined;
  }
}

/**
 * Detects the encoding of a file's first bytes: UTF-8 when they are valid UTF-8; GB18030 (a
 * superset of GBK, what Excel on a Chinese Windows writes) when they decode as GB18030 and look
 * like Chinese text; otherwise undefined (a single-byte file such as Latin-1, which GB18030 would
 * turn into wrong Chinese characters without any error).
 */
export function detectEncoding(sample: Buffer): 'utf8' | 'gb18030' | undefined {
  // `stream: true` accepts a character cut off at the end of the sample, but no invalid byte.
  if (isUtf8(sample)) return 'utf8';
  try {
    strictDecoder('gb18030')!.decode(sample, { stream: true });
  } catch {
    return undefined;
  }
  return looksLikeGb(sample) ? 'gb18030' : undefined;
}

function isUtf8(sample: Buffer): boolean {
  try {
    strictDecoder('utf-8')!.decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Chinese text in GBK is mostly GB2312 characters, both bytes 0xA1–0xFE. A Latin-1 word such as
 * `Müller` also decodes as GBK, but as pairs whose second byte is an ASCII letter; when most pairs
 * are like that, the file is not Chinese.
 */
function looksLikeGb(bytes: Buffer): boolean {
  let pairs = 0;
  let asciiTrail = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x81) continue;
    const next = bytes[i + 1];
    if (next === undefined) break;
    if (next >= 0x30 && next <= 0x39) {
      i += 3; // a four-byte GB18030 sequence
      continue;
    }
    pairs++;
    if (next < 0x80) asciiTrail++;
    i++;
  }
  return asciiTrail * 2 <= pairs;
}

/** The encoding to read a file with: the one given (checked), else the detected one. */
export function chooseEncoding(label: string, given: string | undefined, sample: () => Buffer): string {
  if (given) {
    if (!iconv.encodingExists(given) && !strictDecoder(given))
      throw new InvalidInputError(`unknown encoding "${given}"; ${PICK_ENCODING}`);
    return given;
  }
  const detected = detectEncoding(sample());
  if (!detected)
    throw new InvalidInputError(
      `${label} is neither UTF-8 nor Chinese (GB18030) text, and reading it as either would garble it; ${PICK_ENCODING}`,
    );
  return detected;
}

/**
 * A stream turning bytes into text in `encoding` that fails, naming the line, on bytes that are
 * not text in that encoding, instead of storing replacement characters (garbled text).
 */
export function decodeStream(label: string, encoding: string, given: boolean, partial = false): Transform {
  const decoder = strictDecoder(encoding);
  // Encodings only iconv-lite knows (rare code pages) cannot be checked; they decode leniently.
  if (!decoder) return iconv.decodeStream(encoding) as unknown as Transform;
  let line = 1;
  const name = given ? encoding : encoding === 'utf8' ? 'UTF-8' : encoding.toUpperCase();
  const newlines = (text: string) => text.split('\n').length - 1;
  // The strict decoder says only that a chunk is bad; a lenient one shows where (U+FFFD).
  const fail = (chunk?: Buffer) => {
    const lenient = chunk ? new TextDecoder(encoding).decode(chunk) : '';
    const at = lenient.indexOf('\uFFFD');
    const where = line + (at > 0 ? newlines(lenient.slice(0, at)) : 0);
    return new InvalidInputError(`${label}: line ${where} is not valid ${name} text; ${PICK_ENCODING}`);
  };
  const push = (stream: Transform, text: string) => {
    line += newlines(text);
    if (text) stream.push(text);
  };
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      try {
        push(this, decoder.decode(chunk, { stream: true }));
      } catch {
        return done(fail(chunk));
      }
      done();
    },
    flush(done) {
      // A file's beginning (column detection) may end inside a character: that is no error.
      if (partial) return done();
      try {
        push(this, decoder.decode());
      } catch {
        return done(fail());
      }
      done();
    },
  });
}
