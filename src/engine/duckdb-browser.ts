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
import type { Engine, Row } from '../core/engine';
import { ident } from '../core/sql/sql';
import { arrowToRows, columnsToIPC, OFFLINE_SETTINGS, type ArrowResult } from './wasm-common';
import { DATABASE_SETUP } from './setup';

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
  for (const setting of OFFLINE_SETTINGS) await conn.query(setting);
  for (const statement of DATABASE_SETUP) await conn.query(statement);
  let textSeq = 0;
  const version = await db.getVersion();

  return {
    name: `wasm DuckDB ${version}`,
    async loadColumns(name, columns, data) {
      const cols = columns.map((c) => `${ident(c)} VARCHAR`).join(', ');
      await conn.query(`CREATE OR REPLACE TABLE ${ident(name)} (${cols})`);
      for (const ipc of columnsToIPC(columns, data)) {
        await conn.insertArrowFromIPCStream(ipc, { name, create: false });
      }
    },
    async registerText(text) {
      const path = `slip-text-${++textSeq}.csv`;
      await db.registerFileText(path, text);
      return { path, release: async () => { await db.dropFile(path); } };
    },
    async registerBytes(bytes, keep) {
      const path = `slip-text-${++textSeq}.csv`;
      // The buffer moves to DuckDB's worker (no copy of a file of hundreds of MB) unless the loader keeps it.
      await db.registerFileBuffer(path, keep ? bytes.slice() : bytes);
      return { path, release: async () => { await db.dropFile(path); } };
    },
    async registerHandle(handle, range) {
      if (!(handle instanceof Blob)) return null;
      const path = `slip-file-${++textSeq}.csv`;
      // DuckDB's worker reads the File in pieces (FileReaderSync) as read_csv asks for them;
      // a slice of it is a Blob too, read the same way.
      const blob = range ? handle.slice(range[0], range[1]) : handle;
      await db.registerFileHandle(path, blob, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
      return { path, release: async () => { await db.dropFile(path); } };
    },
    async exec(sql) {
      await conn.query(sql);
    },
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      return arrowToRows(await conn.query(sql) as unknown as ArrowResult) as R[];
    },
    async close() {
      await conn.close();
      await db.terminate();
    },
  };
}
