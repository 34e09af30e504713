/**
 * The bulk path for text exports: DuckDB's own CSV reader does the cell splitting, and SQL
 * reads the common value forms, while every row holding anything else goes through the
 * row-by-row builder (parseValue, the same reject logic). Answers are the builder's: a
 * form is read in SQL only where SQL provably gives the same typed value, and values
 * that repeat (flags, enumerations, names, most dates) are read by parseValue itself,
 * once per distinct value.
 *
 * A JavaScript pre-pass walks the records exactly as the row parser does (quotes, LF,
 * CRLF and lone CR), numbers them as a spreadsheet does, counts blank and totals rows, and
 * sets aside for the builder the records DuckDB could read differently from the row parser
 * (a stray or unclosed quote, a line break or another control character in a cell,
 * whitespace `trim()` knows but SQL does not) and those with a cell beyond the header.
 * When every record is one line, the text goes to DuckDB as it is and a row's record
 * number is its position; otherwise DuckDB gets one line per record it reads,
 * `record number, cells…`. A text too large for one string (see TEXT_STREAMING) is decoded
 * and scanned piece by piece, and always goes to DuckDB line by line.
 *
 * A plain UTF-8 file (no BOM, no `sep=` line) is never decoded as a whole: the pre-pass walks
 * its bytes (fast-utf8-scan.ts), checking on the way that they are UTF-8, and DuckDB reads the
 * file's own bytes; only the head (to find the header) and the builder's records are decoded.
 */
import type { Engine } from '../engine';
import type { Cell, ParseOptions, Reject, SlipTypeId } from '../types';
import type { BuildCounts } from './build';
import type { Detection } from './header';
import { buildRows } from './build';
import { parseDelimited, parseDelimitedBounded } from './csv';
import { cellText, detectTable, HEADER_SEARCH_ROWS } from './header';
import { MAX_CELL_CHARS, MAX_CELLS_PER_ROW, prepareText, textStart } from './text-reader';
import { refusedText, textLayout, type TextLayout } from './decode';
import type { Delimiter } from './csv';
import { MAX_FILE_BYTES } from './read-file';
import { sniffFormat } from './sniff';
import type { InputFile } from '../audit/types';
import { parseValue } from './values';
import { slipTypeDef } from '../schema/slip-types';
import { META_COLUMNS, sqlType, tableDDL } from '../audit/tables';
import { ident, lit } from '../sql/sql';
import { extrasSql, fieldSql } from './fast-text-sql';
import { CR, JS, newTally, scanRecords, SQL, type Piece, type Tally } from './fast-text-scan';
import { NOT_UTF8, scanUtf8Records } from './fast-utf8-scan';

/** Widest table handed to DuckDB; wider files (rare, or hostile) take the row-by-row path. */
const MAX_FAST_COLUMNS = 512;
/** Text read to find the header row: far more than 20 records of any real export. */
const HEAD_CHARS = 1024 * 1024;

export interface FastTextResult {
  found: Extract<Detection, { ok: true }>;
  counts: BuildCounts;
  rejects: Reject[];
}


/**
 * When text files are read piece by piece rather than as one string: from `minBytes` on, in
 * pieces of `chunkBytes`. Large enough that every usual export is read at once (the fastest
 * way), small enough that no string comes near JavaScript's limit.
 */
export interface TextStreaming { minBytes: number; chunkBytes: number }
export const TEXT_STREAMING: TextStreaming = { minBytes: 256 * 1024 * 1024, chunkBytes: 16 * 1024 * 1024 };

/**
 * Parts for the browser (LoadOptions.textPartBytes): a file read whole can go to DuckDB in
 * parts of about this many bytes (chars of a decoded text), each typed and stored before the
 * next is read, so that DuckDB holds the raw cells of one part, never of the whole file. In
 * the browser DuckDB's memory only grows, so this sets its peak; in Node, where the memory is
 * given back, one part is faster and is the default.
 */
export const TEXT_PART_BYTES = 32 * 1024 * 1024;

/** Bytes decoded to find the header: well over HEAD_CHARS characters in any encoding. */
const HEAD_BYTES = 4 * HEAD_CHARS + 16;

