/**
 * Delimited text → rows of strings. One hand-written RFC 4180 parser, single
 * pass over the text, slicing fields out of it instead of building them a
 * character at a time: exports reach 150 MB / 1M rows.
 *
 * Lenient where exports are sloppy, never lossy: a quote in the middle of an
 * unquoted field is kept literally, text after a closing quote is appended to
 * the field, and a quote that never closes runs to the end of the text (the
 * shape limits of {@link parseDelimitedBounded} stop that from growing without
 * bound).
 */

export type Delimiter = ',' | '\t' | ';';

const DELIMITERS: readonly Delimiter[] = [',', '\t', ';'];
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Records the sniffer looks at, and how much text it reads to find them. */
const SNIFF_RECORDS = 20;
const SNIFF_CHARS = 256 * 1024;

/**
 * Picks the delimiter of an export that did not say which it uses. Each
 * candidate parses the first non-empty records (quote-aware, so `"1,234.50"`
 * does not count); the one under which most records agree on the same field
 * count above 1 wins, then the one giving more fields, then `prior` (e.g. tab
 * for `.tsv`), then comma, tab, semicolon.
 */
export function sniffDelimiter(text: string, prior?: Delimiter): Delimiter {
  const sample = sniffSample(text);
  const order = prior ? [prior, ...DELIMITERS.filter((d) => d !== prior)] : DELIMITERS;
  let best: Delimiter = order[0];
  let bestAgree = 0;
  let bestFields = 0;
  for (const d of order) {
    const counts = parseDelimited(sample, d)
      .filter((r) => r.length > 1 || r[0] !== '')
      .slice(0, SNIFF_RECORDS)
      .map((r) => r.length)
      .filter((n) => n > 1);
    const { value, times } = mode(counts);
    if (times > bestAgree || (times === bestAgree && times > 0 && value > bestFields)) {
      best = d;
      bestAgree = times;
      bestFields = value;
    }
  }
  return best;
}

/** The head of the text, cut after a line break so the last record is whole (unless a quote spans the cut). */
function sniffSample(text: string): string {
  if (text.length <= SNIFF_CHARS) return text;
  const cut = Math.max(text.lastIndexOf('\n', SNIFF_CHARS), text.lastIndexOf('\r', SNIFF_CHARS));
  return text.slice(0, cut > 0 ? cut : SNIFF_CHARS);
}

function mode(values: number[]): { value: number; times: number } {
  const seen = new Map<number, number>();
  let value = 0;
  let times = 0;
  for (const v of values) {
    const t = (seen.get(v) ?? 0) + 1;
    seen.set(v, t);
    if (t > times || (t === times && v > value)) {
      value = v;
      times = t;
    }
  }
  return { value, times };
}

/** Hard limits on a text's shape, so a pathological file is refused instead of exhausting memory. */
export interface ShapeLimits {
  maxCellsPerRow: number;
  maxCellChars: number;
  /** Records, blank ones included; unbounded when absent. */
  maxRows?: number;
}

export type BoundedParse =
  | { ok: true; rows: string[][] }
  | { ok: false; limit: 'cells-per-row' | 'cell-chars' | 'rows'; row: number; size: number; max: number };

/**
 * Parses delimited text (RFC 4180 quoting; LF, CRLF and lone CR line endings,
 * mixed or not). A trailing line break ends the last record without adding an
 * empty one; blank lines inside the text stay as `['']` records, because the
 * table builder counts them.
 */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const parsed = parseDelimitedBounded(text, delimiter, { maxCellsPerRow: Infinity, maxCellChars: Infinity });
  if (!parsed.ok) throw new Error('unbounded parse hit a limit');
  return parsed.rows;
}

/**
 * {@link parseDelimited} that stops at the first row wider than
 * `maxCellsPerRow` or cell longer than `maxCellChars`; `row` is 1-based.
 */
export function parseDelimitedBounded(text: string, delimiter: string, limits: ShapeLimits): BoundedParse {
  if (delimiter.length !== 1) throw new Error(`delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const d = delimiter.charCodeAt(0);
  if (d === QUOTE || d === LF || d === CR) throw new Error('delimiter cannot be a quote or a line break');
  const { maxCellsPerRow, maxCellChars } = limits;
  const maxRows = limits.maxRows ?? Infinity;
  const n = text.length;
  const rows: string[][] = [];
  if (n === 0) return { ok: true, rows };

  // Cells are gathered in one scratch array and each record stored as an exact-size copy:
  // a fresh array per record reserves 17 slots, which made a 20 MB file of short records
  // (nothing but separators) cost 800 MB.
  const row: string[] = [];
  const finish = (): BoundedParse | null => {
    if (rows.length >= maxRows) return { ok: false, limit: 'rows', row: rows.length + 1, size: rows.length + 1, max: maxRows };
    rows.push(row.slice());
    row.length = 0;
    return null;
  };
  let i = 0;
  for (;;) {
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      // Quoted field: jump from quote to quote; a doubled quote is one literal quote.
      value = '';
      let start = i + 1;
      for (;;) {
        const q = text.indexOf('"', start);
        if (q === -1) {
          value += text.slice(start);
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(start, q + 1);
          start = q + 2;
          continue;
        }
        value += text.slice(start, q);
        i = q + 1;
        break;
      }
      const end = fieldEnd(text, i, d);
      if (end > i) value += text.slice(i, end);
      i = end;
    } else {
      const end = fieldEnd(text, i, d);
      value = text.slice(i, end);
      i = end;
    }

    if (value.length > maxCellChars) {
      return { ok: false, limit: 'cell-chars', row: rows.length + 1, size: value.length, max: maxCellChars };
    }
    row.push(value);
    if (row.length > maxCellsPerRow) {
      return { ok: false, limit: 'cells-per-row', row: rows.length + 1, size: row.length, max: maxCellsPerRow };
    }

    if (i >= n) return finish() ?? { ok: true, rows };
    const c = text.charCodeAt(i);
    if (c === d) {
      i++;
      continue;
    }
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    const over = finish();
    if (over) return over;
    if (i >= n) return { ok: true, rows };
  }
}

/** Index of the delimiter or line break that ends the unquoted run starting at `i` (or the text's length). */
function fieldEnd(text: string, i: number, d: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === d || c === LF || c === CR) return i;
    i++;
  }
  return n;
}
