/**
 * DuckDB-WASM for the browser app. Created inside the app's Web Worker (src/ui/worker.ts);
 * DuckDB itself runs in the worker that duckdb-wasm starts. Both the eh and the mvp build
 * are bundled from the app's own origin, so nothing is fetched from elsewhere.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import { Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { Engine, Row } from '../core/engine';
import { ident } from '../core/sql/sql';

/** Rows per Arrow IPC message: keeps each copy into the wasm heap modest. */
const BATCH = 65_536;

/** Arrow type ids (stable across Arrow versions; duckdb-wasm carries its own Arrow). */
const TYPE_DECIMAL = 7;
const TYPE_DATE = 8;
const TYPE_TIMESTAMP = 10;

interface ArrowField { name: string; type: { typeId: number; scale?: number } }
interface ArrowResult { schema: { fields: ArrowField[] }; numRows: number; getChildAt(i: number): { get(r: number): unknown } | null }

/**
 * Start DuckDB-WASM. Extension autoloading is switched off right after connecting: with
 * no network it hangs or traps the instance (STACK-NOTES "DuckDB-WASM offline").
 */
export async function createBrowserEngine(): Promise<Engine> {
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
    eh: { mainModule: ehWasm, mainWorker: ehWorker },
  });
  if (!bundle.mainWorker) throw new Error('duckdb-wasm: no worker in the selected bundle');
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const conn = await db.connect();
  await conn.query('SET autoload_known_extensions=false');
  await conn.query('SET autoinstall_known_extensions=false');
  const version = await db.getVersion();

  return {
    name: `wasm DuckDB ${version}`,
    async loadColumns(name, columns, data) {
      const cols = columns.map((c) => `${ident(c)} VARCHAR`).join(', ');
      await conn.query(`CREATE OR REPLACE TABLE ${ident(name)} (${cols})`);
      const rowCount = data[0]?.length ?? 0;
      for (let start = 0; start < rowCount; start += BATCH) {
        const end = Math.min(rowCount, start + BATCH);
        const vectors: Record<string, ReturnType<typeof vectorFromArray<Utf8>>> = {};
        columns.forEach((c, i) => { vectors[c] = vectorFromArray(data[i].slice(start, end), new Utf8()); });
        // Serialise with the project's Arrow and let duckdb-wasm read the IPC bytes: its own
        // Arrow (17) does not accept Table objects made by Arrow 21.
        const ipc = tableToIPC(new Table(vectors), 'stream');
        await conn.insertArrowFromIPCStream(ipc, { name, create: false });
      }
    },
    async exec(sql) {
      await conn.query(sql);
    },
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      return toRows(await conn.query(sql) as unknown as ArrowResult) as R[];
    },
    async close() {
      await conn.close();
      await db.terminate();
    },
  };
}

/** Arrow result → plain rows of strings, numbers, booleans and null (BigInt → Number). */
function toRows(table: ArrowResult): Row[] {
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
