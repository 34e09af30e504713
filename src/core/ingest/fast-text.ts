/**
 * The bulk path for text exports: DuckDB's own CSV reader does the cell splitting, and SQL
 * reads the common value forms, while every row holding anything else goes through the
 * row-by-row builder (parseValue, the same reject logic). Answers are the builder's: a
 * form is read in SQL only where SQL provably gives the same typed value, and values
 * that repeat (flags, enumerations, names, most dates) are read by parseValue itself,
 * once per distinct value.
 *
 * A JavaScript pre-pass walks the records exactly as the row parser does (quotes, LF,
 * CRLF and lone CR), numbers them as a spreadsheet does, and hands DuckDB one clean line
 * per record: `record number, needs-the-builder flag, cells…`. Records DuckDB could read
 * differently from the row parser (a stray or unclosed quote, a line break or another
 * control character in a cell, whitespace `trim()` knows but SQL does not) are flagged
 * and handed over as the flag alone.
 */
import type { Engine } from '../engine';
import type { Cell, FieldDef, ParseOptions, Reject, SlipTypeId } from '../types';
import type { BuildCounts } from './build';
import type { ColumnMap, Detection } from './header';
import { buildRows, extraKey } from './build';
import { parseDelimited, parseDelimitedBounded } from './csv';
import { cellText, detectTable, HEADER_SEARCH_ROWS } from './header';
import { MAX_CELL_CHARS, MAX_CELLS_PER_ROW, MAX_ROWS, prepareText, type PreparedText } from './text-reader';
import { MAX_FILE_BYTES } from './read-file';
import { sniffFormat } from './sniff';
import type { InputFile } from '../audit/types';
import { isTotalsRow, parseValue } from './values';
import { slipTypeDef } from '../schema/slip-types';
import { META_COLUMNS, sqlType, tableDDL } from '../audit/tables';
import { ident, lit } from '../sql/sql';

/** Widest table handed to DuckDB; wider files (rare, or hostile) take the row-by-row path. */
const MAX_FAST_COLUMNS = 512;
/** Longest record handed to DuckDB (its line limit is a few MB); longer ones are flagged. */
const MAX_FAST_RECORD_CHARS = 200_000;
/** Text read to find the header row: far more than 20 records of any real export. */
const HEAD_CHARS = 1024 * 1024;

export interface FastTextResult {
  found: Extract<Detection, { ok: true }>;
  counts: BuildCounts;
  rejects: Reject[];
}

interface Scan {
  /** The lines handed to DuckDB. */
  lines: string;
  /** starts[r] .. ends[r]: record r in the text, without its line break. */
  starts: Int32Array;
  ends: Int32Array;
  records: number;
  /** Most cells in a record handed over. */
  width: number;
}

let seq = 0;

/**
 * Loads a prepared text export through the engine's CSV reader. Returns null, having
 * changed nothing in the engine, when this path does not apply (no header in the first
 * rows, a shape near the reader's limits, a required field without a column): the caller
 * then takes the row-by-row path, which also gives every refusal.
 */
