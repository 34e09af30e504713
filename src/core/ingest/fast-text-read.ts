/**
 * How the text fast path (fast-text.ts) hands a file's records to DuckDB: the pre-pass over
 * the whole text (or its UTF-8 bytes) and the parts DuckDB reads one after another, each as
 * the file's own text when its records are clean lines, else line by line; or, for a text too
 * large for one string, piece by piece. The CSV DuckDB is given and its read_csv: fast-text-csv.ts.
 */
import type { Engine } from '../engine';
import type { Delimiter } from './csv';
import type { TextLayout } from './decode';
import { CR, JS, newTally, scanRecords, SQL, type Piece, type Tally } from './fast-text-scan';
import { HAS_NUL, NOT_UTF8, scanUtf8Ranges, type ByteRanges } from './fast-utf8-scan';
import { countIs, earlyRead, linesOf, linesOfRanges, readLines, readVerbatim, type Content } from './fast-text-csv';

/** Widest table handed to DuckDB; wider files (rare, or hostile) take the row-by-row path. */
const MAX_FAST_COLUMNS = 512;

/** Most records the verbatim path leaves out by number (blank, totals, builder rows); beyond, records are copied. */
const MAX_VERBATIM_SKIPS = 1000;

/**
 * A text export: a UTF-8 file as its bytes (never decoded as a whole), any other as one string,
 * or (too large for one) its bytes, decoded piece by piece.
 */
export type TextSource =
  | {
    form: 'text'; text: string; delimiter: Delimiter;
    /** The file's bytes and its handle (InputFile.handle), when they are `text` in UTF-8. */
    bytes?: Uint8Array; handle?: unknown;
  }
  | {
    form: 'utf8'; bytes: ByteRanges; handle?: unknown; head: string; partial: boolean; delimiter: Delimiter;
    /** Bytes scanned at a time (the browser's part size; Infinity: the whole file at once). */
    window: number;
  }
  | { form: 'pieces'; bytes: Uint8Array; layout: TextLayout; skip: number; head: string; partial: boolean; delimiter: Delimiter; chunkBytes: number };

/** scanUtf8Ranges here, or where the bytes' reader does it (ByteRanges.scan). */
async function scanBytes(
  bytes: ByteRanges, delimiter: string, headerRow: number, width: number, tally: Tally, window: number,
): ReturnType<typeof scanUtf8Ranges> {
  if (!bytes.scan) return scanUtf8Ranges(bytes, delimiter, headerRow, width, tally, window);
  const done = await bytes.scan(delimiter, headerRow, width, window);
  Object.assign(tally, done.tally);
  return done.piece;
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
 * records are clean lines, else line by line. UTF-8 bytes are read a window at a time and
 * each part's again when its turn comes (or DuckDB reads the file itself), so a file the
 * browser hands over is never held whole. Throws NotUtf8 (having changed nothing) for
 * bytes that are not UTF-8. `table`: the raw table the parts are read into (Part.load), which
 * a file DuckDB reads itself in one part may already hold when the pre-pass ends.
 */
export async function readWhole(
  engine: Engine, source: Exclude<TextSource, { form: 'pieces' }>, headerRow: number, width: number, partBytes: number, table: string,
): Promise<Read | null> {
  const { delimiter } = source;
  const tally = newTally();
  const first = headerRow + 1;
  // A file DuckDB reads itself in one part: DuckDB starts reading it now, as the head says it
  // is laid out, while the pre-pass walks the bytes on this thread; the part keeps that table
  // when the pre-pass finds the file as the head said (the usual export), else reads again.
  const early = await earlyRead(engine, source, first, width, partBytes, table);
  let piece: Piece | null | typeof NOT_UTF8 | typeof HAS_NUL;
  try {
    piece = source.form === 'text'
      ? scanRecords(source.text, delimiter, headerRow, width, tally, true, true)
      : await scanBytes(source.bytes, delimiter, headerRow, width, tally, Math.min(source.window, source.bytes.size || 1));
  } catch (e) {
    await early?.drop();
    throw e;
  }
  const verbatim = tally.verbatim && tally.widestAll <= MAX_FAST_COLUMNS;
  const columns = piece && typeof piece === 'object' ? Math.max(verbatim ? tally.widestAll : tally.widestSql, width, 1) : 0;
  // The early table holds the part when the file is as the head showed; else it goes.
  const kept = early && verbatim && columns === early.columns && tally.lineEnd === early.lineEnd && await early.ok ? early : null;
  if (early && !kept) await early.drop();
  if (piece === NOT_UTF8) throw new NotUtf8();
  if (!piece || piece === HAS_NUL) return null;
  if (columns > MAX_FAST_COLUMNS) return null;
  const size = source.form === 'text' ? source.text.length : source.bytes.size;
  const texts = async (records: readonly number[]) => {
    if (source.form === 'text') return records.map((r) => source.text.slice(piece.starts[r], piece.ends[r]));
    if (records.length === 0) return [];
    // The records of one part, in order: one read of the bytes they span.
    const from = piece.starts[records[0]];
    const bytes = await source.bytes.read(from, piece.ends[records[records.length - 1]]);
    return records.map((r) => utf8.decode(bytes.subarray(piece.starts[r] - from, piece.ends[r] - from)));
  };

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
        const fits = skips.length <= MAX_VERBATIM_SKIPS;
        let asIs = false;
        if (kept && table === kept.table) {
          // Read while the pre-pass ran: the file as the pre-pass found it, unless DuckDB saw other records.
          asIs = fits && await countIs(engine, table, to - from);
          if (!asIs) await engine.exec(`DROP TABLE IF EXISTS ${table}`);
        } else if (verbatim && fits) {
          // One part: the file (or its text) as it is; several: each its own range of it.
          const end = to < tally.records ? piece.starts[to] : size;
          // The part after this one, announced so that an engine that copies parts can start on it now.
          const next = bounds[k + 2];
          if (!whole && next !== undefined && source.form === 'utf8' && source.handle !== undefined) {
            engine.prepareHandle?.(source.handle, [end, next < tally.records ? piece.starts[next] : size]);
          }
          const content: Content = source.form === 'text'
            ? (whole ? source : { text: source.text.slice(piece.starts[from], end) })
            : whole
              ? { bytes: () => source.bytes.read(0, size), fresh: source.bytes.fresh, handle: source.handle }
              : { bytes: () => source.bytes.read(piece.starts[from], end), fresh: source.bytes.fresh, handle: source.handle, range: [piece.starts[from], end] as const };
          asIs = await readVerbatim(engine, table, content, delimiter, tally.lineEnd === 2, columns, whole ? first : 0, to - from);
        }
        if (asIs) {
          const rec = `(rowid + ${from})`;
          return { rec, base: skips.length ? `${rec} NOT IN (${skips.join(', ')})` : 'true' };
        }
        const lines = source.form === 'text'
          ? await engine.registerText!(linesOf(source.text, piece, delimiter, from, to))
          : await engine.registerBytes!(await linesOfRanges(source.bytes, piece, delimiter, from, to));
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
export async function readStream(
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
export class NotUtf8 extends Error {}

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

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
