/**
 * The CSV the text fast path hands DuckDB, and how DuckDB reads it into a part's raw table
 * (fast-text-read.ts decides which): a file or text as it is, verbatim, one row per record;
 * or the records SQL reads written out line by line, each with its record number; or, for a
 * file DuckDB reads itself, the whole file read while the pre-pass runs.
 */
import type { Engine } from '../engine';
import type { TextSource } from './fast-text-read';
import { lit } from '../sql/sql';
import { SQL, type Piece } from './fast-text-scan';
import type { ByteRanges } from './fast-utf8-scan';

function csvColumns(columns: number, first: string[] = []): string {
  const cols = [...first];
  for (let k = 0; k < columns; k++) cols.push(`${lit(`c${k + 1}`)}: 'VARCHAR'`);
  return cols.join(', ');
}

/**
 * DuckDB's CSV reader holds buffers of 16 × max_line_size by default (64 MB here), several
 * at once; in DuckDB-WASM, whose memory never shrinks, that set the heap's peak while
 * loading (1M lines: 366 → 220 MB with 8 MB buffers). Native reading is as fast either way.
 */
const CSV_OPTIONS = `header = false, quote = '"', escape = '"', null_padding = true, auto_detect = false, max_line_size = 4000000, buffer_size = 8000000`;

/**
 * What readVerbatim hands DuckDB: a text, or a file's bytes (a text's own UTF-8 bytes, or a
 * function reading them) with the file itself (InputFile.handle) and the range of it.
 */
export type Content =
  | { text: string; bytes?: Uint8Array; handle?: unknown; range?: undefined }
  | { text?: undefined; bytes: () => Promise<Uint8Array>; fresh: boolean; handle?: unknown; range?: readonly [number, number] };

/**
 * The text as it is (or the file's own bytes, when they are that text in UTF-8), below the
 * header: one row per record, numbered by rowid. False (and no table) when DuckDB does not
 * see exactly the records the pre-pass counted.
 */
export async function readVerbatim(
  engine: Engine, table: string, content: Content, delimiter: string, crlf: boolean, columns: number, skip: number, expected: number,
): Promise<boolean> {
  // The file itself when the engine reads it, else its bytes (kept when there is no text: the
  // builder's records are read from them afterwards), else the text.
  const handle = content.handle !== undefined && content.bytes && engine.registerHandle ? await engine.registerHandle(content.handle, content.range) : null;
  const registered = handle
    ?? (content.bytes && engine.registerBytes
      ? (content.text === undefined
        ? await engine.registerBytes(await content.bytes(), !content.fresh)
        : await engine.registerBytes(content.bytes, false))
      : await engine.registerText!(content.text!));
  try {
    await engine.exec(readCsvSql(table, registered.path, delimiter, crlf, columns, skip));
  } catch {
    await engine.exec(`DROP TABLE IF EXISTS ${table}`);
    return false;
  } finally {
    await registered.release();
  }
  if (await countIs(engine, table, expected)) return true;
  await engine.exec(`DROP TABLE ${table}`);
  return false;
}

function readCsvSql(table: string, path: string, delimiter: string, crlf: boolean, columns: number, skip: number): string {
  return `CREATE TEMP TABLE ${table} AS SELECT * FROM read_csv(${lit(path)}, columns = {${csvColumns(columns)}},
    delim = ${lit(delimiter)}, new_line = ${crlf ? "'\\r\\n'" : "'\\n'"}, skip = ${skip}, ${CSV_OPTIONS})`;
}

export async function countIs(engine: Engine, table: string, expected: number): Promise<boolean> {
  const got = await engine.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return Number(got[0]?.n) === expected;
}

/** A read of the whole file into the part's table, begun before the pre-pass (readWhole). */
export interface EarlyRead {
  table: string;
  columns: number;
  /** The line end the head shows (Tally.lineEnd: 1 LF, 2 CRLF). */
  lineEnd: number;
  /** Whether DuckDB read the file (the table then exists until drop()). */
  ok: Promise<boolean>;
  drop(): Promise<void>;
}

