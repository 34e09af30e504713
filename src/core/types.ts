/** Shared vocabulary of the core. Pure types: no runtime code lives here. */

export type Lang = 'zh' | 'en';
export type Text = { zh: string; en: string };

export type SlipTypeId =
  | 'fg_receipt' | 'outbound' | 'exit_pass' | 'price_list' | 'outsource_issue' | 'outsource_return'
  | 'purchase_receipt' | 'requisition' | 'sales_return' | 'shipment' | 'stock_count' | 'service_call';

/** How a cell's text becomes a value (SLIPS.md §2). */
export type FieldKind = 'text' | 'date' | 'datetime' | 'number' | 'duration' | 'flag' | 'signature' | 'enum';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  required?: boolean;
  aliases: readonly string[];
  /** enum only: canonical value → accepted spellings (matched case-insensitively). */
  values?: Readonly<Record<string, readonly string[]>>;
  /** enum only: the value an empty cell stands for. */
  emptyValue?: string;
}

export interface SlipTypeDef {
  id: SlipTypeId;
  label: Text;
  clause: string;
  /** The field that keys a finding on this type (RULES.md "finding key"). */
  key: string;
  /** The field the default as-of date is taken from; null when the type has none. */
  primaryDate: string | null;
  fields: readonly FieldDef[];
}

/**
 * One cell as a reader hands it over. Text files give strings only; Excel readers
 * give numbers for numeric cells and ISO strings (`YYYY-MM-DD` or
 * `YYYY-MM-DD HH:MM:SS`) for date-formatted cells.
 */
export type Cell = string | number | null;

/** A rectangular-ish grid of cells (rows may be ragged) with where it came from. */
export interface RawTable {
  /** File base name. */
  file: string;
  /** Sheet name for workbooks; '' for single-table files. */
  sheet: string;
  /** e.g. 'utf-8', 'utf-8-bom', 'gb18030', 'utf-16le', 'xlsx', 'xls (BIFF8)'. */
  encoding: string;
  rows: Cell[][];
  /** Excel workbooks using the 1904 date system: numeric date cells count from 1904-01-01. */
  date1904?: boolean;
  /** The sheet is hidden in the workbook. */
  hidden?: boolean;
}

/** Why a whole file or sheet was not loaded. `code` is stable; `detail` carries parameters. */
export interface Refusal {
  code:
    | 'password-protected' | 'corrupt' | 'unsupported-format' | 'empty' | 'no-table' | 'too-large'
    | 'unknown-type' | 'ambiguous-type' | 'missing-columns' | 'xml-bomb' | 'not-text' | 'duplicate';
  detail?: Record<string, string | number | string[]>;
}

/** What reading a file gave: its tables, or a refusal. Sheets with nothing in them are listed as skipped. */
export type ReadResult =
  | { ok: true; tables: RawTable[]; skippedSheets: { sheet: string; reason: string }[] }
  | { ok: false; refusal: Refusal };

export type DateOrder = 'ymd' | 'dmy' | 'mdy';

export interface ParseOptions {
  /** How to read `03/04/2025`; undefined = reject as ambiguous. */
  dateOrder?: DateOrder;
  /** Excel 1904 date system for numeric date cells. */
  date1904?: boolean;
}

/**
 * A parsed value in its normalised text form, ready for a typed column:
 * date `YYYY-MM-DD`, datetime `YYYY-MM-DD HH:MM:SS`, number a plain decimal string,
 * flag `true`/`false`, enum its canonical value, text/signature trimmed text.
 * `null` = missing (empty, placeholder).
 */
export type ParsedValue =
  | { ok: true; value: string | null }
  | { ok: false; reason: string };

/** One rejected row or kept-but-unreadable cell (SLIPS.md §4). */
export interface Reject {
  source_file: string;
  sheet: string;
  /** Row as a spreadsheet shows it: 1-based, header counted. */
  source_row: number;
  column: string;
  value: string;
  /** Starts with `kept:` when the row was loaded with that field empty. */
  reason: string;
}
