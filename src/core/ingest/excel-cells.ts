/**
 * SheetJS cells → the loader's cells: numbers, text, booleans, and dates read from Excel
 * serials (the 1900 system with its leap-year bug, and 1904) in UTC, as the number format
 * shows them. Pure conversion; reading and safety checks stay in excel.ts.
 */
import * as XLSX from '@e965/xlsx';
import type { Cell } from '../types';

const DAY_SECONDS = 86_400;
const MS_PER_DAY = 86_400_000;
/** 9999-12-31, the last day Excel shows, in the 1900 and the 1904 date system. */
const MAX_SERIAL = 2_958_465;
const MAX_SERIAL_1904 = 2_957_003;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatString(z: unknown): string | null {
  if (typeof z === 'string') return z;
  if (typeof z === 'number') {
    const table = XLSX.SSF.get_table() as Record<number, string>;
    return table[z] ?? null;
  }
  return null;
}

/** Whether a number format shows a calendar date, not just a time of day or a duration. */
function hasDatePart(fmt: string): boolean {
  const bare = fmt.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  return /[yde]/i.test(bare);
}

function isElapsed(fmt: string): boolean {
  return /\[(h+|m+|s+)\]/i.test(fmt);
}

function clock(totalSeconds: number, hours: number): string {
  return `${pad(hours)}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
}

/**
 * Excel serial → ISO text, by hand in UTC so no time zone can shift a day.
 * The 1900 system counts Lotus's phantom 1900-02-29 as serial 60.
 */
export function serialToIso(serial: number, date1904: boolean, fmt = 'yyyy-mm-dd'): string | number {
  if (!Number.isFinite(serial) || serial < 0 || serial >= (date1904 ? MAX_SERIAL_1904 : MAX_SERIAL) + 1) return serial;
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * DAY_SECONDS);
  if (seconds >= DAY_SECONDS) { days += 1; seconds -= DAY_SECONDS; }
  if (!hasDatePart(fmt) && (serial < 1 || isElapsed(fmt))) {
    return clock(seconds, days * 24 + Math.floor(seconds / 3600));
  }
  const time = seconds > 0 ? ` ${clock(seconds, Math.floor(seconds / 3600))}` : '';
  if (!date1904 && days === 60) return `1900-02-29${time}`;
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : days > 60 ? Date.UTC(1899, 11, 30) : Date.UTC(1899, 11, 31);
  const d = new Date(epoch + days * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${time}`;
}

function isoFromDate(d: Date): string {
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const t = d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  return t > 0 ? `${date} ${clock(t, d.getUTCHours())}` : date;
}

function toCell(c: XLSX.CellObject | undefined, date1904: boolean): Cell {
  if (!c) return null;
  switch (c.t) {
    case 's':
      return c.v == null ? null : String(c.v);
    case 'n': {
      const v = c.v as number;
      if (!Number.isFinite(v)) return '';
      const fmt = formatString(c.z);
      return fmt && XLSX.SSF.is_date(fmt) ? serialToIso(v, date1904, fmt) : v;
    }
    case 'b':
      return c.v ? 'TRUE' : 'FALSE';
    case 'd':
      return c.v instanceof Date ? isoFromDate(c.v) : String(c.v);
    case 'e':
      return '';
    default:
      return null;
  }
}

function isBlank(c: Cell): boolean {
  return c === null || c === '';
}

/** Dense rows → Cell rows, keeping row i as spreadsheet row i+1; trailing blanks trimmed. */
export function sheetRows(data: (XLSX.CellObject | undefined)[][] | undefined, date1904: boolean): Cell[][] {
  const rows: Cell[][] = [];
  if (!data) return rows;
  let lastNonEmpty = -1;
  for (let r = 0; r < data.length; r++) {
    const src = data[r];
    const row: Cell[] = [];
    if (src) {
      let end = 0;
      for (let c = 0; c < src.length; c++) {
        const v = toCell(src[c], date1904);
        row.push(v);
        if (!isBlank(v)) end = c + 1;
      }
      row.length = end;
    }
    rows.push(row);
    if (row.length > 0) lastNonEmpty = r;
  }
  rows.length = lastNonEmpty + 1;
  return rows;
}
