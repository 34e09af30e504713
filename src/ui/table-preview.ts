/**
 * What the column-mapping dialog shows of a refused table: its header row (the row the
 * loader reported, else the fullest of the top rows, as the loader's own fallback does)
 * and the first rows below it, every cell as trimmed text aligned to the headers.
 */
import type { TableReport } from '../core/audit/types';
import { readFile } from '../core/ingest/read-file';
import { loadCodepages } from '../core/ingest/excel';
import { cellText, HEADER_SEARCH_ROWS } from '../core/ingest/header';
import type { TablePreview } from './rpc';

const SAMPLE_ROWS = 5;

export async function previewTable(name: string, bytes: Uint8Array, report: TableReport): Promise<TablePreview | null> {
  await loadCodepages();
  const read = readFile(name, bytes);
  const table = read.ok ? read.tables.find((t) => t.sheet === report.sheet) : undefined;
  if (!table) return null;
  const rows = table.rows.slice(0, HEADER_SEARCH_ROWS + 20).map((r) => r.map((c) => cellText(c).trim()));
  let at = report.header_row !== undefined ? report.header_row - 1 : -1;
  if (at < 0) {
    const filled = (r: string[]) => r.filter((c) => c !== '').length;
    rows.slice(0, HEADER_SEARCH_ROWS).forEach((r, i) => { if (at < 0 || filled(r) > filled(rows[at])) at = i; });
  }
  if (at < 0 || !rows[at]) return null;
  const headers = rows[at];
  const samples = rows.slice(at + 1).filter((r) => r.some((c) => c !== '')).slice(0, SAMPLE_ROWS)
    .map((r) => headers.map((_, c) => r[c] ?? ''));
  return { headers, samples };
}
