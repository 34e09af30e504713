/**
 * What the two DuckDB-WASM engines (Node for `--engine wasm`, the browser worker) share:
 * columnar text → Arrow IPC batches for a bulk insert, and Arrow results → plain rows.
 */
import { Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
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
    columns.forEach((c, i) => { vectors[c] = utf8Vector(data[i].slice(start, end)); });
    yield tableToIPC(new Table(vectors), 'stream');
  }
}

const encoder = new TextEncoder();

/**
 * A VARCHAR column as an Arrow vector, built from its buffers: one encode of the column's
 * text rather than one per value (Arrow's builder encodes value by value, several times
 * slower at a few hundred thousand rows). A column holding any surrogate code unit takes
 * the builder: joined, a lone surrogate at the end of one value and one at the start of
 * the next would encode as a pair.
 */
export function utf8Vector(values: readonly (string | null)[]): Vector<Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) { nulls++; offsets[i + 1] = bytes; continue; }
    valid[i >> 3] |= 1 << (i & 7);
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdfff) return vectorFromArray(values as (string | null)[], new Utf8());
      else bytes += 3;
    }
    offsets[i + 1] = bytes;
  }
  const text = new Uint8Array(bytes);
  const joined = nulls ? values.map((v) => v ?? '').join('') : (values as string[]).join('');
  encoder.encodeInto(joined, text);
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: nulls ? valid : null, valueOffsets: offsets, data: text }));
}

/** Arrow type ids (stable across Arrow versions). */
const TYPE_UTF8 = 5;
const TYPE_DECIMAL = 7;
const TYPE_DATE = 8;
const TYPE_TIMESTAMP = 10;

interface ArrowField { name: string; type: { typeId: number; scale?: number } }
interface ArrowChunk { values: unknown; valueOffsets: unknown; nullBitmap: Uint8Array | null | undefined; offset: number; length: number }
export interface ArrowResult {
  schema: { fields: ArrowField[] };
  numRows: number;
  getChildAt(i: number): { get(r: number): unknown; data?: readonly ArrowChunk[] } | null;
}

/** Arrow result → plain rows of strings, numbers, booleans and null (BigInt → Number), read by Arrow type. */
export function arrowToRows(table: ArrowResult): Row[] {
  const fields = table.schema.fields;
  const n = table.numRows;
  // Column by column into arrays, then the rows: adding one property to every row per column is several times slower.
  const values = fields.map((f, i) => {
    const column = table.getChildAt(i);
    const text = f.type.typeId === TYPE_UTF8 && column?.data ? utf8Values(column.data, n) : null;
    if (text) return text;
    const out: (string | number | boolean | null)[] = new Array(n);
    for (let r = 0; r < n; r++) out[r] = plain(column?.get(r), f.type);
    return out;
  });
  const names = fields.map((f) => f.name);
  const rows: Row[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i][r];
    rows[r] = row;
  }
  return rows;
}

/**
 * The strings of a VARCHAR column, chunk by chunk: each chunk's bytes decoded at once and
 * cut at its values' boundaries (counted in UTF-16 units), instead of one decode per value.
 * Null when the chunks are not laid out as expected (the caller then reads value by value).
 */
function utf8Values(chunks: readonly ArrowChunk[], rows: number): (string | null)[] | null {
  const out: (string | null)[] = new Array(rows);
  let at = 0;
  for (const d of chunks) {
    // As Arrow slices variable-width data: the offsets start at the chunk's first value, the validity bits at `offset`.
    const { values, valueOffsets: offs, nullBitmap: valid, offset, length } = d;
    if (!(values instanceof Uint8Array) || !(offs instanceof Int32Array) || offs.length < length + 1) return null;
    const from = offs[0];
    const text = decoder.decode(values.subarray(from, offs[length]));
    let units = 0;
    let b = from;
    for (let i = 0; i < length; i++) {
      const start = units;
      const to = offs[i + 1];
      for (; b < to; b++) {
        const x = values[b];
        if ((x & 0xc0) !== 0x80) units += x >= 0xf0 ? 2 : 1;
      }
      const j = offset + i;
      out[at++] = valid && valid.length > 0 && !(valid[j >> 3] & (1 << (j & 7))) ? null : text.slice(start, units);
    }
    // Bytes that are not UTF-8 decode to U+FFFD and the count no longer matches: read value by value.
    if (units !== text.length) return null;
  }
  return at === rows ? out : null;
}

/** A leading U+FEFF is a value's own character here, not a byte order mark. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

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