let seq = 0;

/** Most records the verbatim path leaves out by number (blank, totals, builder rows); beyond, records are copied. */
const MAX_VERBATIM_SKIPS = 1000;

/**
 * A text export: a UTF-8 file as its bytes (never decoded as a whole), any other as one string,
 * or (too large for one) its bytes, decoded piece by piece.
 */
type TextSource =
  | {
    form: 'text'; text: string; delimiter: Delimiter;
    /** The file's bytes and its handle (InputFile.handle), when they are `text` in UTF-8. */
    bytes?: Uint8Array; handle?: unknown;
  }
  | { form: 'utf8'; bytes: Uint8Array; handle?: unknown; head: string; partial: boolean; delimiter: Delimiter }
  | { form: 'pieces'; bytes: Uint8Array; layout: TextLayout; skip: number; head: string; partial: boolean; delimiter: Delimiter; chunkBytes: number };

/**
 * Loads a text export through the engine's CSV reader. Returns null, having changed nothing
 * in the engine, when this path does not apply (no header in the first rows, a shape near the
 * reader's limits, a required field without a column): the caller then takes the row-by-row
 * path, which also gives every refusal.
 */
async function loadTextFast(
  engine: Engine, fileName: string, source: TextSource, encoding: string,
  forced: { type?: SlipTypeId; mapping?: Record<string, string> } | undefined, opts: ParseOptions, partBytes = Infinity,
): Promise<FastTextResult | null> {
  const { delimiter } = source;
  if (source.form === 'text' && source.text.length >= 2 ** 31 - 1) return null;
  const head = source.form === 'text' ? headRows(source.text, delimiter) : headRows(source.head, delimiter, source.partial);
  if (!head) return null;
  const found = detectTable(head, forced);
  if (!found.ok) return null;
  const def = slipTypeDef(found.type);
  if (!def) return null;
  const mappedNames = new Set(found.columns.filter((c): c is string => c !== null));
  if (def.fields.some((f) => f.required && !mappedNames.has(f.name))) return null;

  const headerCells = head[found.headerRow];
  const width = lastNonEmpty(headerCells) + 1;
  const n = ++seq;
  const raw = `_fast_raw_${n}`;
  const cell = (k: number) => `c${k + 1}`;
  const fileBase = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const r = (k: number) => `coalesce(${cell(k)}, '')`;
  const t = (k: number) => `trim(${r(k)})`;
  const table = ident(def.id);
  const sourceRow = def.fields.length + 3;
  const names = [...def.fields.map((f) => f.name), ...META_COLUMNS];
  let temps: string[] = [raw];
  try {
    // What the pre-pass found, the parts of the file DuckDB reads one after another, and the
    // text of a record for the builder.
    const read = source.form === 'pieces'
      ? await readStream(engine, raw, source, found.headerRow, width)
      : await readWhole(engine, source, found.headerRow, width, partBytes);
    if (!read) return null;
    const { tally, columns, texts } = read;
    await engine.exec(tableDDL(def));

    const counts: BuildCounts = {
      rows_read: tally.records - found.headerRow - 1,
      rows_loaded: tally.records - found.headerRow - 1 - tally.js.length - tally.blank - tally.totals,
      rows_rejected: 0, rows_blank: tally.blank, rows_totals: tally.totals,
    };
    const rejects: Reject[] = [];
    let js = 0;
    for (const part of read.parts) {
      const { rec, base } = await part.load(raw);
      // The builder's records of this part (in order: tally.js is).
      const partJs: number[] = [];
      while (js < tally.js.length && tally.js[js] < part.to) partJs.push(tally.js[js++]);

      // Each mapped cell: an SQL value and whether SQL read it exactly.
      const joins: string[] = [];
      const inner: string[] = [];
      const values = new Map<string, string>();
      const oks: string[] = [];
      for (let col = 0; col < found.columns.length && col < columns; col++) {
        const name = found.columns[col];
        const field = name ? def.fields.find((f) => f.name === name) : undefined;
        if (!field) continue;
        const v = await fieldSql(engine, field, r(col), t(col), raw, n, col, opts, temps, joins, inner);
        values.set(field.name, v.value);
        oks.push(field.required ? `(${v.ok}) AND (${v.value}) IS NOT NULL` : v.ok);
      }
      const extras = extrasSql(found.headers, found.columns, width, t);
      const ok = oks.length ? oks.map((o) => `coalesce(${o}, false)`).join(' AND ') : 'true';
      const from = `(SELECT *, ${[...inner, `${rec} AS _rec`].join(', ')} FROM ${raw} WHERE ${base}) ${joins.join(' ')}`;
      const typed = def.fields.map((f) => `${values.get(f.name) ?? 'NULL'} AS ${ident(f.name)}`);
      const fastSelect = `SELECT ${typed.join(', ')}, ${lit(fileBase)} AS source_file, '' AS sheet, _rec + 1 AS source_row, ${extras} AS extras
        FROM ${from} WHERE ${ok}`;

      // When the pre-pass sent no record of the part to the builder, SQL usually reads them all:
      // one statement loads them in file order, each row's check in the same projection as its
      // values (a separate WHERE would read every cell twice), a row SQL could not read marked
      // by a negative source_row. Only when there is one are the rows taken back and merged
      // with the builder's.
      let sqlJs: number[] | null = null;
      if (partJs.length === 0) {
        const last = Number((await engine.query<{ m: number }>(`SELECT coalesce(max(rowid), -1)::DOUBLE AS m FROM ${table}`))[0].m);
        await engine.exec(`INSERT INTO ${table} SELECT ${typed.join(', ')}, ${lit(fileBase)}, '', CASE WHEN ${ok} THEN _rec + 1 ELSE -(_rec + 1) END,
          ${extras} FROM ${from}${joins.length ? ' ORDER BY _rec' : ''}`);
        sqlJs = (await engine.query<{ r: number }>(`SELECT -source_row - 1 AS r FROM ${table} WHERE rowid > ${last} AND source_row < 0 ORDER BY 1`))
          .map((x) => Number(x.r));
        if (sqlJs.length > 0) await engine.exec(`DELETE FROM ${table} WHERE rowid > ${last}`);
      }
      if (sqlJs === null || sqlJs.length > 0) {
        sqlJs ??= (await engine.query<{ r: number }>(`SELECT _rec AS r FROM ${from} WHERE NOT (${ok}) ORDER BY 1`)).map((x) => Number(x.r));
        const jsRecords = mergeSorted(partJs, sqlJs);

        // The rows SQL did not read: the builder, on exactly the cells the row parser gives.
        const rows: Cell[][] = [headerCells];
        for (const slice of await texts(jsRecords)) rows.push(slice === '' ? [''] : parseDelimited(slice, delimiter)[0]);
        const built = buildRows({ file: fileBase, sheet: '', encoding, rows }, found.type, 0, found.headers, found.columns, opts);
        const rowNo = (i: number) => jsRecords[i - 2] + 1;
        for (const x of built.rejects) rejects.push({ ...x, source_row: rowNo(x.source_row) });

        if (built.rows.count > 0) {
          const stage = `_fast_stage_${n}`;
          temps.push(stage);
          const b = built.rows;
          await engine.loadColumns(stage, names, [
            ...def.fields.map((f) => b.columns[f.name]),
            new Array<string | null>(b.count).fill(fileBase), new Array<string | null>(b.count).fill(''),
            b.source_row.map((x) => String(rowNo(x))), b.extras,
          ]);
          const casts = def.fields.map((f) => `CAST(${ident(f.name)} AS ${sqlType(f.kind)})`);
          await engine.exec(`INSERT INTO ${table} SELECT * FROM (${fastSelect} UNION ALL
            SELECT ${casts.join(', ')}, source_file, sheet, CAST(source_row AS INTEGER), extras FROM ${stage}) ORDER BY ${sourceRow}`);
        } else {
          await engine.exec(`INSERT INTO ${table} ${fastSelect}${joins.length ? ` ORDER BY ${sourceRow}` : ''}`);
        }
        const c = built.counts;
        counts.rows_loaded += c.rows_loaded - sqlJs.length;
        counts.rows_rejected += c.rows_rejected;
        counts.rows_blank += c.rows_blank;
        counts.rows_totals += c.rows_totals;
      }
      // The part is in: its raw table and dictionaries go before the next part is read.
      for (const name of temps) await engine.exec(`DROP TABLE IF EXISTS ${name}`);
      temps = [raw];
    }
    return { found, counts, rejects };
  } finally {
    for (const name of temps) await engine.exec(`DROP TABLE IF EXISTS ${name}`);
  }
}