export async function loadTextFast(
  engine: Engine, fileName: string, prepared: Extract<PreparedText, { ok: true }>,
  forced: { type?: SlipTypeId; mapping?: Record<string, string> } | undefined, opts: ParseOptions,
): Promise<FastTextResult | null> {
  if (!engine.registerText) return null;
  const { text, delimiter, encoding } = prepared;
  if (text.length >= 2 ** 31 - 1) return null;
  const head = headRows(text, delimiter);
  if (!head) return null;
  const found = detectTable(head, forced);
  if (!found.ok) return null;
  const def = slipTypeDef(found.type);
  if (!def) return null;
  const mappedNames = new Set(found.columns.filter((c): c is string => c !== null));
  if (def.fields.some((f) => f.required && !mappedNames.has(f.name))) return null;

  const headerCells = head[found.headerRow];
  const width = lastNonEmpty(headerCells) + 1;
  const scan = scanRecords(text, delimiter, found.headerRow);
  if (!scan) return null;
  const columns = Math.max(scan.width, width, 1);
  if (columns > MAX_FAST_COLUMNS) return null;

  const n = ++seq;
  const raw = `_fast_raw_${n}`;
  const temps: string[] = [raw];
  const registered = await engine.registerText(scan.lines);
  const cell = (k: number) => `c${k + 2}`;
  const cols = [`'c0': 'VARCHAR'`, `'c1': 'VARCHAR'`];
  for (let k = 0; k < columns; k++) cols.push(`${lit(cell(k))}: 'VARCHAR'`);
  try {
    await engine.exec(`CREATE TEMP TABLE ${raw} AS SELECT CAST(c0 AS INTEGER) AS recno, c1 = '1' AS flagged, * EXCLUDE (c0, c1)
      FROM read_csv(${lit(registered.path)}, columns = {${cols.join(', ')}}, header = false, delim = ${lit(delimiter)}, quote = '"',
        escape = '"', new_line = '\\n', null_padding = true, auto_detect = false, max_line_size = 4000000)`);
  } finally {
    await registered.release();
  }

  const fileBase = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  try {
    const r = (k: number) => `coalesce(${cell(k)}, '')`;
    const t = (k: number) => `trim(${r(k)})`;
    const first = `coalesce(${Array.from({ length: columns }, (_, k) => `NULLIF(${t(k)}, '')`).join(', ')})`;

    // Totals rows: the first non-empty cell decides; only cells that could spell a totals word are asked.
    const candidates = await engine.query<{ f: string }>(`SELECT DISTINCT f FROM (SELECT ${first} AS f FROM ${raw} WHERE NOT flagged)
      WHERE contains(f, '计') OR regexp_matches(f, '[tTｔＴ]')`);
    const totals = candidates.map((c) => String(c.f)).filter((f) => isTotalsRow([f]));

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
    const beyond = [];
    for (let k = width; k < columns; k++) beyond.push(`${t(k)} <> ''`);
    const extras = extrasSql(found.headers, found.columns, width, t);

    const cls = `_fast_cls_${n}`;
    temps.push(cls);
    const typed = def.fields.map((f) => `${values.get(f.name) ?? 'NULL'} AS ${ident(f.name)}`);
    await engine.exec(`CREATE TEMP TABLE ${cls} AS SELECT recno,
        CASE WHEN flagged THEN 'js' WHEN _f IS NULL THEN 'blank'
          WHEN ${totals.length ? `_f IN (${totals.map(lit).join(', ')})` : 'false'} THEN 'totals'
          ${beyond.length ? `WHEN ${beyond.join(' OR ')} THEN 'js'` : ''}
          WHEN ${oks.length ? oks.map((o) => `coalesce(${o}, false)`).join(' AND ') : 'true'} THEN 'fast' ELSE 'js' END AS cls,
        ${typed.join(', ')}, ${extras} AS extras
      FROM (SELECT *, ${[...inner, `${first} AS _f`].join(', ')} FROM ${raw}) ${joins.join(' ')}`);
    await engine.exec(`DROP TABLE ${raw}`);
    temps.shift();

    const byClass = new Map((await engine.query<{ cls: string; n: number }>(`SELECT cls, count(*)::INTEGER AS n FROM ${cls} GROUP BY cls`))
      .map((x) => [String(x.cls), Number(x.n)]));
    const jsRecords = (await engine.query<{ recno: number }>(`SELECT recno FROM ${cls} WHERE cls = 'js' ORDER BY recno`)).map((x) => Number(x.recno));

    // The rows SQL did not read: the builder, on exactly the cells the row parser gives.
    const rows: Cell[][] = [headerCells];
    for (const rec of jsRecords) {
      const slice = text.slice(scan.starts[rec], scan.ends[rec]);
      rows.push(slice === '' ? [''] : parseDelimited(slice, delimiter)[0]);
    }
    const built = buildRows({ file: fileBase, sheet: '', encoding, rows }, found.type, 0, found.headers, found.columns, opts);
    const rowNo = (i: number) => jsRecords[i - 2] + 1;
    const rejects = built.rejects.map((x) => ({ ...x, source_row: rowNo(x.source_row) }));

    await engine.exec(tableDDL(def));
    const names = [...def.fields.map((f) => f.name), ...META_COLUMNS];
    const fastSelect = `SELECT ${def.fields.map((f) => ident(f.name)).join(', ')}, ${lit(fileBase)}, '', recno + 1, extras FROM ${cls} WHERE cls = 'fast'`;
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
      await engine.exec(`INSERT INTO ${ident(def.id)} SELECT * FROM (${fastSelect} UNION ALL
        SELECT ${casts.join(', ')}, source_file, sheet, CAST(source_row AS INTEGER), extras FROM ${stage}) ORDER BY ${def.fields.length + 3}`);
    } else {
      await engine.exec(`INSERT INTO ${ident(def.id)} ${fastSelect} ORDER BY ${def.fields.length + 3}`);
    }

    const c = built.counts;
    const counts: BuildCounts = {
      rows_read: scan.records - found.headerRow - 1,
      rows_loaded: (byClass.get('fast') ?? 0) + c.rows_loaded,
      rows_rejected: c.rows_rejected,
      rows_blank: (byClass.get('blank') ?? 0) + c.rows_blank,
      rows_totals: (byClass.get('totals') ?? 0) + c.rows_totals,
    };
    return { found, counts, rejects };
  } finally {
    for (const name of temps) await engine.exec(`DROP TABLE IF EXISTS ${name}`);
  }
}

