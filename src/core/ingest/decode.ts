/**
 * Bytes → text for CSV/TSV/TXT exports. The encoding is detected, never asked
 * (SLIPS.md §1): BOM first, then strict UTF-8, then GB18030.
 *
 * GB18030 is the last resort because every byte sequence decodes under it: a
 * GBK file (the default of Excel "CSV" on Chinese Windows) is valid GB18030, but
 * so is a Latin-1 file, which therefore comes out as mojibake instead of being
 * refused. That is accepted: such exports do not occur in this market, and the
 * header finder then reports "no recognisable header" for them.
 */
import type { Refusal } from '../types';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

export type DecodeResult =
  | { ok: true; text: string; encoding: TextEncodingName }
  | { ok: false; refusal: Refusal };

/** How many leading bytes (or characters) are inspected for binary noise. */
const SAMPLE = 64 * 1024;
/** Share of control characters above which a sample is binary noise, not text. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Decodes an exported text file. Binary input (NUL bytes outside UTF-16, or a
 * high share of control characters) and files holding nothing but whitespace are
 * refused rather than turned into a table of garbage.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: false, refusal: { code: 'empty' } };

  let decoded: { text: string; encoding: TextEncodingName };
  try {
    const unicode = detectUnicode(bytes);
    if (unicode) {
      decoded = unicode;
    } else {
      if (bytes.indexOf(0) !== -1 || controlShareOfBytes(bytes) > MAX_CONTROL_SHARE) {
        return { ok: false, refusal: { code: 'not-text' } };
      }
      decoded = decodeUtf8OrGb18030(bytes);
    }
  } catch (e) {
    // A string longer than the engine allows (about 512 M characters in V8).
    if (e instanceof RangeError) {
      return { ok: false, refusal: { code: 'too-large', detail: { bytes: bytes.length } } };
    }
    throw e;
  }

  if (controlShareOfText(decoded.text) > MAX_CONTROL_SHARE) {
    return { ok: false, refusal: { code: 'not-text' } };
  }
  if (!/\S/.test(decoded.text)) return { ok: false, refusal: { code: 'empty' } };
  return { ok: true, text: decoded.text, encoding: decoded.encoding };
}

/** How a text file is laid out: the decoder label, the bytes of its BOM, and the name reported. */
export interface TextLayout {
  label: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  skip: number;
  encoding: TextEncodingName;
}

/** BOM-marked files, and UTF-16 files without a BOM recognised by their zero bytes. */
function unicodeLayout(bytes: Uint8Array): TextLayout | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { label: 'utf-8', skip: 3, encoding: 'utf-8-bom' };
  if (b0 === 0xff && b1 === 0xfe) return { label: 'utf-16le', skip: 2, encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { label: 'utf-16be', skip: 2, encoding: 'utf-16be' };
  const parity = zeroByteParity(bytes);
  if (parity === 'odd') return { label: 'utf-16le', skip: 0, encoding: 'utf-16le' };
  if (parity === 'even') return { label: 'utf-16be', skip: 0, encoding: 'utf-16be' };
  return null;
}

function detectUnicode(bytes: Uint8Array): { text: string; encoding: TextEncodingName } | null {
  const layout = unicodeLayout(bytes);
  return layout && { text: decodeWith(layout.label, bytes.subarray(layout.skip)), encoding: layout.encoding };
}

/**
 * The layout decodeText would choose, for a file too large to decode into one string: decoded
 * piece by piece instead. A plain `utf-8` answer is provisional: when a strict decode fails, the
 * file is GB18030, as in decodeText. Null for bytes decodeText refuses as binary.
 */
export function textLayout(bytes: Uint8Array): TextLayout | null {
  if (bytes.length === 0) return null;
  const unicode = unicodeLayout(bytes);
  if (unicode) return unicode;
  if (bytes.indexOf(0) !== -1 || controlShareOfBytes(bytes) > MAX_CONTROL_SHARE) return null;
  return { label: 'utf-8', skip: 0, encoding: 'utf-8' };
}

/** Decoded text decodeText would refuse (binary noise, or nothing but whitespace), judged on its head as decodeText does. */
export function refusedText(head: string): boolean {
  return controlShareOfText(head) > MAX_CONTROL_SHARE || !/\S/.test(head);
}

function decodeWith(label: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030', bytes: Uint8Array): string {
  // ignoreBOM keeps a second BOM as content instead of silently eating it; ours is already cut off.
  return new TextDecoder(label, { ignoreBOM: true }).decode(bytes);
}

function decodeUtf8OrGb18030(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return { text: decodeWith('gb18030', bytes), encoding: 'gb18030' };
  }
}

/**
 * UTF-16 text without a BOM (rare, but some tools write it) has zero bytes on one
 * side of every ASCII code unit: delimiters, digits and line breaks. Binary data
 * has zeros on both sides, so only a clearly one-sided pattern counts, and only
 * when there are enough of them (at least 8, and on a fifth of the code units).
 */
function zeroByteParity(bytes: Uint8Array): 'odd' | 'even' | null {
  const end = Math.min(bytes.length, SAMPLE) & ~1;
  if (end < 2) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < end; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const enough = Math.max(8, (end / 2) * 0.2);
  if (odd >= enough && even * 10 <= odd) return 'odd';
  if (even >= enough && odd * 10 <= even) return 'even';
  return null;
}

/** C0 controls other than tab, line feed, vertical tab, form feed, carriage return and the DOS end-of-file mark. */
function isNoiseControl(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0b && code !== 0x0c && code !== 0x0d && code !== 0x1a;
}

function controlShareOfBytes(bytes: Uint8Array): number {
  const end = Math.min(bytes.length, SAMPLE);
  let bad = 0;
  for (let i = 0; i < end; i++) if (isNoiseControl(bytes[i])) bad++;
  return bad / end;
}

function controlShareOfText(text: string): number {
  const end = Math.min(text.length, SAMPLE);
  if (end === 0) return 0;
  let bad = 0;
  for (let i = 0; i < end; i++) if (isNoiseControl(text.charCodeAt(i))) bad++;
  return bad / end;
}
