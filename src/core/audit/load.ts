/**
 * Load the user's files into typed slip tables. Every file ends up in the report —
 * loaded, refused with a reason, or skipped — and every row below a header is
 * accounted for (rows read = loaded + rejected + blank + totals).
 */
import type { Engine } from '../engine';
import type { RawTable, Refusal, Reject } from '../types';
import { wholeBytes, type InputFile, type LazyInputFile, type LoadOptions, type LoadReport, type TableReport } from './types';
import { readFile } from '../ingest/read-file';
import { loadCodepages } from '../ingest/excel';
import { detectTable, type Detection } from '../ingest/header';
import { buildRows, type BuildCounts } from '../ingest/build';
import { tryLoadTextFast } from '../ingest/fast-text';
import { appendRows } from './tables';
import { sha256Hex } from './hash';

/**
 * Load files one after another (each file's bytes can be released once it is in the engine;
 * a lazy file is read while the one before it loads).
 */
export async function loadFiles(engine: Engine, files: readonly (InputFile | LazyInputFile)[], opts: LoadOptions = {}): Promise<LoadReport> {
  const tables: TableReport[] = [];
  const rejects: Reject[] = [];
  const seen = new Map<string, string>();

  // A lazy file is read (from disk, hashed) while the one before it loads: the reading and the
  // engine's work overlap, at the cost of holding two files' bytes for a while.
  const reading = (index: number): Promise<InputFile> | null => {
    const entry = files[index];
    if (!entry) return null;
    const read = 'read' in entry ? entry.read() : Promise.resolve(entry);
    read.catch(() => {});
    return read;
  };
  let next = reading(0);
  for (let index = 0; index < files.length; index++) {
    const entry = files[index];
    const progress = (phase: 'read' | 'parse' | 'load', rows: number) =>
      opts.onProgress?.({ file: entry.name, phase, rows, index, total: files.length });
    progress('read', 0);
    const file = await next!;
    next = reading(index + 1);
    const sha256 = file.sha256 ?? await sha256Hex(await wholeBytes(file));
    const base = emptyReport(file.name, sha256);

    const earlier = seen.get(sha256);
    if (earlier !== undefined) {
      tables.push({ ...base, status: 'skipped', reason: `duplicate: same content as ${earlier}`, refusal: { code: 'duplicate', detail: { of: earlier } } });
      continue;
    }
    seen.set(sha256, file.name);

    const fast = await tryLoadTextFast(engine, file, { dateOrder: opts.dateOrder }, opts.textStreaming, opts.textPartBytes);
    if (fast) {
      progress('parse', 0);
      for (const r of fast.rejects) rejects.push(r);
      tables.push(loadedReport({ ...base, encoding: fast.encoding }, fast.found, fast.counts));
      progress('load', fast.counts.rows_read);
      continue;
    }
    // Past the bulk path, the file may be a workbook: its reader needs the codepage tables.
    await loadCodepages();
    const read = readFile(file.name, await wholeBytes(file));
    if (!read.ok) {
      tables.push(refused(base, read.refusal));
      continue;
    }
    progress('parse', 0);
    const fileTables: TableReport[] = [];
    for (const table of read.tables) {
      const report = await loadTable(engine, table, file, sha256, opts, rejects);
      fileTables.push(report);
      progress('load', report.rows_read);
    }
    for (const s of read.skippedSheets) {
      fileTables.push({ ...base, sheet: s.sheet, status: 'skipped', reason: s.reason });
    }
    // A workbook whose only tables are unrecognised is refused as a file; other sheets beside a slip table are skipped.
    if (fileTables.some((t) => t.status === 'loaded')) {
      for (const t of fileTables) if (t.status === 'refused' && t.sheet !== '') t.status = 'skipped';
    }
    tables.push(...fileTables);
  }
  return { tables, rejects };
}

async function loadTable(
  engine: Engine, table: RawTable, file: InputFile, sha256: string, opts: LoadOptions, rejects: Reject[],
): Promise<TableReport> {
  const base = { ...emptyReport(file.name, sha256), sheet: table.sheet, encoding: table.encoding };
  const forced = file.type || file.mapping ? { type: file.type, mapping: file.mapping } : undefined;
  const found = detectTable(table.rows, forced);
  if (!found.ok) {
    const headers = shortHeaders(found.headers);
    const detail: Record<string, string | number | string[]> = { headers };
    if (found.candidates.length) detail.candidates = found.candidates;
    if (found.missing.length) detail.missing = found.missing;
    if (table.hidden) detail.hidden = 1;
    return { ...refused(base, { code: found.code, detail }), headers, header_row: found.headerRow === null ? undefined : found.headerRow + 1 };
  }
  const built = buildRows(table, found.type, found.headerRow, found.headers, found.columns, { dateOrder: opts.dateOrder });
  await appendRows(engine, built.rows);
  for (const r of built.rejects) rejects.push(r);
  return loadedReport(base, found, built.counts);
}

function loadedReport(base: TableReport, found: Extract<Detection, { ok: true }>, counts: BuildCounts): TableReport {
  const mapping: Record<string, string> = {};
  found.columns.forEach((f, i) => { if (f) mapping[found.headers[i]] = f; });
  return {
    ...base, slip_type: found.type, status: 'loaded', reason: '', ...counts,
    headers: shortHeaders(found.headers.filter((h) => h !== '')), mapping, header_row: found.headerRow + 1,
  };
}

/** Headers listed in a report: enough to recognise a table, never the 16,384 columns or the 10 MB cell a hostile file puts there. */
const MAX_HEADERS_SHOWN = 100;
const MAX_HEADER_CHARS = 100;

function shortHeaders(headers: readonly string[]): string[] {
  const shown = headers.slice(0, MAX_HEADERS_SHOWN).map((h) => (h.length > MAX_HEADER_CHARS ? `${h.slice(0, MAX_HEADER_CHARS)}…` : h));
  if (headers.length > MAX_HEADERS_SHOWN) shown.push(`… (${headers.length - MAX_HEADERS_SHOWN} more)`);
  return shown;
}

function emptyReport(name: string, sha256: string): TableReport {
  return {
    name, sha256, sheet: '', slip_type: '', encoding: '', status: 'loaded', reason: '',
    rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_blank: 0, rows_totals: 0,
  };
}

function refused(base: TableReport, refusal: Refusal): TableReport {
  return { ...base, status: 'refused', reason: refusalText(refusal), refusal, rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_blank: 0, rows_totals: 0 };
}

/** Language-neutral reason text for summary.json: the code, then its parameters. */
export function refusalText(r: Refusal): string {
  if (!r.detail) return r.code;
  const parts = Object.entries(r.detail).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`);
  return `${r.code}: ${parts.join('; ')}`;
}