/**
 * The bulk path for one input file, when the engine offers it and the file is a text export
 * it applies to; null otherwise (the caller reads the file row by row).
 */
export async function tryLoadTextFast(engine: Engine, file: InputFile, opts: ParseOptions): Promise<(FastTextResult & { encoding: string }) | null> {
  if (!engine.registerText || file.bytes.length > MAX_FILE_BYTES || sniffFormat(file.name, file.bytes) !== 'text') return null;
  const prepared = prepareText(file.name, file.bytes);
  if (!prepared.ok) return null;
  const forced = file.type || file.mapping ? { type: file.type, mapping: file.mapping } : undefined;
  const result = await loadTextFast(engine, file.name, prepared, forced, opts);
  return result && { ...result, encoding: prepared.encoding };
}

/** The first records, exactly as the row parser gives them, or null when the head of the text does not hold them all. */
function headRows(text: string, delimiter: string): string[][] | null {
  const slice = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  const parsed = parseDelimitedBounded(slice, delimiter, { maxCellsPerRow: MAX_CELLS_PER_ROW, maxCellChars: MAX_CELL_CHARS });
  if (!parsed.ok) return null;
  // A cut record is the last one; every record before it is whole.
  if (slice.length < text.length) return parsed.rows.length > HEADER_SEARCH_ROWS + 1 ? parsed.rows.slice(0, HEADER_SEARCH_ROWS) : null;
  return parsed.rows;
}

function lastNonEmpty(cells: readonly Cell[] | undefined): number {
  if (!cells) return -1;
  for (let i = cells.length - 1; i >= 0; i--) if (cellText(cells[i]).trim() !== '') return i;
  return -1;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Characters after which SQL's reading of a cell could differ from the builder's: whitespace
 * that JavaScript's `trim()` removes and SQL's does not, and the two letters whose lower case
 * is a different ASCII letter or sequence (`İ`, the Kelvin sign).
 */
function isAwkward(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff || c === 0x130 || c === 0x212a;
}

/**
 * Walks every record as parseDelimitedBounded does and writes the records below the header
 * as DuckDB lines. Null when the text is beyond the row parser's limits (it then refuses it).
 */
function scanRecords(text: string, delimiter: string, headerRow: number): Scan | null {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  const parts: string[] = [];
  const sep = delimiter;
  let records = 0;
  let widest = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let fields = 0;
    let flagged = false;
    for (;;) {
      const fieldStart = i;
      if (text.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) { flagged = true; j = n; break; }
          for (let k = j; k < q; k++) {
            const c = text.charCodeAt(k);
            if (c < 0x20 || (c >= 0x80 && isAwkward(c))) { flagged = true; break; }
          }
          if (text.charCodeAt(q + 1) === QUOTE) { j = q + 2; continue; }
          j = q + 1;
          break;
        }
        i = j;
        // Text after the closing quote: the row parser appends it; DuckDB would not.
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          flagged = true;
          i++;
        }
      } else {
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          if (c < 0x20 || c === QUOTE || (c >= 0x80 && isAwkward(c))) flagged = true;
          i++;
        }
      }
      if (i - fieldStart > MAX_CELL_CHARS) return null;
      fields++;
      if (fields > MAX_CELLS_PER_ROW) return null;
      if (i < n && text.charCodeAt(i) === d) { i++; continue; }
      break;
    }
    const end = i;
    if (i < n) i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    if (records >= MAX_ROWS) return null;
    if (records === starts.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[records] = start;
    ends[records] = end;
    if (records > headerRow) {
      if (flagged || end - start > MAX_FAST_RECORD_CHARS) {
        parts.push(`${records}${sep}1\n`);
      } else {
        parts.push(`${records}${sep}0${sep}`, text.slice(start, end), '\n');
        if (fields > widest) widest = fields;
      }
    }
    records++;
  }
  return { lines: parts.join(''), starts, ends, records, width: widest };
}

interface FieldSql { value: string; ok: string }

