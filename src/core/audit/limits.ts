/**
 * What the browser app can audit at once. DuckDB-WASM has a 4 GB heap, which grows to its
 * peak use and does not shrink; the page reads the files a part at a time beside DuckDB's
 * tables. Measured in headless Chromium: 1M outbound lines (219 MB of CSV, 1.84M rows in
 * all) peak at about 0.6 GB in the renderer, 0.3 GB of it before any file; 2M lines (439 MB,
 * 3.67M rows) at about 0.8 GB. The limits below keep a whole audit near 4M rows, well inside
 * the heap and the time a user waits (2M lines: 30 s); past them the app refuses before
 * loading and points to the command line, which has no such cap.
 */
import type { Refusal } from '../types';

/** Input bytes of one audit in the browser. */
export const BROWSER_MAX_BYTES = 500 * 1000 * 1000;
/** Rows (text lines, all files together) of one audit in the browser. */
export const BROWSER_MAX_ROWS = 4_000_000;

/**
 * A refusal naming the limit and the command line, or null when the files (on top of what
 * is `already` loaded) fit. Rows are
 * counted as line breaks of the text files (a quoted line break counts too, so this errs
 * on the safe side); workbooks count by their bytes only.
 */
export function checkBrowserBudget(
  files: readonly { name: string; bytes: Uint8Array }[], already: { bytes: number; rows: number } = { bytes: 0, rows: 0 },
): Refusal | null {
  return budgetRefusal(files.map((f) => measureInput(f.bytes)), already);
}

/** A file's bytes, and its rows as checkBrowserBudget counts them. */
export function measureInput(bytes: Uint8Array): { bytes: number; rows: number } {
  return measured(bytes, [lineBreaks(bytes)]);
}

/** measureInput over a file's bytes as they come, in order, in pieces of any size (a stream). */
export function measuring(): { add(bytes: Uint8Array): void; done(size: number): { bytes: number; rows: number } } {
  const breaks: { lf: number; cr: number }[] = [];
  let head = new Uint8Array(0);
  return {
    add(bytes) {
      if (head.length < 4) head = Uint8Array.of(...head, ...bytes.subarray(0, 4 - head.length));
      breaks.push(lineBreaks(bytes));
    },
    done: (size) => ({ ...measured(head, breaks), bytes: size }),
  };
}

function measured(head: Uint8Array, breaks: readonly { lf: number; cr: number }[]): { bytes: number; rows: number } {
  const lf = breaks.reduce((n, b) => n + b.lf, 0);
  const cr = breaks.reduce((n, b) => n + b.cr, 0);
  return { bytes: head.length, rows: isWorkbookBytes(head) ? 0 : lf || cr };
}

/** checkBrowserBudget over files already measured (measureInput). */
export function budgetRefusal(
  measured: readonly { bytes: number; rows: number }[], already: { bytes: number; rows: number } = { bytes: 0, rows: 0 },
): Refusal | null {
  let bytes = already.bytes;
  let rows = already.rows;
  for (const m of measured) {
    bytes += m.bytes;
    rows += m.rows;
  }
  if (bytes > BROWSER_MAX_BYTES || rows > BROWSER_MAX_ROWS) {
    return {
      code: 'too-large',
      detail: { limit: 'browser', bytes, maxBytes: BROWSER_MAX_BYTES, rows, maxRows: BROWSER_MAX_ROWS, use: 'cli' },
    };
  }
  return null;
}

/** Zip (xlsx) and OLE (xls) containers: their line feeds say nothing about rows. */
function isWorkbookBytes(b: Uint8Array): boolean {
  return (b[0] === 0x50 && b[1] === 0x4b) || (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0);
}

/** Line feeds and carriage returns: rows are the line feeds, or the CRs of a file with lone-CR line endings. */
function lineBreaks(b: Uint8Array): { lf: number; cr: number } {
  const count = (byte: number) => {
    let n = 0;
    for (let i = b.indexOf(byte); i !== -1; i = b.indexOf(byte, i + 1)) n++;
    return n;
  };
  const lf = count(0x0a);
  return { lf, cr: lf ? 0 : count(0x0d) };
}
