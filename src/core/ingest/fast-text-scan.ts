/**
 * The JavaScript pre-pass of the text fast path (fast-text.ts): it walks the records exactly
 * as the row parser does, numbers them, counts blank and totals rows, and decides for each
 * record whether SQL or the row builder reads it.
 */
import { MAX_CELL_CHARS, MAX_CELLS_PER_ROW, MAX_ROWS } from './text-reader';
import { isTotalsRow } from './values';

/** Longest record handed to DuckDB (its line limit is a few MB); longer ones are flagged. */
export const MAX_FAST_RECORD_CHARS = 200_000;

/** What the pre-pass decided for a record below the header. */
export const SQL = 0;
export const JS = 1;
export const BLANK = 2;
export const TOTALS = 3;
/** The header and the rows above it. */
export const HEAD = 4;

/** What the pre-pass counts over the whole text, whether it sees it at once or piece by piece. */
export interface Tally {
  /** Records seen so far: the next record's number. */
  records: number;
  /** Most cells in a record SQL reads; in any record below the header. */
  widestSql: number;
  widestAll: number;
  blank: number;
  totals: number;
  /** Records for the builder, in order. */
  js: number[];
  /**
   * Every record is one line of the text ending the same way (LF or CRLF), none empty and
   * none that DuckDB could read differently: the text can go to DuckDB as it is, one row per
   * record, instead of being copied line by line.
   */
  verbatim: boolean;
  /** 0: none yet, 1: LF, 2: CRLF, 3: CR; the verbatim path needs one kind of line end. */
  lineEnd: number;
  /**
   * Columns (from 0) with a cell below the header that starts or ends with a space: only these
   * are trimmed in SQL. A space is the only character DuckDB's trim removes, and a cell with
   * any other whitespace `trim()` knows sends its record to the builder, so in every other
   * column SQL's text is already the trimmed one.
   */
  padded: number[];
}

/** The records of one text (or piece of it), numbered from `first`. */
export interface Piece {
  first: number;
  count: number;
  /** starts[k] .. ends[k]: record first + k in the text, without its line break. */
  starts: Int32Array;
  ends: Int32Array;
  /** SQL, JS, BLANK or TOTALS for each record below the header, HEAD above. */
  status: Uint8Array;
  /** Where the records seen end: the rest of a piece that is not the last is an unfinished record. */
  consumed: number;
}

export const newTally = (): Tally => ({ records: 0, widestSql: 0, widestAll: 0, blank: 0, totals: 0, js: [], verbatim: true, lineEnd: 0, padded: [] });

const QUOTE = 0x22;
const LF = 0x0a;
export const CR = 0x0d;

/**
 * Characters after which SQL's reading of a cell could differ from the builder's: whitespace
 * that JavaScript's `trim()` removes and SQL's does not, and the two letters whose lower case
 * is a different ASCII letter or sequence (`İ`, the Kelvin sign).
 */
export function isAwkward(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff || c === 0x130 || c === 0x212a;
}

/** Could this (trimmed, non-empty) first cell spell a totals word? Only then is it asked. */
export const TOTALS_HINT = /[计tTｔＴ]/;

/**
 * The records of a piece as a pre-pass finds them (over a text or its UTF-8 bytes, the offsets
 * in its units): where each is, and who reads it, counted into the tally. `isTotals` is asked
 * only for a clean record's first non-empty cell.
 */
export class Records {
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private status = new Uint8Array(1024);
  private count = 0;
  private readonly first: number;

  constructor(
    private readonly tally: Tally, private readonly headerRow: number,
    private readonly isTotals: (start: number, end: number) => boolean,
  ) {
    this.first = tally.records;
  }

  /** The record ended by a line break of this kind: 1 LF, 2 CRLF, 3 CR (verbatim needs one kind, not CR). */
  lineEnd(kind: number): void {
    const { tally } = this;
    if (tally.lineEnd === 0) tally.lineEnd = kind;
    if (kind !== tally.lineEnd || kind === 3) tally.verbatim = false;
  }

