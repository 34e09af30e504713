/**
 * Text through DuckDB-WASM and back: loadColumns builds Arrow buffers by hand and
 * query cuts each chunk's decoded text at value boundaries, so every kind of string
 * (nulls, empty, CJK, astral characters, lone surrogates, a leading U+FEFF) must come
 * back as the native engine gives it, over several insert batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Table, tableFromIPC } from 'apache-arrow';
import type { Engine } from '../../../src/core/engine';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import { createWasmNodeEngine } from '../../../src/engine/duckdb-wasm-node';
import { arrowToRows, columnsToIPC, utf8Vector, type ArrowResult } from '../../../src/engine/wasm-common';

const SAMPLES: (string | null)[] = [
  null, '', 'a', 'SO-0001', '出库单', '﻿leading BOM', 'tab\there', 'line\nbreak', '"quoted"', '=1+2',
  '😀 astral', 'é', '\u00a0nbsp', '\u0000nul', 'x'.repeat(1000), '混合 text 123.45',
];
const SURROGATES = ['\ud800', 'end\ud83d', '\ude00start', 'ok'];

function column(n: number, pool: readonly (string | null)[], seed: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => pool[(i * 7 + seed) % pool.length]);
}

/** What each engine answers for a column of text, in row order. */
async function roundTrip(engine: Engine, values: (string | null)[][]): Promise<(string | null)[][]> {
  const names = values.map((_, i) => `c${i}`);
  await engine.loadColumns('t', names, values);
  const rows = await engine.query(`SELECT ${names.join(', ')} FROM t ORDER BY rowid`);
  return names.map((c) => rows.map((r) => r[c] as string | null));
}

describe('text columns through DuckDB-WASM', () => {
  let wasm: Engine;
  let native: Engine;
  beforeAll(async () => { wasm = await createWasmNodeEngine(); native = await createNodeEngine(); }, 60_000);
  afterAll(async () => { await wasm.close(); await native.close(); });

  it('gives back every string as written, over several insert batches', async () => {
    const n = 150_000;
    const data = [column(n, SAMPLES, 0), column(n, SAMPLES, 3), column(n, ['only ascii', 'x'], 1), column(n, [null], 0)];
    const got = await roundTrip(wasm, data);
    expect(got).toEqual(data);
    // The native binding's result reader drops a value's leading U+FEFF (it stores it: length() counts it);
    // loaded slip values never start with one (cells are trimmed), so only that sample is left out there.
    const plain = data.map((col) => col.map((v) => v?.replace(/^\ufeff/, '') ?? null));
    expect(await roundTrip(native, data)).toEqual(plain);
  }, 60_000);

  it('writes lone surrogates as the native engine does (U+FFFD)', async () => {
    const data = [column(10, SURROGATES, 0), column(10, ['a', null], 0)];
    expect(await roundTrip(wasm, data)).toEqual(await roundTrip(native, data));
  }, 60_000);

  it('handles a table with no rows', async () => {
    await wasm.loadColumns('empty', ['a'], [[]]);
    expect(await wasm.query('SELECT count(*)::INTEGER AS n FROM empty')).toEqual([{ n: 0 }]);
  }, 60_000);
});

describe('the hand-built Arrow buffers', () => {
  it('equal what Arrow itself reads from them, nulls included', () => {
    const values = column(1000, SAMPLES, 5);
    const v = utf8Vector(values);
    // Arrow's own reader drops a value's leading U+FEFF (it decodes with BOM stripping); ours keeps it.
    expect(v.toArray()).toEqual(values.map((x) => x?.replace(/^\ufeff/, '') ?? null));
    expect(v.nullCount).toBe(values.filter((x) => x === null).length);
    const [ipc] = [...columnsToIPC(['a'], [values])];
    const rows = arrowToRows(tableFromIPC(ipc) as unknown as ArrowResult);
    expect(rows.map((r) => r.a)).toEqual(values);
  });

  it('read sliced chunks (offset into the buffers) by their own window', () => {
    const values = column(100, SAMPLES, 2);
    const table = new Table({ a: utf8Vector(values) }).slice(17, 60);
    expect(arrowToRows(table as unknown as ArrowResult).map((r) => r.a)).toEqual(values.slice(17, 60));
  });
});