const NUMBER_FORM = String.raw`(?:-|¥|-¥|¥-)?(?:\d{1,13}|\d{1,3}(?:,\d{3}){1,3})(?:\.\d{1,10})?`;
const DASHES_FORM = '[-\u2010-\u2015]+';

/**
 * One mapped cell in SQL. Numbers: the plain, grouped and `¥` forms by pattern (their digits
 * cast to the column type give what the builder's canonical text gives); everything else of
 * a number goes to the builder. Other kinds with a value form (flags, enumerations,
 * signatures, dates, durations): parseValue on each distinct raw text, joined back.
 */
async function fieldSql(
  engine: Engine, field: FieldDef, raw: string, trimmed: string, table: string, n: number, col: number,
  opts: ParseOptions, temps: string[], joins: string[], inner: string[],
): Promise<FieldSql> {
  const type = sqlType(field.kind);
  if (field.kind === 'text') return { value: `NULLIF(${trimmed}, '')`, ok: 'true' };
  if (field.kind === 'number') {
    inner.push(`CASE WHEN regexp_full_match(${raw}, '${NUMBER_FORM}') THEN CAST(replace(replace(${raw}, ',', ''), '¥', '') AS ${type}) END AS _v${col}`);
    return { value: `_v${col}`, ok: `_v${col} IS NOT NULL OR ${raw} = '' OR regexp_full_match(${raw}, '${DASHES_FORM}')` };
  }
  // ISO dates and times are read by a cast where the pattern guarantees the builder's reading.
  let direct: string | null = null;
  if (field.kind === 'date') direct = `CASE WHEN regexp_full_match(${raw}, '[1-9]\\d{3}-\\d{2}-\\d{2}') THEN TRY_CAST(${raw} AS DATE) END`;
  if (field.kind === 'datetime') {
    direct = `CASE WHEN regexp_full_match(${raw}, '[1-9]\\d{3}-\\d{2}-\\d{2}(?: (?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?)?') THEN TRY_CAST(${raw} AS TIMESTAMP) END`;
  }
  const where = direct ? `WHERE (${direct}) IS NULL` : '';
  const distinct = await engine.query<{ v: string }>(`SELECT DISTINCT ${raw} AS v FROM ${table} ${where}`);
  const dict = `_fast_dict_${n}_${col}`;
  temps.push(dict);
  const keys: string[] = [];
  const vals: (string | null)[] = [];
  const good: string[] = [];
  for (const { v } of distinct) {
    const text = String(v);
    const parsed = parseValue(field, text, opts);
    keys.push(text);
    vals.push(parsed.ok ? parsed.value : null);
    good.push(parsed.ok ? '1' : '0');
  }
  await engine.loadColumns(dict, ['k', 'v', 'ok'], [keys, vals, good]);
  const alias = `d${col}`;
  joins.push(`LEFT JOIN ${dict} ${alias} ON ${alias}.k = ${raw}`);
  const fromDict = `CAST(${alias}.v AS ${type})`;
  if (direct) inner.push(`${direct} AS _v${col}`);
  return direct
    ? { value: `coalesce(_v${col}, ${fromDict})`, ok: `_v${col} IS NOT NULL OR ${alias}.ok = '1'` }
    : { value: fromDict, ok: `${alias}.ok = '1'` };
}

/**
 * The extras column as the builder writes it (JSON.stringify of header → trimmed text, in
 * JavaScript's key order); cells beyond the header never reach here (their rows are rejected).
 */
function extrasSql(headers: readonly string[], columns: ColumnMap, width: number, trimmed: (k: number) => string): string {
  const keys = new Set<string>();
  const extra: { col: number; key: string }[] = [];
  for (let col = 0; col < width; col++) {
    if (columns[col]) continue;
    const key = extraKey((headers[col] ?? '').trim(), col, keys);
    keys.add(key);
    extra.push({ col, key });
  }
  if (extra.length === 0) return 'CAST(NULL AS VARCHAR)';
  const probe: Record<string, number> = {};
  for (const e of extra) probe[e.key] = e.col;
  const ordered = Object.keys(probe).map((k) => ({ key: k, col: probe[k] }));
  const item = ({ key, col }: { key: string; col: number }) => {
    const v = trimmed(col);
    return `CASE WHEN ${v} <> '' THEN ${lit(`${JSON.stringify(key)}:"`)} || replace(replace(${v}, '\\', '\\\\'), '"', '\\"') || '"' END`;
  };
  return `CASE WHEN ${ordered.map((e) => `${trimmed(e.col)} <> ''`).join(' OR ')} THEN '{' || concat_ws(',', ${ordered.map(item).join(', ')}) || '}' END`;
}
