/**
 * Reads a delimited text export (`.csv`, `.tsv`, `.txt`) into one raw table:
 * decode, sniff the delimiter, parse. Cells are handed over exactly as they
 * were written — trimming, blank rows and totals rows are the table builder's
 * business, because it counts them.
 */
import type { ReadResult } from '../types';
import { decodeText } from './decode';
import { type Delimiter, parseDelimitedBounded, sniffDelimiter } from './csv';
import { isBlankRow } from './values';

/** Wider than any Excel sheet (16,384 columns): not a slip table. */
const MAX_CELLS_PER_ROW = 16_384;
/** Longer than any real cell; usually a quote that never closes. */
const MAX_CELL_CHARS = 1_000_000;
/**
 * Past this many records the rule queries no longer fit the browser's DuckDB
 * (STACK-NOTES: 5M rows is the measured ceiling), and the parsed rows alone take
 * gigabytes: refused as too large rather than crashing the page.
 */
const MAX_ROWS = 5_000_000;

/**
 * Turns a text export into a table or a refusal (binary, empty, absurd shape)
 * without hanging: the parse stops at the first row or cell beyond the limits.
 */
export function readTextFile(name: string, bytes: Uint8Array): ReadResult {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;

  let text = decoded.text;
  let delimiter: Delimiter;
  // Excel writes and honours a first line `sep=;`; Excel does not show it, so neither do we.
  const directive = /^sep=([,;\t])(?:\r\n|\r|\n|$)/.exec(text.slice(0, 8));
  if (directive) {
    delimiter = directive[1] as Delimiter;
    text = text.slice(directive[0].length);
  } else {
    delimiter = sniffDelimiter(text, /\.(tsv|txt|tab)$/i.test(name) ? '\t' : undefined);
  }

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
    tables: [{ file: baseName(name), sheet: '', encoding: decoded.encoding, rows: parsed.rows }],
    skippedSheets: [],
  };
}

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
