/**
 * The SQL half of the text fast path (fast-text.ts): how one mapped cell is read in SQL,
 * and how unknown columns become a row's extras. A form is read in SQL only where SQL
 * gives the same typed value as the row builder; everything else is parseValue's.
 */
import type { Engine } from '../engine';
import type { FieldDef, ParseOptions } from '../types';
import type { ColumnMap } from './header';
import { extraKey } from './build';
import { parseValue } from './values';
import { sqlType } from '../audit/tables';
import { lit } from '../sql/sql';

export interface FieldSql { value: string; ok: string }

/** Most distinct texts of a column read through a CASE list; more go through a joined dictionary. */
const MAX_CASE_KEYS = 64;

const NUMBER_FORM = String.raw`(?:-|¥|-¥|¥-)?(?:\d{1,13}|\d{1,3}(?:,\d{3}){1,3})(?:\.\d{1,10})?`;
const DASHES_FORM = '[-\u2010-\u2015]+';
/** `2025-03-18`, `2025-3-8`, `2025/3/8`: DuckDB's cast reads these as the builder does (an impossible day gives NULL). */
const YMD_FORM = String.raw`[1-9]\d{3}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})`;

/**
 * One mapped cell in SQL. Numbers: the plain, grouped and `¥` forms by pattern (their digits
 * cast to the column type give what the builder's canonical text gives); everything else of
 * a number goes to the builder. Other kinds with a value form (flags, enumerations,
 * signatures, dates, durations): parseValue on each distinct raw text, joined back.
 */
export async function fieldSql(
  engine: Engine, field: FieldDef, raw: string, trimmed: string, table: string, n: number, col: number,
  opts: ParseOptions, temps: string[], joins: string[], inner: string[],
): Promise<FieldSql> {
  const type = sqlType(field.kind);
  if (field.kind === 'text') return { value: `NULLIF(${trimmed}, '')`, ok: 'true' };
  if (field.kind === 'number') {
    // Most numbers have no group separator or ¥: cast as they are (replace copies every string).
    const digits = `CASE WHEN contains(${raw}, ',') OR contains(${raw}, '¥') THEN replace(replace(${raw}, ',', ''), '¥', '') ELSE ${raw} END`;
    inner.push(`CASE WHEN regexp_full_match(${raw}, '${NUMBER_FORM}') THEN CAST(${digits} AS ${type}) END AS _v${col}`);
    return { value: `_v${col}`, ok: `_v${col} IS NOT NULL OR ${raw} = '' OR regexp_full_match(${raw}, '${DASHES_FORM}')` };
  }
  // Year-month-day dates and times are read by a cast where the pattern guarantees the builder's reading.
  let direct: string | null = null;
  if (field.kind === 'date') direct = `CASE WHEN regexp_full_match(${raw}, '${YMD_FORM}') THEN TRY_CAST(${raw} AS DATE) END`;
  if (field.kind === 'datetime') {
    direct = `CASE WHEN regexp_full_match(${raw}, '${YMD_FORM}(?: (?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?)?') THEN TRY_CAST(${raw} AS TIMESTAMP) END`;
  }
  const where = direct ? `WHERE (${direct}) IS NULL` : '';
  const distinct = await engine.query<{ v: string }>(`SELECT DISTINCT ${raw} AS v FROM ${table} ${where}`);
  const keys: string[] = [];
  const vals: (string | null)[] = [];
  const good: string[] = [];
  for (const { v } of distinct) {
    const text = String(v);
    const parsed = parseValue(field, text, opts);
    keys.push(text);
    vals.push(parsed.ok ? parsed.value : null);
    good.push(parsed.ok ? '1' : '0');
  }
  const typed = (v: string) => `CAST(${v} AS ${type})`;
  let fromDict: string;
  let known: string;
  if (keys.length <= MAX_CASE_KEYS) {
    // A few distinct texts (flags, enumerations, most date columns): a CASE list, no join.
    const readable = keys.map((k, i) => ({ k, v: vals[i], ok: good[i] === '1' })).filter((x) => x.ok);
    if (readable.length === keys.length) {
      // Every text the rows can hold here is readable (the list is of this very table): no row
      // needs checking, and a text column's names that read as themselves need no WHEN.
      const text = type === 'VARCHAR';
      const whens = readable.filter((x) => !text || x.v !== x.k).map((x) => `WHEN ${lit(x.k)} THEN ${x.v === null ? 'NULL' : lit(x.v)}`);
      fromDict = !whens.length ? (text ? raw : 'NULL') : typed(`CASE ${raw} ${whens.join(' ')}${text ? ` ELSE ${raw}` : ''} END`);
      known = 'true';
    } else {
      fromDict = readable.length ? typed(`CASE ${raw} ${readable.map((x) => `WHEN ${lit(x.k)} THEN ${x.v === null ? 'NULL' : lit(x.v)}`).join(' ')} END`) : 'NULL';
      known = readable.length ? `${raw} IN (${readable.map((x) => lit(x.k)).join(', ')})` : 'false';
    }
  } else {
    const dict = `_fast_dict_${n}_${col}`;
    temps.push(dict);
    await engine.loadColumns(dict, ['k', 'v', 'ok'], [keys, vals, good]);
    const alias = `d${col}`;
    joins.push(`LEFT JOIN ${dict} ${alias} ON ${alias}.k = ${raw}`);
    fromDict = typed(`${alias}.v`);
    known = good.includes('0') ? `${alias}.ok = '1'` : 'true';
  }
  if (direct) inner.push(`${direct} AS _v${col}`);
  return direct
    ? { value: `coalesce(_v${col}, ${fromDict})`, ok: `_v${col} IS NOT NULL OR ${known}` }
    : { value: fromDict, ok: known };
}

/**
 * The extras column as the builder writes it (JSON.stringify of header → trimmed text, in
 * JavaScript's key order); cells beyond the header never reach here (their rows are rejected).
 */
export function extrasSql(headers: readonly string[], columns: ColumnMap, width: number, trimmed: (k: number) => string): string {
  const keys = new Set<string>();
  const extra: { col: number; key: string }[] = [];
  for (let col = 0; col < width; col++) {
    if (columns[col]) continue;
    const key = extraKey((headers[col] ?? '').trim(), col, keys);
    keys.add(key);
    extra.push({ col, key });
  }
  if (extra.length === 0) return 'CAST(NULL AS VARCHAR)';
  const probe: Record<string, number> = {};
  for (const e of extra) probe[e.key] = e.col;
  const ordered = Object.keys(probe).map((k) => ({ key: k, col: probe[k] }));
  const item = ({ key, col }: { key: string; col: number }) => {
    const v = trimmed(col);
    return `CASE WHEN ${v} <> '' THEN ${lit(`${JSON.stringify(key)}:"`)} || replace(replace(${v}, '\\', '\\\\'), '"', '\\"') || '"' END`;
  };
  return `CASE WHEN ${ordered.map((e) => `${trimmed(e.col)} <> ''`).join(' OR ')} THEN '{' || concat_ws(',', ${ordered.map(item).join(', ')}) || '}' END`;
}
