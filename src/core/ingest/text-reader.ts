/**
 * Reads a delimited text export (`.csv`, `.tsv`, `.txt`) into one raw table:
 * decode, sniff the delimiter, parse. Cells are handed over exactly as they
 * were written — trimming, blank rows and totals rows are the table builder's
 * business, because it counts them.
 */
import type { ReadResult, Refusal } from '../types';
import { decodeText, type TextEncodingName } from './decode';
import { type Delimiter, parseDelimitedBounded, sniffDelimiter } from './csv';
import { isBlankRow } from './values';

/** Wider than any Excel sheet (16,384 columns): not a slip table. */
export const MAX_CELLS_PER_ROW = 16_384;
/** Longer than any real cell; usually a quote that never closes. */
export const MAX_CELL_CHARS = 1_000_000;
/**
 * Past this many records the rule queries no longer fit the browser's DuckDB
 * (STACK-NOTES: 5M rows is the measured ceiling), and the parsed rows alone take
 * gigabytes: refused as too large rather than crashing the page.
 */
export const MAX_ROWS = 5_000_000;

/**
 * Turns a text export into a table or a refusal (binary, empty, absurd shape)
 * without hanging: the parse stops at the first row or cell beyond the limits.
 */
export function readTextFile(name: string, bytes: Uint8Array): ReadResult {
  const prepared = prepareText(name, bytes);
  if (!prepared.ok) return prepared;
  const { text, delimiter } = prepared;

  const parsed = parseDelimitedBounded(text, delimiter, { maxCellsPerRow: MAX_CELLS_PER_ROW, maxCellChars: MAX_CELL_CHARS, maxRows: MAX_ROWS });
  if (!parsed.ok) {
    return {
      ok: false,
      refusal: { code: 'too-large', detail: { limit: parsed.limit, row: parsed.row, size: parsed.size, max: parsed.max } },
    };
  }
  if (parsed.rows.every(isBlankRow)) return { ok: false, refusal: { code: 'empty' } };

  return {
    ok: true,
    tables: [{ file: baseName(name), sheet: '', encoding: prepared.encoding, rows: parsed.rows }],
    skippedSheets: [],
  };
}

/** A text export decoded, with its `sep=` line removed and its delimiter known: what every reader of it starts from. */
export type PreparedText =
  | {
    ok: true; text: string; delimiter: Delimiter; encoding: TextEncodingName;
    /** The file's bytes are exactly `text` in UTF-8 (UTF-8 without a BOM or a `sep=` line). */
    utf8Bytes: boolean;
  }
  | { ok: false; refusal: Refusal };

/** Decode and find the delimiter; shared by the row parser here and the loader's bulk path, so both read the same records. */
export function prepareText(name: string, bytes: Uint8Array): PreparedText {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;

  const start = textStart(name, decoded.text);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return {
    ok: true, text: decoded.text.slice(start.skip), delimiter: start.delimiter, encoding: decoded.encoding,
    utf8Bytes: decoded.encoding === 'utf-8' && !bom && start.skip === 0,
  };
}

/**
 * Where the records start (after a `sep=` line) and their delimiter, from the head of the
 * decoded text: the whole text, or its first million characters when it is read piece by piece.
 */
export function textStart(name: string, head: string): { skip: number; delimiter: Delimiter } {
  // Excel writes and honours a first line `sep=;`; Excel does not show it, so neither do we.
  const directive = /^sep=([,;\t])(?:\r\n|\r|\n|$)/.exec(head.slice(0, 8));
  if (directive) return { skip: directive[0].length, delimiter: directive[1] as Delimiter };
  return { skip: 0, delimiter: sniffDelimiter(head, /\.(tsv|txt|tab)$/i.test(name) ? '\t' : undefined) };
}

export function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
