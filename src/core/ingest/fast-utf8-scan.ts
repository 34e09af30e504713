/**
 * The pre-pass of the text fast path (scanRecords in fast-text-scan.ts) over a file's UTF-8
 * bytes instead of its decoded text: the same records, the same decision for each, offsets in
 * bytes. No string of the file is made, and the strict UTF-8 check decodeText does on the
 * whole file (TextDecoder's fatal mode) is done on the way, byte by byte.
 *
 * Limits counted in characters there are counted in bytes here, which is never fewer: a cell
 * past MAX_CELL_CHARS bytes gives up (the row parser then reads the file and decides), a
 * record past MAX_FAST_RECORD_CHARS bytes goes to the builder; both give the same answers.
 */
import { MAX_CELL_CHARS, MAX_CELLS_PER_ROW, MAX_ROWS } from './text-reader';
import { CR, isAwkward, Records, totalsCell, type Piece, type Tally } from './fast-text-scan';

/** The bytes are not UTF-8 (TextDecoder's fatal mode would throw): the file is GB18030. */
export const NOT_UTF8 = 'not-utf8';

const QUOTE = 0x22;
const LF = 0x0a;
/** Added to a sequence's length when it is a character isAwkward names. */
const AWKWARD = 8;

/**
 * The UTF-8 sequence starting at b[i] (a byte ≥ 0x80): its length, plus AWKWARD for a character
 * isAwkward names; 0 when it is not well-formed UTF-8 (a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF, or cut off by the end).
 */
