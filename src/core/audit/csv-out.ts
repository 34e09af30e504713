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

const NEEDS_QUOTES = /[",\r\n]/;

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
  const isNumeric = columns.map((c) => numeric.has(c));
  let lines = ['\uFEFF' + columns.map(quote).join(',')];
  const cells: string[] = new Array(columns.length);
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) cells[i] = cell(row[columns[i]], isNumeric[i]);
    lines.push(cells.join(','));
    if (lines.length >= PART_ROWS) {
      parts.push(lines.join('\r\n') + '\r\n');
      lines = [];
    }
  }
  if (lines.length > 0 || parts.length === 0) parts.push(lines.join('\r\n') + '\r\n');
  return parts;
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

function cell(v: CsvValue, isNumeric: boolean): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return String(v);
  if (isNumeric && PLAIN_NUMBER.test(v)) return v;
  const c = v.charCodeAt(0);
  // = + - @ tab CR start a formula (neutraliseFormula); checked by code here, once per cell of millions.
  const formula = c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
  return quote(formula ? `'${v}` : v);
}
