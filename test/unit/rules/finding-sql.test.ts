/**
 * The price-list lookup (RULES.md) against a plain reading of it, on random small price
 * lists full of what makes it hard: codes and names padded with spaces, missing codes,
 * names without a spec, undated rows, two rows for one key and date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDDL } from '../../../src/core/audit/tables';
import type { Engine } from '../../../src/core/engine';
import { priceColumnSql, priceJoinSql, priceLookupCte } from '../../../src/core/rules/finding-sql';
import { slipTypeDef } from '../../../src/core/schema/slip-types';
import { lit } from '../../../src/core/sql/sql';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import { createWasmNodeEngine } from '../../../src/engine/duckdb-wasm-node';

interface PriceRow { code: string | null; name: string | null; spec: string | null; min: number; std: number; from: string | null; file: string; row: number }
interface Line { code: string | null; name: string | null; spec: string | null; date: string | null }

/** RULES.md: by code when the price list knows the line's code, else by name + spec; latest dated row on or before the date, else an undated row; ties in source order. */
function expected(line: Line, prices: readonly PriceRow[]): string {
  const t = (s: string | null) => (s === null ? null : s.replace(/^ +| +$/g, ''));
  const code = t(line.code);
  const byCode = code !== null && prices.some((p) => t(p.code) === code);
  const candidates = prices.filter((p) => (byCode
    ? t(p.code) === code
    : t(p.name) !== null && t(p.name) === t(line.name) && (t(p.spec) ?? '') === (t(line.spec) ?? '')));
  const usable = candidates.filter((p) => p.from === null || (line.date !== null && p.from <= line.date));
  usable.sort((a, b) => (a.from === b.from ? 0 : a.from === null ? 1 : b.from === null ? -1 : a.from < b.from ? 1 : -1)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.row - b.row);
  const p = usable[0];
  return p ? `${p.min}|${p.std}|${p.from ?? ''}` : '||';
}

let seed = 7;
const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pick = <T,>(xs: readonly T[]): T => xs[rnd(xs.length)];
const CODES = [null, 'P1', ' P1', 'P2 ', 'P3', 'P9'];
const NAMES = [null, '泵', ' 泵', '阀'];
const SPECS = [null, '', 'A', 'A '];
const DATES = [null, '2025-01-01', '2025-02-01', '2025-03-01', '2025-03-15'];
const sqlValue = (v: string | number | null) => (v === null ? 'NULL' : lit(v));

async function check(engine: Engine, rounds: number): Promise<number> {
  let compared = 0;
  for (let round = 0; round < rounds; round++) {
    for (const t of ['outbound', 'price_list']) {
      await engine.exec(`DROP TABLE IF EXISTS ${t}`);
      await engine.exec(tableDDL(slipTypeDef(t)!));
    }
    const prices: PriceRow[] = Array.from({ length: 12 }, (_, i) => ({
      code: pick(CODES), name: pick(NAMES), spec: pick(SPECS), min: rnd(100), std: rnd(100), from: pick(DATES), file: pick(['a.csv', 'b.csv']), row: i,
    }));
    await engine.exec(`INSERT INTO price_list (product_code, product_name, spec, min_price, standard_price, effective_from, source_file, sheet, source_row)
      VALUES ${prices.map((p) => `(${[p.code, p.name, p.spec, p.min, p.std, p.from, p.file].map(sqlValue).join(', ')}, '', ${p.row})`).join(', ')}`);
    const lines: Line[] = Array.from({ length: 40 }, () => ({ code: pick(CODES), name: pick(NAMES), spec: pick(SPECS), date: pick(DATES) }));
    await engine.exec(`INSERT INTO outbound (slip_no, product_code, product_name, spec, date, source_file, sheet, source_row)
      VALUES ${lines.map((l, i) => `(${lit(`CK${i}`)}, ${[l.code, l.name, l.spec, l.date].map(sqlValue).join(', ')}, 'o.csv', '', ${i})`).join(', ')}`);
    const got = await engine.query<{ r: number; v: string }>(`WITH ${priceLookupCte(true)}
      SELECT s.source_row AS r, coalesce(CAST(CAST(${priceColumnSql('min_price')} AS INTEGER) AS VARCHAR), '') || '|'
        || coalesce(CAST(CAST(${priceColumnSql('standard_price')} AS INTEGER) AS VARCHAR), '') || '|' || coalesce(CAST(${priceColumnSql('effective_from')} AS VARCHAR), '') AS v
      FROM outbound s ${priceJoinSql('outbound')} ORDER BY s.source_row`);
    expect(got.map((g) => String(g.v))).toEqual(lines.map((l) => expected(l, prices)));
    compared += got.length;
  }
  return compared;
}

describe('price-list lookup', () => {
  let native: Engine;
  let wasm: Engine;
  beforeAll(async () => { native = await createNodeEngine(); wasm = await createWasmNodeEngine(); }, 60_000);
  afterAll(async () => { await native.close(); await wasm.close(); });

  it('gives each line the row RULES.md names (native)', async () => {
    expect(await check(native, 60)).toBe(60 * 40);
  }, 60_000);

  it('gives each line the row RULES.md names (WASM)', async () => {
    expect(await check(wasm, 20)).toBe(20 * 40);
  }, 60_000);
});
