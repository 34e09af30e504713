/**
 * What the two DuckDB-WASM engines (Node for `--engine wasm`, the browser worker) share:
 * columnar text → Arrow IPC batches for a bulk insert, and Arrow results → plain rows.
 */
import { Table, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import type { Row } from '../core/engine';

/** Settings without which DuckDB-WASM tries to download extensions and hangs offline. */
export const OFFLINE_SETTINGS = ['SET autoload_known_extensions=false', 'SET autoinstall_known_extensions=false'];

/** Rows per Arrow IPC message: keeps each copy into the wasm heap modest. */
const BATCH = 65_536;

/**
 * Arrow IPC streams of VARCHAR columns, one per batch of rows. Serialised bytes rather
 * than Table objects: duckdb-wasm carries its own Arrow (17), which does not accept
 * Tables made by the project's Arrow, while IPC bytes are version-neutral.
 */
export function* columnsToIPC(columns: readonly string[], data: readonly (readonly (string | null)[])[]): Generator<Uint8Array> {
  const rowCount = data[0]?.length ?? 0;
  for (let start = 0; start < rowCount; start += BATCH) {
    const end = Math.min(rowCount, start + BATCH);
    const vectors: Record<string, Vector<Utf8>> = {};
    columns.forEach((c, i) => { vectors[c] = vectorFromArray(data[i].slice(start, end) as (string | null)[], new Utf8()); });
    yield tableToIPC(new Table(vectors), 'stream');
  }
}

/** Arrow type ids (stable across Arrow versions). */
const TYPE_DECIMAL = 7;
const TYPE_DATE = 8;
const TYPE_TIMESTAMP = 10;

interface ArrowField { name: string; type: { typeId: number; scale?: number } }
export interface ArrowResult { schema: { fields: ArrowField[] }; numRows: number; getChildAt(i: number): { get(r: number): unknown } | null }

/** Arrow result → plain rows of strings, numbers, booleans and null (BigInt → Number), read by Arrow type. */
export function arrowToRows(table: ArrowResult): Row[] {
  const fields = table.schema.fields;
  const columns = fields.map((_, i) => table.getChildAt(i));
  const rows: Row[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    fields.forEach((f, i) => { row[f.name] = plain(columns[i]?.get(r), f.type); });
    rows[r] = row;
  }
  return rows;
}

function plain(v: unknown, type: ArrowField['type']): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  switch (type.typeId) {
    case TYPE_DATE: return new Date(Number(v)).toISOString().slice(0, 10);
    case TYPE_TIMESTAMP: return new Date(Number(v)).toISOString().slice(0, 19).replace('T', ' ');
    case TYPE_DECIMAL: return decimalText(String(v), type.scale ?? 0);
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** Arrow decimals print as their unscaled integer: put the point back. */
function decimalText(unscaled: string, scale: number): string {
  if (scale === 0) return unscaled;
  const neg = unscaled.startsWith('-');
  const digits = (neg ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
