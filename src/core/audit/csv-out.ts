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
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => cell(row[c], numeric.has(c))).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

function cell(v: CsvValue, isNumeric: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (isNumeric && /^-?\d+(\.\d+)?$/.test(v)) return v;
  return quote(neutraliseFormula(v));
}
