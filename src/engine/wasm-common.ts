/**
 * What the two DuckDB-WASM engines (Node for the CLI, the browser worker) share:
 * columnar text → Arrow IPC for a bulk insert, and Arrow results → plain rows.
 */
import { tableToIPC, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Row } from '../core/engine';

/** Settings without which DuckDB-WASM tries to download extensions and hangs offline. */
export const OFFLINE_SETTINGS = 'SET autoload_known_extensions=false; SET autoinstall_known_extensions=false;';

/**
 * An Arrow IPC stream of VARCHAR columns. Serialised bytes rather than a Table object:
 * duckdb-wasm carries its own apache-arrow, and an IPC stream is version-neutral.
 */
export function columnsToIPC(columns: readonly string[], data: readonly (readonly (string | null)[])[]): Uint8Array {
  const vectors: Record<string, ReturnType<typeof vectorFromArray>> = {};
  columns.forEach((c, i) => { vectors[c] = vectorFromArray(data[i] as (string | null)[], new Utf8()); });
  return tableToIPC(new Table(vectors), 'stream');
}

interface ArrowLike { toArray(): { toJSON(): Record<string, unknown> }[] }

/** Plain JS rows from an Arrow result; BigInt becomes Number, dates ISO text. */
export function arrowToRows(table: ArrowLike): Row[] {
  return table.toArray().map((r) => {
    const o = r.toJSON();
    const out: Row = {};
    for (const [k, v] of Object.entries(o)) {
      if (v === null || v === undefined) out[k] = null;
      else if (typeof v === 'bigint') out[k] = Number(v);
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
      else if (v instanceof Date) out[k] = v.toISOString().slice(0, 10);
      else out[k] = String(v);
    }
    return out;
  });
}