/** What the pre-pass counted, the parts DuckDB reads, and the text of records for the builder. */
interface Read {
  tally: Tally;
  /** Cells of every part's raw table: c1 … c{columns}. */
  columns: number;
  /** The records below the header in parts, in file order, each read into the raw table when its turn comes. */
  parts: Part[];
  /** The text of each of these records (in order), without its line break. */
  texts(records: readonly number[]): Promise<string[]>;
}

interface Part {
  /** The part holds the records before `to` (and from the end of the previous part). */
  to: number;
  /** Reads the part into `table`: SQL for a row's record number, and for the rows that are records SQL reads. */
  load(table: string): Promise<{ rec: string; base: string }>;
}

/**
 * The whole text, in one string or as UTF-8 bytes, in parts of about `partBytes` (so that
 * DuckDB never holds the raw cells of a large file at once): each part as it is when its
 * records are clean lines, else line by line. Throws NotUtf8 (having changed nothing) for
 * bytes that are not UTF-8.
 */
async function readWhole(
  engine: Engine, source: Exclude<TextSource, { form: 'pieces' }>, headerRow: number, width: number, partBytes: number,
): Promise<Read | null> {
  const { delimiter } = source;
  const tally = newTally();
  const piece = source.form === 'text'
    ? scanRecords(source.text, delimiter, headerRow, width, tally, true, true)
    : scanUtf8Records(source.bytes, delimiter, headerRow, width, tally);
  if (piece === NOT_UTF8) throw new NotUtf8();
  if (!piece) return null;
  const verbatim = tally.verbatim && tally.widestAll <= MAX_FAST_COLUMNS;
  const columns = Math.max(verbatim ? tally.widestAll : tally.widestSql, width, 1);
  if (columns > MAX_FAST_COLUMNS) return null;
  const size = source.form === 'text' ? source.text.length : source.bytes.length;
  const texts = async (records: readonly number[]) => source.form === 'text'
    ? records.map((r) => source.text.slice(piece.starts[r], piece.ends[r]))
    : records.map((r) => utf8.decode(source.bytes.subarray(piece.starts[r], piece.ends[r])));

  const first = headerRow + 1;
  const bounds = [first];
  for (let r = first + 1; r < tally.records; r++) if (piece.starts[r] - piece.starts[bounds[bounds.length - 1]] >= partBytes) bounds.push(r);
  bounds.push(Math.max(first, tally.records));
  const whole = bounds.length === 2;
  const parts = bounds.slice(1).map((to, k): Part => {
    const from = bounds[k];
    return {
      to,
      async load(table) {
        const skips: number[] = [];
        for (let r = from; r < to && skips.length <= MAX_VERBATIM_SKIPS; r++) if (piece.status[r] !== SQL) skips.push(r);
        if (verbatim && skips.length <= MAX_VERBATIM_SKIPS) {
          // One part: the file (or its text) as it is; several: each its own range of it.
          const end = to < tally.records ? piece.starts[to] : size;
          const content = whole ? source : source.form === 'text'
            ? { text: source.text.slice(piece.starts[from], end) }
            : { bytes: source.bytes.subarray(piece.starts[from], end), handle: source.handle, range: [piece.starts[from], end] as const };
          if (await readVerbatim(engine, table, content, delimiter, tally.lineEnd === 2, columns, whole ? first : 0, to - from)) {
            const rec = `(rowid + ${from})`;
            return { rec, base: skips.length ? `${rec} NOT IN (${skips.join(', ')})` : 'true' };
          }
        }
        const lines = source.form === 'text'
          ? await engine.registerText!(linesOf(source.text, piece, delimiter, from, to))
          : await engine.registerBytes!(linesOfBytes(source.bytes, piece, delimiter, from, to));
        await readLines(engine, table, lines, delimiter, columns);
        return { rec: 'recno', base: 'true' };
      },
    };
  });
  return { tally, columns, parts, texts };
}

