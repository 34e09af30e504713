/**
 * Turn a raw table into parsed slip rows, accounting for every row below the header
 * (SLIPS.md §4): each is loaded, rejected with a reason, or counted as blank or totals.
 */
import type { Cell, FieldDef, FieldKind, ParseOptions, ParsedValue, RawTable, Reject, SlipTypeId } from '../types';
import type { ParsedRows } from '../audit/tables';
import type { ColumnMap } from './header';
import { cellText } from './header';
import { slipTypeDef } from '../schema/slip-types';
import { isBlankRow, isTotalsRow, parseValue } from './values';

export interface BuildCounts {
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_blank: number;
  rows_totals: number;
}

export interface BuildResult {
  rows: ParsedRows;
  rejects: Reject[];
  counts: BuildCounts;
}

/** Spreadsheet column letters for a 0-based index (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * Parse every row under `headerRow` (0-based index into table.rows) with the column map.
 * Text tables reject rows with non-empty cells beyond the header (a shifted row); workbook
 * cells beyond the header are kept with the row as extras.
 */
export function buildRows(
  table: RawTable, type: SlipTypeId, headerRow: number, headers: readonly string[], columns: ColumnMap, opts: ParseOptions,
): BuildResult {
  const def = slipTypeDef(type);
  if (!def) throw new Error(`buildRows: unknown slip type ${type}`);
  const parseOpts: ParseOptions = { ...opts, date1904: table.date1904 };
  const isText = table.sheet === '' && !/^(xls|xlsx|xlsb|ods|html|spreadsheetml)/.test(table.encoding);
  const width = lastNonEmpty(table.rows[headerRow]) + 1;

  const mapped: { col: number; field: FieldDef; header: string; cache: Map<Cell, ParsedValue> | null }[] = [];
  columns.forEach((name, col) => {
    const field = name ? def.fields.find((f) => f.name === name) : undefined;
    if (field) mapped.push({ col, field, header: headers[col] ?? field.name, cache: REPEATING.has(field.kind) ? new Map() : null });
  });
  const missingRequired = def.fields.filter((f) => f.required && !mapped.some((m) => m.field === f));
  const extraCols: { col: number; key: string }[] = [];
  const keys = new Set<string>();
  for (let col = 0; col < width; col++) {
    if (columns[col]) continue;
    const key = extraKey((headers[col] ?? '').trim(), col, keys);
    keys.add(key);
    extraCols.push({ col, key });
  }

  const out: Record<string, (string | null)[]> = {};
  for (const f of def.fields) out[f.name] = [];
  const sourceRow: number[] = [];
  const extras: (string | null)[] = [];
  const rejects: Reject[] = [];
  const counts: BuildCounts = { rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_blank: 0, rows_totals: 0 };

  for (let r = headerRow + 1; r < table.rows.length; r++) {
    const cells = table.rows[r] ?? [];
    const rowNo = r + 1;
    counts.rows_read++;
    if (isBlankRow(cells)) { counts.rows_blank++; continue; }
    if (isTotalsRow(cells)) { counts.rows_totals++; continue; }

    const rowRejects: Reject[] = [];
    const reject = (column: string, value: Cell | undefined, reason: string) =>
      rowRejects.push({ source_file: table.file, sheet: table.sheet, source_row: rowNo, column, value: cellText(value), reason });

    let beyond = -1;
    for (let c = width; c < cells.length; c++) if (cellText(cells[c]).trim() !== '') { beyond = c; break; }
    if (isText && beyond >= 0) {
      reject(columnLetter(beyond), cells[beyond], 'cell beyond the last header column (shifted row?)');
    }

    const values: Record<string, string | null> = {};
    const kept: Reject[] = [];
    for (const { col, field, header, cache } of mapped) {
      const raw = cells[col];
      let parsed = cache && raw !== null && raw !== undefined ? cache.get(raw) : undefined;
      if (!parsed) {
        parsed = parseValue(field, raw ?? null, parseOpts);
        if (cache && raw !== null && raw !== undefined && cache.size < MAX_CACHED) cache.set(raw, parsed);
      }
      if (!parsed.ok && field.kind === 'enum' && !field.required) {
        // SLIPS.md §2: an unknown value of an optional enumeration is kept as it is.
        values[field.name] = cellText(raw).trim();
      } else if (!parsed.ok) {
        if (field.required) reject(header, raw, parsed.reason);
        else kept.push({ source_file: table.file, sheet: table.sheet, source_row: rowNo, column: header, value: cellText(raw), reason: `kept: ${parsed.reason}` });
        values[field.name] = null;
      } else {
        values[field.name] = parsed.value;
        if (field.required && parsed.value === null) reject(header, raw, 'required value missing');
      }
    }
    for (const f of missingRequired) reject(f.name, '', 'required column missing');

    if (rowRejects.length > 0) {
      counts.rows_rejected++;
      rejects.push(...rowRejects);
      continue;
    }
    counts.rows_loaded++;
    rejects.push(...kept);
    for (const f of def.fields) out[f.name].push(values[f.name] ?? null);
    sourceRow.push(rowNo);
    extras.push(extrasJson(cells, extraCols, width));
  }

  return {
    rows: { type, count: sourceRow.length, columns: out, source_file: table.file, sheet: table.sheet, source_row: sourceRow, extras },
    rejects,
    counts,
  };
}

/**
 * Kinds whose cells repeat (flags, enumerations, names, dates): each column keeps what each
 * distinct cell read as, up to MAX_CACHED cells, so a million rows parse a few hundred texts.
 */
const REPEATING = new Set<FieldKind>(['flag', 'enum', 'signature', 'date', 'datetime', 'duration']);
const MAX_CACHED = 50_000;

/** Longest header kept as an extras key; every row repeats it, so a huge header cell must not. */
const MAX_EXTRA_KEY = 100;

/**
 * The key an unknown column goes under in a row's extras: its header, or its column
 * letter when it has none. Two columns under one header (`备注`, `备注`) both stay, the
 * later one marked with its letter; a header longer than any real one is cut.
 */
export function extraKey(header: string, col: number, taken: ReadonlySet<string>): string {
  let key = header === '' ? columnLetter(col) : header;
  if (key.length > MAX_EXTRA_KEY) key = `${key.slice(0, MAX_EXTRA_KEY)}…`;
  return taken.has(key) ? `${key} (${columnLetter(col)})` : key;
}

/** Unknown columns of a row as a JSON object (header → text); workbook cells beyond the header by column letter. */
function extrasJson(cells: readonly Cell[], extraCols: readonly { col: number; key: string }[], width: number): string | null {
  const obj: Record<string, string> = {};
  let any = false;
  for (const { col, key } of extraCols) {
    const v = cellText(cells[col]).trim();
    if (v !== '') { obj[key] = v; any = true; }
  }
  for (let c = width; c < cells.length; c++) {
    const v = cellText(cells[c]).trim();
    if (v !== '') { obj[Object.hasOwn(obj, columnLetter(c)) ? `(${columnLetter(c)})` : columnLetter(c)] = v; any = true; }
  }
  return any ? JSON.stringify(obj) : null;
}

function lastNonEmpty(cells: readonly Cell[] | undefined): number {
  if (!cells) return -1;
  for (let i = cells.length - 1; i >= 0; i--) if (cellText(cells[i]).trim() !== '') return i;
  return -1;
}
