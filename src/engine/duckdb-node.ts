/** Native DuckDB (@duckdb/node-api) for the CLI, tests and the benchmark reference. */
import { DuckDBInstance, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import type { Engine, Row } from '../core/engine';
import { ident } from '../core/sql/sql';

const CHUNK = 2048;

export async function createNodeEngine(): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0]?.v;

  return {
    name: `native DuckDB ${String(version)}`,
    async loadColumns(name, columns, data) {
      const cols = columns.map((c) => `${ident(c)} VARCHAR`).join(', ');
      await conn.run(`CREATE OR REPLACE TABLE ${ident(name)} (${cols})`);
      const rowCount = data[0]?.length ?? 0;
      if (rowCount === 0 || columns.length === 0) return;
      const appender = await conn.createAppender(name);
      const types = columns.map(() => VARCHAR);
      for (let start = 0; start < rowCount; start += CHUNK) {
        const n = Math.min(CHUNK, rowCount - start);
        const chunk = DuckDBDataChunk.create(types, n);
        for (let c = 0; c < columns.length; c++) {
          chunk.setColumnValues(c, data[c].slice(start, start + n));
        }
        appender.appendDataChunk(chunk);
      }
      appender.closeSync();
    },
    async exec(sql) {
      await conn.run(sql);
    },
    async query<R extends Row = Row>(sql: string): Promise<R[]> {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((r) => normaliseRow(r)) as R[];
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) out[k] = null;
    else if (typeof v === 'bigint') out[k] = Number(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (v instanceof Date) out[k] = v.toISOString().slice(0, 10);
    else out[k] = String(v);
  }
  return out;
}
