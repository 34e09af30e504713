/**
 * XLSX exports. Every cell is written by hand with an explicit type: numbers as numeric
 * cells (so sums work), everything else as a string cell (`t: 's'`), never a formula.
 * Text is still neutralised with the CSV rule, so a copy-paste of a cell into another
 * sheet cannot start a formula either.
 */
import * as XLSX from '@e965/xlsx';
import { neutraliseFormula, type CsvValue } from './csv-out';

export interface XlsxOptions {
  /** Header row texts (the column names when not given). */
  headers?: readonly string[];
  /** Sheet name (Excel allows 31 characters). */
  sheet?: string;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One-sheet workbook of `rows`. `numeric` names the columns written as numbers when
 * their value is a number (or its plain decimal text); other values become text cells.
 */
export function toXlsx(
  columns: readonly string[], rows: readonly Record<string, CsvValue>[], numeric: ReadonlySet<string> = new Set(), opts: XlsxOptions = {},
): Uint8Array {
  const headers = opts.headers ?? columns;
  const ws: XLSX.WorkSheet = {};
  headers.forEach((h, c) => { ws[XLSX.utils.encode_cell({ r: 0, c })] = { t: 's', v: neutraliseFormula(h) }; });
  rows.forEach((row, i) => {
    columns.forEach((col, c) => {
      const cell = xlsxCell(row[col], numeric.has(col));
      if (cell) ws[XLSX.utils.encode_cell({ r: i + 1, c })] = cell;
    });
  });
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: rows.length, c: Math.max(0, columns.length - 1) } });
  ws['!cols'] = columns.map((_, c) => ({ wch: Math.min(60, Math.max(8, ...[headers[c] ?? '', ...rows.slice(0, 200).map((r) => String(r[columns[c]] ?? ''))].map(width))) }));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, (opts.sheet ?? 'Sheet1').slice(0, 31));
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer);
}

function xlsxCell(v: CsvValue, isNumeric: boolean): XLSX.CellObject | null {
  if (v === null || v === undefined || v === '') return null;
  if (isNumeric && typeof v === 'number' && Number.isFinite(v)) return { t: 'n', v };
  if (isNumeric && typeof v === 'string' && NUMBER.test(v)) return { t: 'n', v: Number(v) };
  return { t: 's', v: neutraliseFormula(String(v)) };
}

/** Display width of a text in character cells (CJK counts double). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return w + 1;
}
