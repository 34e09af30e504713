/**
 * Cell → normalised value, per field kind (SLIPS.md §2), plus the small
 * predicates the table builder needs about headers and rows.
 *
 * Every parser is strict in what it produces and lenient only in ways that
 * cannot change a value: full-width digits and punctuation, currency marks,
 * grouping commas. Anything else that does not read cleanly comes back as
 * `{ ok: false, reason }` — never a guess.
 *
 * Reasons are short English codes (`invalid date`, `ambiguous date (set the
 * date order)`, `invalid number`, `unknown value for sale_type`…); the raw
 * value travels beside them in the reject record.
 */
import type { Cell, FieldDef, ParseOptions, ParsedValue } from '../types';

// ---------------------------------------------------------------------------
// Shared text helpers

const FULL_WIDTH = /[\uff01-\uff5e\u3000\uffe5]/;

/**
 * Maps full-width ASCII (`１２３`, `，`, `．`, `（`, `：`, `Ｎ／Ａ`), the ideographic
 * space and `￥` to their half-width forms. Cheaper than NFKC and touches
 * nothing else, so CJK text is left exactly as typed.
 */
function toHalfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else if (c === 0xffe5) out += '¥';
    else out += s[i];
  }
  return out;
}

/** Trimmed, half-width, lower-case: the form flags, placeholders and enum spellings are compared in. */
function matchKey(s: string): string {
  return toHalfWidth(s).trim().toLowerCase();
}

/**
 * A reason is a stable English code without the raw value: the reject record
 * carries the value in its own column, and a code can be translated.
 */
function fail(reason: string): ParsedValue {
  return { ok: false, reason };
}

/** A cell as text: numbers in their plain decimal form (a slip number stored as a number stays `12`, not `1.2e1`). */
function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? plainDecimal(cell) : String(cell);
  return cell;
}

/** Only dashes: `-`, `--`, `—`, `——`, `–`, `－` (full-width is folded before). */
const DASHES = /^[-\u2010-\u2015]+$/;

// ---------------------------------------------------------------------------
// Headers and rows

/**
 * Header cells and aliases are compared in this form (SLIPS.md §3): trimmed,
 * case-folded, without any whitespace or `*` (required-field markers), without
 * one trailing colon. Full-width forms are folded too, so `通话时长（秒）`
 * matches the alias `通话时长(秒)`.
 */
export function normaliseHeader(s: string): string {
  return toHalfWidth(s).toLowerCase().replace(/[\s*]+/g, '').replace(/:$/, '');
}

/** A row of nothing but empty or whitespace-only cells: skipped and counted, never a slip. */
export function isBlankRow(cells: Cell[]): boolean {
  for (const c of cells) {
    if (c === null) continue;
    if (typeof c === 'number' || c.trim() !== '') return false;
  }
  return true;
}

const TOTALS = new Set(['合计', '小计', '总计', 'total', 'subtotal', 'grandtotal']);

/**
 * A totals line under the slips (`合计`, `小计`, `总计`, `Total`, `Subtotal`,
 * optionally with a colon, and with the letter-spacing ERP reports like `合　计`).
 */
export function isTotalsRow(cells: Cell[]): boolean {
  for (const c of cells) {
    if (c === null) continue;
    if (typeof c === 'number') return false;
    const t = c.trim();
    if (t === '') continue;
    return TOTALS.has(normaliseHeader(t));
  }
  return false;
}

// ---------------------------------------------------------------------------
// Entry point

/**
 * Reads one cell as the given field's kind. `value: null` means missing (empty
 * or a placeholder), which rules treat as absent; `ok: false` means the cell
 * holds something unreadable, which the table builder turns into a row error
 * (required field) or a `kept:` reject (optional field).
 */
export function parseValue(field: FieldDef, cell: Cell, opts: ParseOptions): ParsedValue {
  switch (field.kind) {
    case 'text':
      return parseText(cell);
    case 'signature':
      return parseSignature(cell);
    case 'flag':
      return parseFlag(cell);
    case 'enum':
      return parseEnum(field, cell);
    case 'number':
      return parseNumber(cell);
    case 'duration':
      return parseDuration(cell);
    case 'date':
      return parseDateLike(cell, opts, false);
    case 'datetime':
      return parseDateLike(cell, opts, true);
  }
}

