/** Native DuckDB (@duckdb/node-api) for the CLI, tests and the benchmark reference. */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Engine, Row } from '../core/engine';
import { ident, lit } from '../core/sql/sql';
import { DATABASE_SETUP } from './setup';

/**
 * Rows per staging CSV file. Bulk text through DuckDB's own CSV reader is several times
 * faster than the appender, which converts every JS string into a vector cell by cell.
 */
const BATCH = 200_000;

/** `plain`: DuckDB's default in-memory database, without DATABASE_SETUP (the bench's by-hand reference). */
export async function createNodeEngine(opts: { plain?: boolean } = {}): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  if (!opts.plain) for (const statement of DATABASE_SETUP) await conn.run(statement);
  const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0]?.v;
  let scratch: string | null = null;
  let textSeq = 0;

  return {
    name: `native DuckDB ${String(version)}`,
    async loadColumns(name, columns, data) {
      const cols = columns.map((c) => `${ident(c)} VARCHAR`).join(', ');
      await conn.run(`CREATE OR REPLACE TABLE ${ident(name)} (${cols})`);
      const rowCount = data[0]?.length ?? 0;
      if (rowCount === 0 || columns.length === 0) return;
      scratch ??= mkdtempSync(join(tmpdir(), 'slip-audit-'));
      const file = join(scratch, 'stage.csv');
      const types = `{${columns.map((c, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(', ')}}`;
      for (let start = 0; start < rowCount; start += BATCH) {
        writeFileSync(file, csvBatch(data, start, Math.min(rowCount, start + BATCH)));
        await conn.run(`INSERT INTO ${ident(name)} SELECT * FROM read_csv(${lit(file)}, columns = ${types}, header = false,
          delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, auto_detect = false, parallel = true)`);
      }
      rmSync(file, { force: true });
    },
    async registerText(text) {
      scratch ??= mkdtempSync(join(tmpdir(), 'slip-audit-'));
      const path = join(scratch, `text-${++textSeq}.csv`);
      writeFileSync(path, text);
      return { path, release: async () => { rmSync(path, { force: true }); } };
    },
    async registerBytes(bytes) {
      scratch ??= mkdtempSync(join(tmpdir(), 'slip-audit-'));
      const path = join(scratch, `text-${++textSeq}.csv`);
      writeFileSync(path, bytes);
      return { path, release: async () => { rmSync(path, { force: true }); } };
    },
    async registerHandle(handle, range) {
      // The command line's inputs are files on disk (their path is the handle): DuckDB reads
      // the file itself instead of a copy written to the scratch folder. The command line
      // checks afterwards that no input changed while it was read.
      if (typeof handle !== 'string' || range) return null;
      return { path: handle, release: async () => {} };
    },
    async registerTextChunks(chunks) {
      scratch ??= mkdtempSync(join(tmpdir(), 'slip-audit-'));
      const path = join(scratch, `text-${++textSeq}.csv`);
      const fd = openSync(path, 'w');
      try {
        for (const chunk of chunks) writeSync(fd, chunk);
      } catch (e) {
        closeSync(fd);
        rmSync(path, { force: true });
        throw e;
      }
      closeSync(fd);
      return { path, release: async () => { rmSync(path, { force: true }); } };
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
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Rows [start, end) as CSV: every value quoted (so '' stays '' and a bare empty field is NULL). */
function csvBatch(data: readonly (readonly (string | null)[])[], start: number, end: number): string {
  const lines: string[] = new Array(end - start);
  const width = data.length;
  const cells: string[] = new Array(width);
  for (let r = start; r < end; r++) {
    for (let c = 0; c < width; c++) {
      const v = data[c][r];
      cells[c] = v === null ? '' : v.includes('"') ? `"${v.replaceAll('"', '""')}"` : '"' + v + '"';
    }
    lines[r - start] = cells.join(',');
  }
  return lines.join('\n') + '\n';
}

/** The binding's row with its values made plain, in place (the rows are ours: a second copy of millions of rows costs GBs). */
function normaliseRow(row: Record<string, unknown>): Row {
  for (const k in row) {
    const v = row[k];
    if (v === null || v === undefined) row[k] = null;
    else if (typeof v === 'bigint') row[k] = Number(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') continue;
    else if (v instanceof Date) row[k] = v.toISOString().slice(0, 10);
    else row[k] = String(v);
  }
  return row as Row;
}