function sequence(b: Uint8Array, i: number, n: number): number {
  const c = b[i];
  if (c < 0xc2) return 0;
  if (c < 0xe0) {
    if (i + 1 >= n) return 0;
    const c1 = b[i + 1];
    if ((c1 & 0xc0) !== 0x80) return 0;
    // U+00A0 and U+0130, the only awkward characters of two bytes.
    return (c === 0xc2 && c1 === 0xa0) || (c === 0xc4 && c1 === 0xb0) ? 2 + AWKWARD : 2;
  }
  if (c < 0xf0) {
    if (i + 2 >= n) return 0;
    const c1 = b[i + 1];
    const c2 = b[i + 2];
    if ((c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80) return 0;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0)) return 0;
    // Awkward characters of three bytes start E1, E2, E3 or EF; CJK ideographs (E4 to E9) never are.
    if (c > 0xe3 && c !== 0xef) return 3;
    return isAwkward(((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f)) ? 3 + AWKWARD : 3;
  }
  if (c < 0xf5) {
    if (i + 3 >= n) return 0;
    const c1 = b[i + 1];
    if ((b[i + 2] & 0xc0) !== 0x80 || (b[i + 3] & 0xc0) !== 0x80 || (c1 & 0xc0) !== 0x80) return 0;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

/** b[from..to) is well-formed UTF-8. */
function wellFormed(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to;) {
    if (b[i] < 0x80) { i++; continue; }
    const s = sequence(b, i, to);
    if (s === 0) return false;
    i += s > AWKWARD ? s - AWKWARD : s;
  }
  return true;
}

/**
 * scanRecords(text, delimiter, headerRow, width, tally, final = true, limitRows = true) for the
 * whole of `bytes`, whose decoded text is `text`. NOT_UTF8 when the bytes are not UTF-8; null
 * beyond the row parser's limits (or the byte counts of them).
 */
export function scanUtf8Records(
  b: Uint8Array, delimiter: string, headerRow: number, width: number, tally: Tally,
): Piece | null | typeof NOT_UTF8 {
  const found = new Records(tally, headerRow, (start, end) => totalsAt(b, start, end));
  const got = scanUtf8Window(b, delimiter, width, tally, found, 0, true);
  return typeof got === 'number' ? found.piece(b.length) : got;
}

/** A file's bytes read a range at a time (the browser reads its File so; in Node they are in memory). */
export interface ByteRanges {
  size: number;
  read(from: number, to: number): Promise<Uint8Array>;
  /** read() gives bytes nobody else holds (an engine may take them over instead of copying). */
  fresh: boolean;
  /**
   * These bytes decoded from `label` and made UTF-8 into a store outside the page's memory
   * where the platform has one (the browser: a Blob, made in a worker of its own, file-pass.ts);
   * without it such files are read whole.
   */
  transcode?(label: string, window: number): Promise<Stored>;
  /**
   * scanUtf8Ranges over these bytes done elsewhere, for a platform where reading in place
   * leaves garbage behind (the browser: a worker of its own, ended when it answers).
   */
  scan?(delimiter: string, headerRow: number, width: number, window: number): Promise<ScanResult>;
}

/** Bytes made from a file (ByteRanges.transcode), read back in ranges. */
export interface Stored { ranges: ByteRanges; handle?: unknown }

/** What scanUtf8Ranges gives, with the tally it counted into. */
export interface ScanResult { piece: Piece | null | typeof NOT_UTF8 | typeof HAS_NUL; tally: Tally }

export const inMemory = (bytes: Uint8Array): ByteRanges => ({ size: bytes.length, read: async (from, to) => bytes.subarray(from, to), fresh: false });

/** The file has a NUL byte: it is not text for the fast path (textLayout would have said so of the whole file). */
export const HAS_NUL = 'nul';

/**
 * scanUtf8Records over a file read `window` bytes at a time, never held whole: the same
 * records, with offsets in the file. Each window is read from the first byte not yet taken,
 * so the record left unfinished at the end of one is read again with the next (a record
 * longer than a window: the window grows until it holds it).
 */
export async function scanUtf8Ranges(
  bytes: ByteRanges, delimiter: string, headerRow: number, width: number, tally: Tally, window: number,
): Promise<Piece | null | typeof NOT_UTF8 | typeof HAS_NUL> {
  let buf: Uint8Array = new Uint8Array(0);
  const found = new Records(tally, headerRow, (start, end) => totalsAt(buf, start, end));
  let base = 0;
  let size = window;
  for (;;) {
    const to = Math.min(bytes.size, base + size);
    buf = await bytes.read(base, to);
    if (buf.indexOf(0) !== -1) return HAS_NUL;
    const final = to >= bytes.size;
    const consumed = scanUtf8Window(buf, delimiter, width, tally, found, base, final);
    if (typeof consumed !== 'number') return consumed;
    if (final) return found.piece(bytes.size);
    if (consumed === 0) size *= 2;
    else {
      base += consumed;
      size = window;
    }
  }
}

/**
 * The records of `b` (offset `base` in the file) into `found`; returns where the records seen
 * end in `b`. A window that is not the last is read up to its last line break, and a record
 * that reaches that point unfinished (a quoted cell going on) is left for the next window.
 */
function scanUtf8Window(
  b: Uint8Array, delimiter: string, width: number, tally: Tally, found: Records, base: number, final: boolean,
): number | null | typeof NOT_UTF8 {
  const d = delimiter.charCodeAt(0);
  const n = final ? b.length : lastLineEnd(b);
  let consumed = 0;
  let i = 0;
  records: while (i < n) {
    const start = i;
    let fields = 0;
    let flagged = false;
    let firstStart = -1;
    let firstEnd = -1;
    let beyond = false;
    let padded: number[] | null = null;
    for (;;) {
      const fieldStart = i;
      let content = false;
      // Where the cell's text is (inside its quotes, for a quoted cell): a space at either end pads it.
      let textStart = i;
      let textEnd = -1;
      if (b[i] === QUOTE) {
        textStart = i + 1;
        let j = i + 1;
        for (;;) {
          let q = b.indexOf(QUOTE, j);
          if (q >= n) q = -1;
          if (q === -1) {
            // Unfinished here: the next window has more of it (unless it is already too long).
            if (!final) {
              if (n - fieldStart > MAX_CELL_CHARS) return null;
              break records;
            }
            flagged = true;
            if (n - fieldStart > MAX_CELL_CHARS) return null;
            if (!wellFormed(b, j, n)) return NOT_UTF8;
            j = n;
            break;
          }
          textEnd = q;
          for (let k = j; k < q;) {
            const c = b[k];
            if (c < 0x80) {
              if (c < 0x20) flagged = true;
              else if (c !== 0x20) content = true;
              k++;
            } else {
              const s = sequence(b, k, q);
              if (s === 0) return NOT_UTF8;
              if (s > AWKWARD) { flagged = true; k += s - AWKWARD; } else k += s;
              content = true;
            }
          }
          if (b[q + 1] === QUOTE && q + 1 < n) { content = true; j = q + 2; continue; }
          j = q + 1;
          break;
        }
        i = j;
        // Text after the closing quote: the row parser appends it; DuckDB would not.
        while (i < n) {
          const c = b[i];
          if (c === d || c === LF || c === CR) break;
          flagged = true;
          if (c < 0x80) { i++; continue; }
          const s = sequence(b, i, n);
          if (s === 0) return NOT_UTF8;
          i += s > AWKWARD ? s - AWKWARD : s;
        }
      } else {
        while (i < n) {
          const c = b[i];
          if (c < 0x80) {
            if (c === d || c === LF || c === CR) break;
            if (c < 0x20 || c === QUOTE) flagged = true;
            if (c !== 0x20) content = true;
            i++;
          } else {
            const s = sequence(b, i, n);
            if (s === 0) return NOT_UTF8;
            if (s > AWKWARD) { flagged = true; i += s - AWKWARD; } else i += s;
            content = true;
          }
        }
        textEnd = i;
      }
      if (textEnd > textStart && (b[textStart] === 0x20 || b[textEnd - 1] === 0x20)) (padded ??= []).push(fields);
      if (i - fieldStart > MAX_CELL_CHARS) return null;
      if (content) {
        if (firstStart < 0) { firstStart = fieldStart; firstEnd = i; }
        if (fields >= width) beyond = true;
      }
      fields++;
      if (fields > MAX_CELLS_PER_ROW) return null;
      if (i < n && b[i] === d) { i++; continue; }
      break;
    }
    const end = i;
    if (i >= n && !final) break;
    if (i < n) {
      const crlf = b[i] === CR && b[i + 1] === LF;
      found.lineEnd(crlf ? 2 : b[i] === LF ? 1 : 3);
      i += crlf ? 2 : 1;
    }
    if (tally.records >= MAX_ROWS) return null;
    found.add(base + start, base + end, fields, flagged, firstStart, firstEnd, beyond, padded);
    consumed = i;
  }
  return final ? b.length : consumed;
}

/**
 * Where a window that is not the last is read to: just past its last line break (LF, CRLF or
 * a CR whose next byte is in the window and is not LF), so that no line break and no UTF-8
 * sequence is cut there; 0 when it has none.
 */
function lastLineEnd(b: Uint8Array): number {
  for (let k = b.length - 1; k >= 0; k--) {
    if (b[k] === LF) return k + 1;
    if (b[k] === CR && k + 1 < b.length) return b[k + 1] === LF ? k + 2 : k + 1;
  }
  return 0;
}

/** The first non-empty cell at b[start..end) names a totals row. */
function totalsAt(b: Uint8Array, start: number, end: number): boolean {
  return totalsHint(b, start, end) && totalsCell(utf8.decode(b.subarray(start, end)));
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes of a cell hold a character of TOTALS_HINT: `t`, `T`, 计 (E8 AE A1), ｔ (EF BD 94) or Ｔ (EF BC B4). */
function totalsHint(b: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = b[k];
    if (c === 0x74 || c === 0x54) return true;
    if (c === 0xe8 && b[k + 1] === 0xae && b[k + 2] === 0xa1) return true;
    if (c === 0xef && ((b[k + 1] === 0xbd && b[k + 2] === 0x94) || (b[k + 1] === 0xbc && b[k + 2] === 0xb4))) return true;
  }
  return false;
}
