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
 *
 * Here: finding the header, typing the rows in SQL and merging the builder's. The pre-pass and
 * handing the records to DuckDB: fast-text-read.ts; the SQL of one cell: fast-text-sql.ts.
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
import { MAX_FILE_BYTES } from './read-file';
import { sniffFormat } from './sniff';
import { INPUT_HEAD_BYTES, wholeBytes, type InputFile } from '../audit/types';
import { slipTypeDef } from '../schema/slip-types';
import { META_COLUMNS, sqlType, tableDDL } from '../audit/tables';
import { ident, lit } from '../sql/sql';
import { extrasSql, fieldSql } from './fast-text-sql';
import { NotUtf8, readStream, readWhole, type TextSource } from './fast-text-read';
import { inMemory, NOT_UTF8, type ByteRanges } from './fast-utf8-scan';

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
 * the browser DuckDB's memory only grows, so this sets its peak while loading (1M outbound
 * lines: DuckDB-WASM's heap at ~150 MB after loading in 16 MB parts, ~180 MB in 32 MB ones,
 * for ~0.5 s more); in Node, where the memory is given back, one part is faster and is the
 * default.
 */
export const TEXT_PART_BYTES = 16 * 1024 * 1024;

/**
 * Bytes of a GB18030 file made UTF-8 at a time (in the browser: the size of the buffer its
 * UTF-8 is gathered in). A window read whole is held three times over (its bytes, its text at
 * two bytes a character, the UTF-8), and a worker frees them late: 32 MB windows took the
 * browser's renderer to ~760 MB while a 125 MB file was made UTF-8, 4 MB ones to ~520 MB, and
 * were no faster.
 */
const TRANSCODE_WINDOW_BYTES = 4 * 1024 * 1024;

/** Bytes decoded to find the header: well over HEAD_CHARS characters in any encoding. */
const HEAD_BYTES = 4 * HEAD_CHARS + 16;

let seq = 0;

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
  const table = ident(def.id);
  const sourceRow = def.fields.length + 3;
  const names = [...def.fields.map((f) => f.name), ...META_COLUMNS];
  let temps: string[] = [raw];
  try {
    // What the pre-pass found, the parts of the file DuckDB reads one after another, and the
    // text of a record for the builder.
    const read = source.form === 'pieces'
      ? await readStream(engine, raw, source, found.headerRow, width)
      : await readWhole(engine, source, found.headerRow, width, partBytes, raw);
    if (!read) return null;
    const { tally, columns, texts } = read;
    // A cell's text as the builder trims it: a column whose cells have no space at either end is already so.
    const t = (k: number) => (tally.padded.includes(k) ? `trim(${r(k)})` : r(k));
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
  engine: Engine, input: InputFile, opts: ParseOptions, streaming: TextStreaming = TEXT_STREAMING, partBytes = Infinity,
): Promise<(FastTextResult & { encoding: string }) | null> {
  if (!engine.registerText || sniffFormat(input.name, input.bytes) !== 'text') return null;
  const forced = input.type || input.mapping ? { type: input.type, mapping: input.mapping } : undefined;
  const size = input.ranges?.size ?? input.bytes.length;
  const streamed = engine.registerTextChunks && size >= streaming.minBytes;
  if (!streamed && size > MAX_FILE_BYTES) return null;
  if (!streamed && engine.registerBytes) {
    const direct = await loadUtf8(engine, input, forced, opts, partBytes);
    if (direct === NOT_UTF8 && input.ranges?.transcode) {
      // GB18030, read in ranges: made UTF-8 a window at a time into a store outside the page's memory.
      const converted = await loadUtf8(engine, await toUtf8(input, input.ranges.transcode, Math.min(partBytes, TRANSCODE_WINDOW_BYTES)), forced, opts, partBytes, GB18030.encoding);
      if (converted && converted !== NOT_UTF8) return converted;
    } else if (direct && direct !== NOT_UTF8) return direct;
  }
  // Every other way reads the file whole.
  const file = input.ranges ? { ...input, bytes: await wholeBytes(input), ranges: undefined } : input;
  if (streamed) return loadStreamed(engine, file, forced, opts, streaming.chunkBytes);
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
 * decoded as a whole (nor, when the caller reads it in ranges, held whole): NOT_UTF8 or null,
 * having changed nothing, when the file is not one (a byte that is not UTF-8 makes it
 * GB18030) or the bytes path gives up, and the text path then decides. `encoding`: what the
 * file was before it was made UTF-8 (toUtf8), for the report.
 */
async function loadUtf8(
  engine: Engine, file: InputFile, forced: { type?: SlipTypeId; mapping?: Record<string, string> } | undefined, opts: ParseOptions,
  partBytes: number, encoding = 'utf-8',
): Promise<(FastTextResult & { encoding: string }) | typeof NOT_UTF8 | null> {
  const bytes = file.ranges ?? inMemory(file.bytes);
  // The head: the whole file when it is in memory (textLayout looks for NUL bytes in all of it;
  // over ranges, the pre-pass does).
  const first = file.ranges ? await bytes.read(0, Math.min(bytes.size, HEAD_BYTES)) : file.bytes;
  const layout = textLayout(first);
  if (!layout || layout.encoding !== 'utf-8' || layout.skip !== 0) return null;
  const decoded = textHead(first, layout, bytes.size);
  if (!decoded) return NOT_UTF8;
  const { head, partial } = decoded;
  if (refusedText(head)) return null;
  const start = textStart(file.name, head);
  if (start.skip > 0) return null;
  const source: TextSource = { form: 'utf8', bytes, handle: file.handle, head, partial, delimiter: start.delimiter, window: partBytes };
  try {
    const result = await loadTextFast(engine, file.name, source, encoding, forced, opts, partBytes);
    return result && { ...result, encoding };
  } catch (e) {
    if (e instanceof NotUtf8) return NOT_UTF8;
    throw e;
  }
}

/**
 * A GB18030 file as UTF-8, made a window at a time by the reader (ByteRanges.transcode) into a
 * store outside the page's memory: exactly the text decodeText gives, as bytes the UTF-8 path
 * reads in ranges like any UTF-8 file.
 */
async function toUtf8(input: InputFile, transcode: NonNullable<ByteRanges['transcode']>, window: number): Promise<InputFile> {
  const made = await transcode(GB18030.label, window);
  return { name: input.name, type: input.type, mapping: input.mapping, sha256: input.sha256,
    bytes: await made.ranges.read(0, Math.min(made.ranges.size, INPUT_HEAD_BYTES)), ranges: made.ranges, handle: made.handle };
}

/** The decoded head of a text file (HEAD_BYTES after its BOM); null when a strict UTF-8 decode fails there. */
function textHead(bytes: Uint8Array, layout: TextLayout, size = bytes.length): { head: string; partial: boolean } | null {
  const partial = layout.skip + HEAD_BYTES < size;
  try {
    const decoder = new TextDecoder(layout.label, { fatal: layout.encoding === 'utf-8', ignoreBOM: true });
    return { head: decoder.decode(bytes.subarray(layout.skip, layout.skip + HEAD_BYTES), { stream: partial }), partial };
  } catch (e) {
    if (e instanceof TypeError && layout.encoding === 'utf-8') return null;
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
    const decoded = textHead(bytes, layout);
    if (!decoded) {
      layout = GB18030;
      continue;
    }
    const { head, partial } = decoded;
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
