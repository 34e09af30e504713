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
 * Copies of a File's bytes in the origin's private file system (OPFS), which DuckDB's worker
 * reads through a sync access handle straight into its heap. Read as a File instead, each
 * piece DuckDB asks for is a fresh buffer in its worker, freed only at a collection: ~40-90 MB
 * of spent reads sat there while a large file loaded, the largest share of the page's peak.
 */
export interface Staging {
  /** The bytes of `blob`, copied into a file of the private file system called `name`. */
  stage(blob: Blob, name: string): Promise<FileSystemFileHandle>;
  /** The copy goes. */
  remove(name: string): Promise<void>;
}

/** A copy of a File's range: its name in the engine's folder, and the file once written. */
interface Copy { handle: Blob; name: string; file: Promise<FileSystemFileHandle> }

/** Smaller Files are read as they are: their reads are few and the copy would cost more than it saves. */
const STAGE_BYTES = 4 * 1024 * 1024;

/**
 * Start DuckDB-WASM. Extension autoloading is switched off right after connecting: with
 * no network it hangs or traps the instance (STACK-NOTES "DuckDB-WASM offline").
 */
export async function createBrowserEngine(staging?: Staging): Promise<Engine> {
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

  // Copies of Files' ranges under way or made ahead (prepareHandle), until registerHandle takes them.
  const ids = new WeakMap<Blob, number>();
  const prepared = new Map<string, Copy>();
  let stagingFailed = false;
  const canStage = (size: number) => staging !== undefined && !stagingFailed && size >= STAGE_BYTES;
  const keyOf = (handle: Blob, range: readonly [number, number] | undefined) => {
    if (!ids.has(handle)) ids.set(handle, ++textSeq);
    return `${ids.get(handle)}:${range ? range.join('-') : 'all'}`;
  };
  const startCopy = (handle: Blob, part: Blob): Copy => {
    const name = `slip-part-${++textSeq}.csv`;
    const file = staging!.stage(part, name);
    file.catch(() => {});
    return { handle, name, file };
  };
  const discard = (copy: Copy) => {
    copy.file.then(() => staging!.remove(copy.name)).catch(() => {});
  };

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
      // DuckDB's worker reads a copy of a large File (Staging), else the File itself in pieces
      // (FileReaderSync) as read_csv asks for them; a slice of it is a Blob too, read the same way.
      const blob = range ? handle.slice(range[0], range[1]) : handle;
      for (const [key, copy] of prepared) {
        // Made ahead for another File: not wanted any more.
        if (copy.handle !== handle) {
          prepared.delete(key);
          discard(copy);
        }
      }
      if (canStage(blob.size)) {
        const key = keyOf(handle, range);
        const copy = prepared.get(key) ?? startCopy(handle, blob);
        prepared.delete(key);
        try {
          await db.registerFileHandle(path, await copy.file, duckdb.DuckDBDataProtocol.BROWSER_FSACCESS, true);
          return {
            path,
            release: async () => {
              try {
                await db.dropFile(path);
              } finally {
                await staging!.remove(copy.name);
              }
            },
          };
        } catch (e) {
          // No private file system here, or no room in it: Files are read as they are from now on.
          stagingFailed = true;
          discard(copy);
          console.warn(`Slip Audit: large files are read as they are (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      await db.registerFileHandle(path, blob, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
      return { path, release: async () => { await db.dropFile(path); } };
    },
    prepareHandle(handle, range) {
      if (!(handle instanceof Blob) || !canStage(range[1] - range[0])) return;
      const key = keyOf(handle, range);
      if (!prepared.has(key)) prepared.set(key, startCopy(handle, handle.slice(range[0], range[1])));
    },
    async exec(sql) {
      await conn.query(sql);
    },
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      return arrowToRows(await conn.query(sql) as unknown as ArrowResult) as R[];
    },
    async close() {
      for (const copy of prepared.values()) discard(copy);
      prepared.clear();
      await conn.close();
      await db.terminate();
    },
  };
}