// ---------------------------------------------------------------------------
// text, signature, flag, enum

function parseText(cell: Cell): ParsedValue {
  const t = cellText(cell).trim();
  return { ok: true, value: t === '' ? null : t };
}

/**
 * What ERP users put in a signature column when nobody signed. The contract's
 * list, plus the long forms `未签字`, `待签字`, `待审核` and any run of dashes.
 */
const PLACEHOLDERS = new Set(['', '/', '无', 'n/a', 'na', 'null', '未签', '待签', '待审', '未签字', '待签字', '待审核']);

function parseSignature(cell: Cell): ParsedValue {
  const t = cellText(cell).trim();
  const key = matchKey(t);
  if (PLACEHOLDERS.has(key) || DASHES.test(key)) return { ok: true, value: null };
  return { ok: true, value: t };
}

/**
 * The contract's spellings, plus unambiguous variants (heavy check marks and
 * crosses, `已签`, `未审核`, `不合格`).
 */
const FLAG_YES = new Set([
  '是', 'y', 'yes', 'true', '1', '√', '✓', '✔', '已', '有', '已盖章', '合格', '已确认', '已审核', '已回签', '已签', '已签字',
]);
const FLAG_NO = new Set([
  '否', 'n', 'no', 'false', '0', '×', '✗', '✘', '无', '未', '未盖章', '未确认', '未审核', '未回签', '未签', '不合格',
]);

/**
 * Empty is "no" (SLIPS.md §2). A text that is neither yes nor no is reported
 * rather than silently read as no, so the auditor sees it in the rejects list
 * (`kept:`) — the rules then see the flag as missing, i.e. not yes.
 */
function parseFlag(cell: Cell): ParsedValue {
  const key = matchKey(cellText(cell));
  if (key === '') return { ok: true, value: 'false' };
  if (FLAG_YES.has(key)) return { ok: true, value: 'true' };
  if (FLAG_NO.has(key)) return { ok: true, value: 'false' };
  return fail('unknown flag value');
}

/** Spelling (in match form) → canonical value, built once per enum field: a column is a million cells. */
const spellingsOf = new WeakMap<FieldDef, Map<string, string>>();

function enumSpellings(field: FieldDef): Map<string, string> {
  let map = spellingsOf.get(field);
  if (!map) {
    map = new Map();
    for (const [canonical, spellings] of Object.entries(field.values ?? {})) {
      for (const s of [canonical, ...spellings]) if (!map.has(matchKey(s))) map.set(matchKey(s), canonical);
    }
    spellingsOf.set(field, map);
  }
  return map;
}

function parseEnum(field: FieldDef, cell: Cell): ParsedValue {
  const key = matchKey(cellText(cell));
  if (key === '') return { ok: true, value: field.emptyValue ?? null };
  const canonical = enumSpellings(field).get(key);
  return canonical === undefined ? fail(`unknown value for ${field.name}`) : { ok: true, value: canonical };
}

// ---------------------------------------------------------------------------
// numbers

/**
 * A JavaScript number as the shortest decimal that reads back as the same
 * double (what `String(n)` prints), but never in exponent notation.
 */
function plainDecimal(n: number): string {
  if (n === 0) return '0';
  const s = String(n);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const [int, frac = ''] = mantissa.split('.');
  return canonicalDecimal(neg, int, frac, Number(s.slice(e + 1)));
}

/**
 * The canonical text of sign × int.frac × 10^exp: no leading zeros, no trailing
 * fractional zeros, no `-0`. Done on the digits, so nothing is lost to binary
 * floating point (`1234.50` stays exactly 1234.5).
 */
function canonicalDecimal(neg: boolean, int: string, frac: string, exp = 0): string {
  let digits = int + frac;
  let point = int.length + exp;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits += '0'.repeat(point - digits.length);
  }
  const whole = digits.slice(0, point).replace(/^0+/, '') || '0';
  const fraction = digits.slice(point).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return neg && text !== '0' ? `-${text}` : text;
}

const NUMBER_BODY = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?(?:e([-+]?\d{1,3}))?$/i;
const CURRENCY_PREFIX = /^(?:¥|rmb|cny)\s*/i;