/**
 * Starts DuckDB reading a UTF-8 file it reads itself (the CLI's files, the browser's Files
 * of one part), laid out as its head shows: the cells of the header row, and the line end of
 * its first line. The read is under way when this returns (the pre-pass that follows never
 * lets other work in). Null when the file is not such a file.
 */
export async function earlyRead(
  engine: Engine, source: Exclude<TextSource, { form: 'pieces' }>, skip: number, width: number, partBytes: number, table: string,
): Promise<EarlyRead | null> {
  if (source.form !== 'utf8' || source.handle === undefined || !engine.registerHandle || source.bytes.size > partBytes) return null;
  const lf = source.head.indexOf('\n');
  if (lf < 0 || !source.partial && lf === source.head.length - 1) return null;
  const lineEnd = lf > 0 && source.head[lf - 1] === '\r' ? 2 : 1;
  const columns = Math.max(width, 1);
  const registered = await engine.registerHandle(source.handle);
  if (!registered) return null;
  const ok = engine.exec(readCsvSql(table, registered.path, source.delimiter, lineEnd === 2, columns, skip)).then(
    () => true,
    async () => { await engine.exec(`DROP TABLE IF EXISTS ${table}`); return false; },
  ).finally(() => registered.release());
  return {
    table, columns, lineEnd, ok,
    async drop() { if (await ok) await engine.exec(`DROP TABLE IF EXISTS ${table}`); },
  };
}

/** The records of a piece SQL reads (those numbered from … to, if given), each as one clean line `record number, cells…`. */
export function linesOf(text: string, piece: Piece, delimiter: string, from = piece.first, to = piece.first + piece.count): string {
  const parts: string[] = [];
  for (let k = from - piece.first; k < to - piece.first; k++) {
    if (piece.status[k] === SQL) parts.push(`${piece.first + k}${delimiter}`, text.slice(piece.starts[k], piece.ends[k]), '\n');
  }
  return parts.join('');
}

/** linesOf for a text held as UTF-8 bytes, the record numbers written in ASCII (the records' bytes read in one range). */
export async function linesOfRanges(ranges: ByteRanges, piece: Piece, delimiter: string, from: number, to: number): Promise<Uint8Array> {
  if (to <= from) return new Uint8Array(0);
  const at = piece.starts[from - piece.first];
  const bytes = await ranges.read(at, piece.ends[to - 1 - piece.first]);
  return linesOfBytes(bytes, at, piece, delimiter, from, to);
}

function linesOfBytes(bytes: Uint8Array, offset: number, piece: Piece, delimiter: string, from: number, to: number): Uint8Array {
  const d = delimiter.charCodeAt(0);
  let size = 0;
  for (let k = from - piece.first; k < to - piece.first; k++) {
    if (piece.status[k] === SQL) size += String(piece.first + k).length + 2 + piece.ends[k] - piece.starts[k];
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (let k = from - piece.first; k < to - piece.first; k++) {
    if (piece.status[k] !== SQL) continue;
    const no = String(piece.first + k);
    for (let c = 0; c < no.length; c++) out[at++] = no.charCodeAt(c);
    out[at++] = d;
    out.set(bytes.subarray(piece.starts[k] - offset, piece.ends[k] - offset), at);
    at += piece.ends[k] - piece.starts[k];
    out[at++] = 0x0a;
  }
  return out;
}

/** Reads the lines written by linesOf into `table`, then releases them. */
export async function readLines(
  engine: Engine, table: string, registered: { path: string; release(): Promise<void> }, delimiter: string, columns: number,
): Promise<void> {
  try {
    await engine.exec(`CREATE TEMP TABLE ${table} AS SELECT CAST(c0 AS INTEGER) AS recno, * EXCLUDE (c0)
      FROM read_csv(${lit(registered.path)}, columns = {${csvColumns(columns, [`'c0': 'VARCHAR'`])}}, delim = ${lit(delimiter)},
        new_line = '\\n', ${CSV_OPTIONS})`);
  } finally {
    await registered.release();
  }
}
