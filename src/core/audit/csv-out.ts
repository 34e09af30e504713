/**
 * CSV text for exports. Text cells that a spreadsheet would run as a formula
 * (leading = + - @, tab, carriage return: OWASP "CSV injection") are prefixed with an
 * apostrophe; columns declared numeric stay numbers, so real negative amounts survive.
 */

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralise a text cell that would start a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Render rows as CSV (CRLF line ends, UTF-8 BOM so Excel opens Chinese text right).
 * `numeric` names the columns whose values are numbers: those are written as-is when
 * they look like a number, and neutralised like text otherwise.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[], numeric: ReadonlySet<string> = new Set()): string {
  return toCsvParts(columns, rows, numeric).join('');
}

/** Rows per part of toCsvParts. */
const PART_ROWS = 50_000;

/**
 * toCsv as consecutive parts of whole lines (joined, they are toCsv's text): millions of
 * findings make more text than one JavaScript string holds, and a part at a time can be
 * written and hashed. Rows may come from a generator, so they need not all exist at once.
 */
export function toCsvParts(columns: readonly string[], rows: Iterable<Record<string, CsvValue>>, numeric: ReadonlySet<string> = new Set()): string[] {
  const parts: string[] = [];
  let lines = ['\uFEFF' + columns.map(quote).join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => cell(row[c], numeric.has(c))).join(','));
    if (lines.length >= PART_ROWS) {
      parts.push(lines.join('\r\n') + '\r\n');
      lines = [];
    }
  }
  if (lines.length > 0 || parts.length === 0) parts.push(lines.join('\r\n') + '\r\n');
  return parts;
}

function cell(v: CsvValue, isNumeric: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (isNumeric && /^-?\d+(\.\d+)?$/.test(v)) return v;
  return quote(neutraliseFormula(v));
}
