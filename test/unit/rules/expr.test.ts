import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/core/engine';
import { translateExpr, type Scope } from '../../../src/core/rules/expr';
import { createNodeEngine } from '../../../src/engine/duckdb-node';

const scope: Scope = { main: { alias: 's', columns: new Map([['date', 'date'], ['keeper', 'signature'], ['qty', 'number']]) } };
const sql = (expr: string, params = {}) => {
  const t = translateExpr(expr, scope, { params, asOf: '2025-03-31' });
  if (!t.ok) throw new Error(t.errors.map((e) => e.message).join('; '));
  return t.sql;
};

let engine: Engine;
beforeAll(async () => { engine = await createNodeEngine(); });
afterAll(async () => { await engine.close(); });

/** Evaluate a date expression for one date in DuckDB. */
async function evalDate(expr: string, date: string, params = {}): Promise<string> {
  const rows = await engine.query<{ v: string }>(`SELECT CAST(${sql(expr, params)} AS VARCHAR) AS v FROM (SELECT DATE '${date}' AS date) s`);
  return rows[0].v;
}

describe('month arithmetic (RULES.md "d + N months", "eom")', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-01-31', 2, '2025-03-31'],
    ['2025-01-29', 1, '2025-02-28'],
    ['2024-01-29', 1, '2024-02-29'],
    ['2025-01-30', 1, '2025-02-28'],
    ['2023-12-31', 2, '2024-02-29'],
    ['2024-12-31', 2, '2025-02-28'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2025-05-15', 1, '2025-06-15'],
  ])('%s + %i months = %s', async (d, n, want) => {
    expect(await evalDate('add_months(date, {n})', d, { n })).toBe(want);
  });
  it.each([
    ['2024-02-03', '2024-02-29'], ['2025-02-28', '2025-02-28'], ['2025-12-01', '2025-12-31'],
  ])('eom(%s) = %s', async (d, want) => {
    expect(await evalDate('eom(date)', d)).toBe(want);
  });
  it('eom(date + 1 month) for an issue on the 31st', async () => {
    expect(await evalDate('eom(add_months(date, 1))', '2025-01-31')).toBe('2025-02-28');
  });
});

describe('translateExpr', () => {
  it('qualifies columns, substitutes params and as_of as literals', () => {
    expect(sql("qty > {n} AND date < as_of", { n: 3 })).toBe(`s."qty" > 3 AND s."date" < DATE '2025-03-31'`);
    expect(sql('qty IN {xs}', { xs: ["a'b", 'c'] })).toBe(`s."qty" IN ('a''b', 'c')`);
  });
  it('missing() of a signature treats placeholders as missing', async () => {
    const m = sql('missing(keeper)');
    const rows = await engine.query<{ k: string | null; m: boolean }>(
      `SELECT k, ${m} AS m FROM (VALUES ('无'), ('王无忌'), (NULL), (' / '), ('n/a'), ('待签')) v(k), LATERAL (SELECT k AS keeper) s ORDER BY k NULLS FIRST`);
    expect(rows.map((r) => [r.k, r.m])).toEqual([[null, true], [' / ', true], ['n/a', true], ['待签', true], ['无', true], ['王无忌', false]]);
  });
  it('reports unknown columns, params, functions and unbalanced parentheses with offsets', () => {
    const t = translateExpr('qtty > {m} OR sleep(1) OR (qty > 1', scope, { params: {}, asOf: '2025-03-31' });
    expect(t.ok ? [] : t.errors).toEqual([
      { offset: 0, message: 'unknown column qtty' },
      { offset: 7, message: 'unknown param {m}' },
      { offset: 14, message: 'function sleep() is not allowed' },
      { offset: 34, message: 'missing ")"' },
    ]);
  });
  it('refuses quoted identifiers and statement separators', () => {
    expect(translateExpr('"qty" > 1', scope, { params: {}, asOf: '2025-03-31' }).ok).toBe(false);
    expect(translateExpr('qty > 1; DROP TABLE x', scope, { params: {}, asOf: '2025-03-31' }).ok).toBe(false);
  });
});

describe('decimal rounding', () => {
  it('round(x, 2) on DECIMAL rounds half away from zero', async () => {
    const rows = await engine.query<{ a: string; b: string }>(
      `SELECT CAST(round(CAST(0.125 AS DECIMAL(18,4)), 2) AS VARCHAR) AS a, CAST(round(CAST(-0.125 AS DECIMAL(18,4)), 2) AS VARCHAR) AS b`);
    expect(rows[0]).toEqual({ a: '0.13', b: '-0.13' });
  });
});
