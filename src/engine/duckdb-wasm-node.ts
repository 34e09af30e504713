/**
 * DuckDB-WASM in Node (the blocking bundle): the same DuckDB build as the browser, for
 * `--engine wasm` and for tests that prove both engines agree.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Engine, Row } from '../core/engine';
import { ident } from '../core/sql/sql';
import { arrowToRows, columnsToIPC, OFFLINE_SETTINGS, type ArrowResult } from './wasm-common';
import { DATABASE_SETUP } from './setup';

const require = createRequire(import.meta.url);

export async function createWasmNodeEngine(): Promise<Engine> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as typeof import('@duckdb/duckdb-wasm/blocking');
  const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
  const bundles = {
    mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate();
  const conn = db.connect();
  for (const setting of OFFLINE_SETTINGS) conn.query(setting);
  for (const statement of DATABASE_SETUP) conn.query(statement);
  let textSeq = 0;
  const version = db.getVersion();

  return {
    name: `DuckDB-WASM ${version}`,
    async loadColumns(name, columns, data) {
      conn.query(`CREATE OR REPLACE TABLE ${ident(name)} (${columns.map((c) => `${ident(c)} VARCHAR`).join(', ')})`);
      for (const ipc of columnsToIPC(columns, data)) conn.insertArrowFromIPCStream(ipc, { name, create: false });
    },
    async registerText(text) {
      const path = `slip-text-${++textSeq}.csv`;
      db.registerFileText(path, text);
      return { path, release: async () => { db.dropFile(path); } };
    },
    async registerBytes(bytes) {
      const path = `slip-text-${++textSeq}.csv`;
      db.registerFileBuffer(path, bytes);
      return { path, release: async () => { db.dropFile(path); } };
    },
    async exec(sql) {
      conn.query(sql);
    },
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      return arrowToRows(conn.query(sql) as unknown as ArrowResult) as R[];
    },
    async close() {
      conn.close();
      db.reset();
    },
  };
}