/**
 * The text piece by piece, never as one string: the lines SQL reads are written as each piece
 * is scanned, the builder's records kept aside, and the few rows SQL turns down after reading
 * found again by a second scan.
 */
async function readStream(
  engine: Engine, table: string, source: Extract<TextSource, { form: 'pieces' }>, headerRow: number, width: number,
): Promise<Read | null> {
  const tally = newTally();
  const kept = new Map<number, string>();
  let beyond = false;
  function* lines(): Generator<string> {
    for (const { text, piece } of scanPieces(source, headerRow, width, tally)) {
      if (!piece) { beyond = true; return; }
      for (let k = 0; k < piece.count; k++) if (piece.status[k] === JS) kept.set(piece.first + k, text.slice(piece.starts[k], piece.ends[k]));
      yield linesOf(text, piece, source.delimiter);
    }
  }
  const registered = await engine.registerTextChunks!(lines());
  const columns = Math.max(tally.widestSql, width, 1);
  if (beyond || columns > MAX_FAST_COLUMNS) {
    await registered.release();
    return null;
  }
  await readLines(engine, table, registered, source.delimiter, columns);
  const loaded: Part = { to: tally.records, load: async () => ({ rec: 'recno', base: 'true' }) };
  const texts = async (records: readonly number[]) => {
    const wanted = new Set(records.filter((r) => !kept.has(r)));
    if (wanted.size) {
      for (const { text, piece } of scanPieces(source, headerRow, width, newTally())) {
        if (!piece) break;
        for (let k = 0; k < piece.count; k++) if (wanted.has(piece.first + k)) kept.set(piece.first + k, text.slice(piece.starts[k], piece.ends[k]));
      }
    }
    return records.map((r) => kept.get(r) ?? '');
  };
  return { tally, columns, parts: [loaded], texts };
}