  /**
   * The next record: start..end without its line break, its cells, whether one is flagged, its
   * first non-empty cell, a cell beyond the header, the columns where a cell starts or ends with
   * a space (or null).
   */
  add(start: number, end: number, fields: number, flagged: boolean, firstStart: number, firstEnd: number, beyond: boolean, padded: number[] | null): void {
    const { tally } = this;
    const records = tally.records;
    if (padded && records > this.headerRow) for (const col of padded) if (!tally.padded.includes(col)) tally.padded.push(col);
    if (this.count === this.starts.length) {
      const grow = <A extends Int32Array | Uint8Array>(a: A): A => { const g = new (a.constructor as new (k: number) => A)(a.length * 2); g.set(a); return g; };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.status = grow(this.status);
    }
    const k = this.count;
    this.starts[k] = start;
    this.ends[k] = end;
    const long = end - start > MAX_FAST_RECORD_CHARS;
    if (flagged || end === start || long) tally.verbatim = false;
    if (records <= this.headerRow) this.status[k] = HEAD;
    else {
      if (fields > tally.widestAll) tally.widestAll = fields;
      if (flagged || long) {
        this.status[k] = JS;
        tally.js.push(records);
      } else if (firstStart < 0) {
        this.status[k] = BLANK;
        tally.blank++;
      } else if (this.isTotals(firstStart, firstEnd)) {
        this.status[k] = TOTALS;
        tally.totals++;
      } else if (beyond) {
        this.status[k] = JS;
        tally.js.push(records);
      } else {
        this.status[k] = SQL;
        if (fields > tally.widestSql) tally.widestSql = fields;
      }
    }
    tally.records++;
    this.count++;
  }

  piece(consumed: number): Piece {
    return { first: this.first, count: this.count, starts: this.starts, ends: this.ends, status: this.status, consumed };
  }
}

/**
 * Walks every record as parseDelimitedBounded does and decides, for each record below the
 * header, who reads it: blank and totals rows are counted here, rows DuckDB could read
 * differently (or with a non-empty cell beyond the header) go to the builder, the rest to
 * SQL. Records are numbered on from `tally.records`, and counted into the tally. A piece that
 * is not the last leaves its unfinished record (one reaching its end) to the next. Null when
 * the text is beyond the row parser's limits (it then refuses it); the row limit is kept only
 * for a text read whole, which the row parser must be able to take.
 */
export function scanRecords(
  text: string, delimiter: string, headerRow: number, width: number, tally: Tally, final: boolean, limitRows: boolean,
): Piece | null {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  const found = new Records(tally, headerRow, (start, end) => isTotalsCell(text, start, end));
  let consumed = 0;
  let i = 0;
  while (i < n) {
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
      if (text.charCodeAt(i) === QUOTE) {
        textStart = i + 1;
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) { flagged = true; j = n; break; }
          textEnd = q;
          for (let k = j; k < q; k++) {
            const c = text.charCodeAt(k);
            if (c < 0x20 || (c >= 0x80 && isAwkward(c))) { flagged = true; break; }
            if (c !== 0x20) content = true;
          }
          if (text.charCodeAt(q + 1) === QUOTE) { content = true; j = q + 2; continue; }
          j = q + 1;
          break;
        }
        i = j;
        // Text after the closing quote: the row parser appends it; DuckDB would not.
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          flagged = true;
          i++;
        }
      } else {
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          if (c < 0x20 || c === QUOTE || (c >= 0x80 && isAwkward(c))) flagged = true;
          if (c !== 0x20) content = true;
          i++;
        }
        textEnd = i;
      }
      if (textEnd > textStart && (text.charCodeAt(textStart) === 0x20 || text.charCodeAt(textEnd - 1) === 0x20)) (padded ??= []).push(fields);
      if (i - fieldStart > MAX_CELL_CHARS) return null;
      if (content) {
        if (firstStart < 0) { firstStart = fieldStart; firstEnd = i; }
        if (fields >= width) beyond = true;
      }
      fields++;
      if (fields > MAX_CELLS_PER_ROW) return null;
      if (i < n && text.charCodeAt(i) === d) { i++; continue; }
      break;
    }
    const end = i;
    if (i >= n && !final) break;
    if (i < n) {
      const crlf = text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF;
      found.lineEnd(crlf ? 2 : text.charCodeAt(i) === LF ? 1 : 3);
      i += crlf ? 2 : 1;
    }
    if (limitRows && tally.records >= MAX_ROWS) return null;
    found.add(start, end, fields, flagged, firstStart, firstEnd, beyond, padded);
    consumed = i;
  }
  return found.piece(final ? n : consumed);
}

/** The first non-empty cell of a clean record (plain or quoted) names a totals row. */
function isTotalsCell(text: string, start: number, end: number): boolean {
  const cell = text.slice(start, end);
  return TOTALS_HINT.test(cell) && totalsCell(cell);
}

/** A clean cell as written (plain, or quoted with doubled quotes) names a totals row. */
export function totalsCell(written: string): boolean {
  const cell = written.charCodeAt(0) === QUOTE ? written.slice(1, -1).replaceAll('""', '"') : written;
  return isTotalsRow([cell]);
}