/** Parses a decimal as typed in exports; returns its canonical text, or null when it is not one. */
function readDecimal(input: string): string | null {
  let s = toHalfWidth(input).trim().replace(/\s+/g, ' ');
  let neg = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    neg = true;
    s = paren[1].trim();
  }
  s = s.replace(CURRENCY_PREFIX, '');
  if (s.startsWith('-') || s.startsWith('+')) {
    if (neg && s[0] === '-') return null;
    neg = neg || s[0] === '-';
    s = s.slice(1).trim().replace(CURRENCY_PREFIX, '');
  }
  s = s.replace(/\s*元$/, '');
  const m = NUMBER_BODY.exec(s);
  if (!m) return null;
  const int = m[1].replace(/,/g, '');
  const frac = m[2] ?? '';
  if (int === '' && frac === '') return null;
  return canonicalDecimal(neg, int, frac, m[3] ? Number(m[3]) : 0);
}

/** Empty, `-` or `—` (any run of dashes): no value (SLIPS.md §2). */
function isNoValue(s: string): boolean {
  const t = toHalfWidth(s).trim();
  return t === '' || DASHES.test(t);
}

/**
 * Integer digits a typed column holds: number and duration columns are
 * DECIMAL(18,4) (src/core/audit/tables.ts). A larger value is refused here as
 * a cell problem rather than failing the whole load.
 */
const MAX_INTEGER_DIGITS = 14;

function fitsColumn(value: string): boolean {
  const point = value.indexOf('.');
  const whole = (point === -1 ? value : value.slice(0, point)).replace('-', '');
  return whole.length <= MAX_INTEGER_DIGITS;
}

/** Already canonical (`10`, `-3.25`): most cells of a clean export, returned as they are. */
const CANONICAL = /^-?(?:0|[1-9]\d{0,13})(?:\.\d*[1-9])?$/;

function parseNumber(cell: Cell): ParsedValue {
  if (typeof cell === 'string' && CANONICAL.test(cell) && cell !== '-0') return { ok: true, value: cell };
  if (cell === null || (typeof cell === 'string' && isNoValue(cell))) return { ok: true, value: null };
  const value = typeof cell === 'number' ? (Number.isFinite(cell) ? plainDecimal(cell) : null) : readDecimal(cell);
  if (value === null) return fail('invalid number');
  return fitsColumn(value) ? { ok: true, value } : fail('number out of range');
}

// ---------------------------------------------------------------------------
// durations

const CLOCK = /^(?:(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)|(\d+):([0-5]?\d(?:\.\d+)?))$/;

/** Seconds from a plain number of seconds, `mm:ss` or `h:mm:ss`. */
function parseDuration(cell: Cell): ParsedValue {
  if (cell === null || (typeof cell === 'string' && isNoValue(cell))) return { ok: true, value: null };
  const value = typeof cell === 'number' ? (Number.isFinite(cell) ? plainDecimal(cell) : null) : readSeconds(cell);
  if (value === null || value.startsWith('-')) return fail('invalid duration');
  return fitsColumn(value) ? { ok: true, value } : fail('duration out of range');
}

function readSeconds(text: string): string | null {
  const s = toHalfWidth(text).trim();
  const clock = CLOCK.exec(s);
  if (!clock) return readDecimal(s);
  const [h, m, sec] = clock[1] !== undefined ? [clock[1], clock[2], clock[3]] : ['0', clock[4], clock[5]];
  const [secInt, secFrac = ''] = sec.split('.');
  const whole = Number(h) * 3600 + Number(m) * 60 + Number(secInt);
  return canonicalDecimal(false, String(whole), secFrac);
}

// ---------------------------------------------------------------------------
// dates and datetimes

/** An optional time after the date: `14:30`, `14:30:05`, `14:30:05.250` (fraction dropped), after a space or `T`. */
const time = (sep: string) => `(?:${sep}(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?)?`;
const YMD = new RegExp(`^(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})${time('(?:\\s+|T)')}$`);
const YMD_ZH = new RegExp(`^(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})(?:\\s*日)?${time('(?:\\s+|T|(?<=日))')}$`);
const YMD_COMPACT = new RegExp(`^(\\d{4})(\\d{2})(\\d{2})${time('(?:\\s+|T)')}$`);
const DAY_MONTH = new RegExp(`^(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4})${time('(?:\\s+|T)')}$`);