/** A strict UTF-8 decode met a byte it cannot read: the file is GB18030 (as decodeText decides). */
class NotUtf8 extends Error {}

/** The decoded text after its first `skip` characters, piece by piece; `final` marks the last. */
function* decodePieces(source: Extract<TextSource, { form: 'pieces' }>): Generator<{ text: string; final: boolean }> {
  const { bytes, layout, chunkBytes } = source;
  const decoder = new TextDecoder(layout.label, { fatal: layout.encoding === 'utf-8', ignoreBOM: true });
  let drop = source.skip;
  for (let at = layout.skip; ; at += chunkBytes) {
    const final = at + chunkBytes >= bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(at, Math.min(at + chunkBytes, bytes.length)), { stream: !final });
    } catch (e) {
      if (e instanceof TypeError && layout.encoding === 'utf-8') throw new NotUtf8();
      throw e;
    }
    if (drop > 0) {
      const cut = Math.min(drop, text.length);
      text = text.slice(cut);
      drop -= cut;
    }
    yield { text, final };
    if (final) return;
  }
}

/**
 * Every record of a streamed text, in pieces that end where a record ends: the unfinished
 * record at the end of a piece (a quoted cell may span several) is carried into the next, and
 * so is a final CR, which may be the first half of a CRLF. A null piece: beyond the row
 * parser's limits.
 */
function* scanPieces(
  source: Extract<TextSource, { form: 'pieces' }>, headerRow: number, width: number, tally: Tally,
): Generator<{ text: string; piece: Piece | null }> {
  let carry = '';
  for (const { text: decoded, final } of decodePieces(source)) {
    let text = carry + decoded;
    let held = '';
    if (!final && text.charCodeAt(text.length - 1) === CR) {
      held = '\r';
      text = text.slice(0, -1);
    }
    const piece = scanRecords(text, source.delimiter, headerRow, width, tally, final, false);
    yield { text, piece };
    if (!piece) return;
    carry = text.slice(piece.consumed) + held;
  }
}

function csvColumns(columns: number, first: string[] = []): string {
  const cols = [...first];
  for (let k = 0; k < columns; k++) cols.push(`${lit(`c${k + 1}`)}: 'VARCHAR'`);
  return cols.join(', ');
}

