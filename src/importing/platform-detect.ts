import type { ImportKind } from './import-kinds.ts';
import {
  PLATFORM_DICTIONARIES,
  type PlatformDictionary,
  type PlatformExport,
} from './platform-dictionary.ts';

/**
 * A header as column matching compares it: case, spaces, `_`, `-`, `#` and a trailing unit in
 * brackets do not count, so `Customer ID` is `customer_id` and `用户实付金额(元)` is `用户实付金额`.
 */
export const headerKey = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[(（][^()（）]*[)）]$/, '')
    .replace(/[\s_\-#]/g, '');

/** The platform and export a file came from, as its headers tell. */
export interface DetectedPlatform {
  platform: string;
  export: PlatformExport;
  /** The import kinds the file can be loaded as, best first. */
  kinds: readonly ImportKind[];
  dictionary: PlatformDictionary;
}

/**
 * Recognises a platform's export by its header row: the export whose every signature header is
 * present, the one with the most such headers when several are; undefined for any other file.
 */
export function detectPlatform(headers: readonly string[]): DetectedPlatform | undefined {
  const present = new Set(headers.map(headerKey));
  let best: (DetectedPlatform & { score: number }) | undefined;
  for (const dictionary of PLATFORM_DICTIONARIES) {
    for (const signature of dictionary.exports) {
      if (!signature.headers.every((h) => present.has(headerKey(h)))) continue;
      if (best && best.score >= signature.headers.length) continue;
      best = {
        platform: dictionary.platform,
        export: signature.export,
        kinds: signature.kinds,
        dictionary,
        score: signature.headers.length,
      };
    }
  }
  if (!best) return undefined;
  const { score: _, ...detected } = best;
  return detected;
}