/** Largest serial Excel shows as a date (9999-12-31 in the 1900 system). */
const MAX_SERIAL_1900 = 2958465;
/** 9999-12-31 in the 1904 system. */
const MAX_SERIAL_1904 = 2957003;
const DAY_MS = 86_400_000;

/**
 * Dates and datetimes in every form of SLIPS.md §2. A date field drops the time
 * (after checking it is a real time); a datetime field without a time gets
 * midnight. `03/04/2025` reads only once the user has said which comes first.
 */
function parseDateLike(cell: Cell, opts: ParseOptions, withTime: boolean): ParsedValue {
  const invalid = withTime ? 'invalid datetime' : 'invalid date';
  if (typeof cell === 'number') return fromNumber(cell, opts, withTime, invalid);
  const s = cell === null ? '' : toHalfWidth(cell).trim();
  if (s === '' || DASHES.test(s)) return { ok: true, value: null };

  let y: string, mo: string, d: string, hms: (string | undefined)[];
  let m: RegExpExecArray | null;
  if ((m = YMD.exec(s))) [y, mo, d, hms] = [m[1], m[3], m[4], m.slice(5, 8)];
  else if ((m = YMD_ZH.exec(s)) || (m = YMD_COMPACT.exec(s))) [y, mo, d, hms] = [m[1], m[2], m[3], m.slice(4, 7)];
  else if ((m = DAY_MONTH.exec(s))) {
    if (opts.dateOrder === 'dmy') [d, mo] = [m[1], m[3]];
    else if (opts.dateOrder === 'mdy') [mo, d] = [m[1], m[3]];
    else return fail('ambiguous date (set the date order)');
    y = m[4];
    hms = m.slice(5, 8);
  } else return fail(invalid);

  const date = calendarDate(Number(y), Number(mo), Number(d));
  const [hh = '0', mm = '0', ss = '0'] = hms;
  const clock = clockTime(Number(hh), Number(mm), Number(ss));
  if (!date || !clock) return fail(invalid);
  return { ok: true, value: withTime ? `${date} ${clock}` : date };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` when the day exists (leap years included), else null. */
function calendarDate(y: number, m: number, d: number): string | null {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 && leap ? 29 : MONTH_DAYS[m - 1];
  return d > days ? null : `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function clockTime(h: number, m: number, s: number): string | null {
  return h > 23 || m > 59 || s > 59 ? null : `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/**
 * A numeric cell in a date column. An integer that spells a valid `yyyymmdd`
 * (ERPs export dates as numbers like 20250318) is read as such — no Excel
 * serial is that large. Anything else is an Excel serial: in the 1900 system
 * serial 1 is 1900-01-01 and serial 60 is Lotus's 1900-02-29, a day that never
 * existed, so later serials count from 1899-12-30; in the 1904 system serial 0
 * is 1904-01-01. The fraction is the time of day, to the nearest second.
 */
function fromNumber(n: number, opts: ParseOptions, withTime: boolean, invalid: string): ParsedValue {
  if (Number.isInteger(n) && n >= 10_000_101 && n <= 99_991_231) {
    const date = calendarDate(Math.floor(n / 10_000), Math.floor(n / 100) % 100, n % 100);
    if (!date) return fail(invalid);
    return { ok: true, value: withTime ? `${date} 00:00:00` : date };
  }
  const min = opts.date1904 ? 0 : 1;
  const max = (opts.date1904 ? MAX_SERIAL_1904 : MAX_SERIAL_1900) + 1;
  if (!Number.isFinite(n) || n < min || n >= max) return fail('date serial out of range');
  let days = Math.floor(n);
  let seconds = Math.round((n - days) * 86_400);
  if (seconds === 86_400) {
    days += 1;
    seconds = 0;
  }
  let epoch: number;
  if (opts.date1904) epoch = Date.UTC(1904, 0, 1);
  else if (days === 60) return fail('invalid date (1900-02-29 does not exist)');
  else epoch = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const t = new Date(epoch + days * DAY_MS);
  if (t.getUTCFullYear() > 9999) return fail('date serial out of range');
  const date = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  if (!withTime) return { ok: true, value: date };
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return { ok: true, value: `${date} ${clock}` };
}