const CSV_OPTIONS = `header = false, quote = '"', escape = '"', null_padding = true, auto_detect = false, max_line_size = 4000000`;

/**
 * The text as it is (or the file's own bytes, when they are that text in UTF-8), below the
 * header: one row per record, numbered by rowid. False (and no table) when DuckDB does not
 * see exactly the records the pre-pass counted.
 */
async function readVerbatim(
  engine: Engine, table: string, content: { text?: string; bytes?: Uint8Array; handle?: unknown; range?: readonly [number, number] },
  delimiter: string, crlf: boolean, columns: number, skip: number, expected: number,
): Promise<boolean> {
  // The file itself when the engine reads it, else its bytes (kept when there is no text: the
  // builder's records are read from them afterwards), else the text.
  const registered = (content.handle !== undefined && content.bytes && engine.registerHandle ? await engine.registerHandle(content.handle, content.range) : null)
    ?? (content.bytes && engine.registerBytes
      ? await engine.registerBytes(content.bytes, content.text === undefined || content.range !== undefined)
      : await engine.registerText!(content.text!));
  try {
    await engine.exec(`CREATE TEMP TABLE ${table} AS SELECT * FROM read_csv(${lit(registered.path)}, columns = {${csvColumns(columns)}},
      delim = ${lit(delimiter)}, new_line = ${crlf ? "'\\r\\n'" : "'\\n'"}, skip = ${skip}, ${CSV_OPTIONS})`);
  } catch {
    await engine.exec(`DROP TABLE IF EXISTS ${table}`);
    return false;
  } finally {
    await registered.release();
  }
  const got = await engine.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  if (Number(got[0]?.n) === expected) return true;
  await engine.exec(`DROP TABLE ${table}`);
  return false;
}

/** The records of a piece SQL reads (those numbered from … to, if given), each as one clean line `record number, cells…`. */
function linesOf(text: string, piece: Piece, delimiter: string, from = piece.first, to = piece.first + piece.count): string {
  const parts: string[] = [];
  for (let k = from - piece.first; k < to - piece.first; k++) {
    if (piece.status[k] === SQL) parts.push(`${piece.first + k}${delimiter}`, text.slice(piece.starts[k], piece.ends[k]), '\n');
  }
  return parts.join('');
}

/** linesOf for a text held as UTF-8 bytes, the record numbers written in ASCII. */
function linesOfBytes(bytes: Uint8Array, piece: Piece, delimiter: string, from: number, to: number): Uint8Array {
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
    out.set(bytes.subarray(piece.starts[k], piece.ends[k]), at);
    at += piece.ends[k] - piece.starts[k];
    out[at++] = 0x0a;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Reads the lines written by linesOf into `table`, then releases them. */
async function readLines(
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

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++]);
  return out;
}

/**
 * The bulk path for one input file, when the engine offers it and the file is a text export
 * it applies to; null otherwise (the caller reads the file row by row). A file of
 * `streaming.minBytes` or more is read piece by piece when the engine can take pieces.
 */
export async function tryLoadTextFast(
  engine: Engine, file: InputFile, opts: ParseOptions, streaming: TextStreaming = TEXT_STREAMING, partBytes = Infinity,
): Promise<(FastTextResult & { encoding: string }) | null> {
  if (!engine.registerText || sniffFormat(file.name, file.bytes) !== 'text') return null;
  const forced = file.type || file.mapping ? { type: file.type, mapping: file.mapping } : undefined;
  if (engine.registerTextChunks && file.bytes.length >= streaming.minBytes) return loadStreamed(engine, file, forced, opts, streaming.chunkBytes);
  if (file.bytes.length > MAX_FILE_BYTES) return null;
  if (engine.registerBytes) {
    const direct = await loadUtf8(engine, file, forced, opts, partBytes);
    if (direct) return direct;
  }
  const prepared = prepareText(file.name, file.bytes);
  if (!prepared.ok) return null;
  const source: TextSource = {
    form: 'text', text: prepared.text, delimiter: prepared.delimiter,
    bytes: prepared.utf8Bytes ? file.bytes : undefined, handle: prepared.utf8Bytes ? file.handle : undefined,
  };
  const result = await loadTextFast(engine, file.name, source, prepared.encoding, forced, opts, partBytes);
  return result && { ...result, encoding: prepared.encoding };
}

/**
 * The bulk path over the bytes of a plain UTF-8 file (no BOM, no `sep=` line), which is never
 * decoded as a whole: null, having changed nothing, when the file is not one (a byte that is
 * not UTF-8 makes it GB18030) or the bytes path gives up, and the text path then decides.
 */
async function loadUtf8(
  engine: Engine, file: InputFile, forced: { type?: SlipTypeId; mapping?: Record<string, string> } | undefined, opts: ParseOptions,
  partBytes: number,
): Promise<(FastTextResult & { encoding: string }) | null> {
  const { bytes } = file;
  const layout = textLayout(bytes);
  if (!layout || layout.encoding !== 'utf-8' || layout.skip !== 0) return null;
  const partial = HEAD_BYTES < bytes.length;
  let head: string;
  try {
    head = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, HEAD_BYTES), { stream: partial });
  } catch (e) {
    if (e instanceof TypeError) return null;
    throw e;
  }
  if (refusedText(head)) return null;
  const start = textStart(file.name, head);
  if (start.skip > 0) return null;
  const source: TextSource = { form: 'utf8', bytes, handle: file.handle, head, partial, delimiter: start.delimiter };
  try {
    const result = await loadTextFast(engine, file.name, source, layout.encoding, forced, opts, partBytes);
    return result && { ...result, encoding: layout.encoding };
  } catch (e) {
    if (e instanceof NotUtf8) return null;
    throw e;
  }
}

const GB18030: TextLayout = { label: 'gb18030', skip: 0, encoding: 'gb18030' };

/** The bulk path without one string of the whole text: decoded as decodeText would, its head first. */
async function loadStreamed(
  engine: Engine, file: InputFile, forced: { type?: SlipTypeId; mapping?: Record<string, string> } | undefined,
  opts: ParseOptions, chunkBytes: number,
): Promise<(FastTextResult & { encoding: string }) | null> {
  const { bytes } = file;
  let layout = textLayout(bytes);
  if (!layout) return null;
  for (;;) {
    const partial = layout.skip + HEAD_BYTES < bytes.length;
    let head: string;
    try {
      head = new TextDecoder(layout.label, { fatal: layout.encoding === 'utf-8', ignoreBOM: true })
        .decode(bytes.subarray(layout.skip, layout.skip + HEAD_BYTES), { stream: partial });
    } catch (e) {
      if (!(e instanceof TypeError) || layout.encoding !== 'utf-8') throw e;
      layout = GB18030;
      continue;
    }
    if (refusedText(head)) return null;
    const start = textStart(file.name, head);
    const source: TextSource = {
      form: 'pieces', bytes, layout, skip: start.skip, head: head.slice(start.skip), partial, delimiter: start.delimiter, chunkBytes,
    };
    try {
      const result = await loadTextFast(engine, file.name, source, layout.encoding, forced, opts);
      return result && { ...result, encoding: layout.encoding };
    } catch (e) {
      if (!(e instanceof NotUtf8)) throw e;
      layout = GB18030;
    }
  }
}

/** The first records, exactly as the row parser gives them, or null when the head of the text does not hold them all. */
function headRows(text: string, delimiter: string, partial = false): string[][] | null {
  const slice = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  const parsed = parseDelimitedBounded(slice, delimiter, { maxCellsPerRow: MAX_CELLS_PER_ROW, maxCellChars: MAX_CELL_CHARS });
  if (!parsed.ok) return null;
  // A cut record is the last one; every record before it is whole.
  if (partial || slice.length < text.length) return parsed.rows.length > HEADER_SEARCH_ROWS + 1 ? parsed.rows.slice(0, HEADER_SEARCH_ROWS) : null;
  return parsed.rows;
}

function lastNonEmpty(cells: readonly Cell[] | undefined): number {
  if (!cells) return -1;
  for (let i = cells.length - 1; i >= 0; i--) if (cellText(cells[i]).trim() !== '') return i;
  return -1;
}
