/**
 * SQL building blocks every rule kind shares: the finding projection (the contract's
 * thirteen columns, severity and penalty tiers, who is charged), value formatting, the
 * price-list lookup and column scopes taken from the slip schema. One place, so every
 * kind formats money, dates and details the same way on every engine.
 */
import type { FieldKind, SlipTypeId } from '../types';
import { slipTypeDef } from '../schema/slip-types';
import { ident, lit } from '../sql/sql';
import { missingSql, translateExpr, type ExprEnv, type Scope, type ScopeTable } from './expr';
import type { ChargedTo, Penalty, PenaltyTier, Severity } from './types';

/** The label a gate penalty is charged to (RULES.md "Penalty ledger"). */
export const GATE = '门卫/gate';

/** What the projection needs from a rule (the common part of every rule). */
export interface RuleOutput {
  id: string;
  severity: Severity;
  penalty: Penalty | null;
  tiers: readonly PenaltyTier[];
  responsible: ChargedTo | null;
}

/** Columns of a slip type, by name. */
export function typeColumns(type: SlipTypeId): Map<string, FieldKind> {
  const def = slipTypeDef(type);
  if (!def) throw new Error(`unknown slip type ${type}`);
  return new Map(def.fields.map((f) => [f.name, f.kind]));
}

/** Columns common to several slip types (a rule over several types may name only these). */
export function commonColumns(types: readonly SlipTypeId[]): Map<string, FieldKind> {
  const [first, ...rest] = types.map(typeColumns);
  for (const [name] of first) if (rest.some((c) => !c.has(name))) first.delete(name);
  return first;
}

export const PRICE_COLUMNS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ['min_price', 'number'], ['standard_price', 'number'], ['effective_from', 'date'],
]);

/** The row's date as a DATE (the slip type's primary date). */
export function primaryDate(type: SlipTypeId): string {
  const def = slipTypeDef(type);
  if (!def?.primaryDate) throw new Error(`slip type ${type} has no date`);
  return def.primaryDate;
}

export function keyField(type: SlipTypeId): string {
  const def = slipTypeDef(type);
  if (!def) throw new Error(`unknown slip type ${type}`);
  return def.key;
}

/** Money and other decimals as text with two decimals, rounded half away from zero (DuckDB DECIMAL round). */
export function moneySql(expr: string): string {
  return `CAST(CAST(round(${expr}, 2) AS DECIMAL(18,2)) AS VARCHAR)`;
}

export function dateTextSql(expr: string): string {
  return `CAST(CAST(${expr} AS DATE) AS VARCHAR)`;
}

/** One value inside a detail: decimals without trailing zeros beyond two places, others as text. */
function detailValueSql(expr: string): string {
  return `coalesce(CASE WHEN typeof(${expr}) LIKE 'DECIMAL%' THEN regexp_replace(CAST(${expr} AS VARCHAR), '(\\.[0-9][0-9][0-9]*?)0+$', '\\1') ELSE CAST(${expr} AS VARCHAR) END, '')`;
}

/** `label=value label=value`: the language-neutral facts of a finding. */
export function detailSql(parts: readonly (readonly [string, string])[], extra: readonly string[] = []): string {
  const items = [...extra, ...parts.map(([label, expr]) => `${lit(`${label}=`)} || ${detailValueSql(expr)}`)];
  if (items.length === 0) return 'NULL';
  return `nullif(concat_ws(' ', ${items.join(', ')}), '')`;
}

export interface Parts {
  slipType: SlipTypeId;
  scope: Scope;
  slipNo: string;
  date: string;
  amount: string | null;
  detail: string;
  /** Alias carrying source_file, sheet, source_row. */
  source: string;
}

/** Translate a rule expression the loader has already checked; a failure here is a bug. */
export function exprSql(expr: string, scope: Scope, env: ExprEnv): string {
  const t = translateExpr(expr, scope, env);
  if (!t.ok) throw new Error(`expression ${JSON.stringify(expr)}: ${t.errors.map((e) => e.message).join('; ')}`);
  return t.sql;
}

/** Who a finding is charged to, as SQL. */
export function responsibleSql(to: ChargedTo | null, scope: Scope): string {
  if (!to) return 'NULL';
  if ('role' in to) return lit(to.role === 'gate' ? GATE : to.role);
  const kind = scope.main.columns.get(to.field) ?? 'text';
  const col = `${scope.main.alias}.${ident(to.field)}`;
  return `CASE WHEN ${missingSql(col, kind)} THEN NULL ELSE CAST(${col} AS VARCHAR) END`;
}

/** The select list of a finding: the contract's columns in order. */
export function findingSelect(rule: RuleOutput, env: ExprEnv, p: Parts): string {
  const s = p.source;
  // Tiers escalate: the last listed tier whose condition holds applies.
  const tiers = [...rule.tiers].reverse().map((t) => {
    const amount = t.amount === undefined ? null : typeof t.amount === 'number' ? lit(t.amount) : `(${exprSql(t.amount.expr, p.scope, env)})`;
    // A tier whose amount cannot be worked out (no price, no amount) does not apply.
    const cond = `(${exprSql(t.when, p.scope, env)})${amount && typeof t.amount !== 'number' ? ` AND ${amount} IS NOT NULL` : ''}`;
    return { cond, t, amount };
  });
  const pick = (base: string, get: (x: (typeof tiers)[number]) => string | null): string => {
    const arms = tiers.map((x) => ({ cond: x.cond, v: get(x) })).filter((a): a is { cond: string; v: string } => a.v !== null);
    return arms.length ? `CASE ${arms.map((a) => `WHEN ${a.cond} THEN ${a.v}`).join(' ')} ELSE ${base} END` : base;
  };
  const severity = pick(lit(rule.severity), (x) => (x.t.severity ? lit(x.t.severity) : null));
  const penalty = rule.penalty
    ? pick(moneySql(lit(rule.penalty.amount)), (x) => (x.amount ? moneySql(x.amount) : null))
    : 'NULL';
  const note = rule.penalty || rule.tiers.length
    ? pick(lit(rule.penalty?.note ?? null), (x) => (x.t.note !== undefined ? lit(x.t.note) : null))
    : 'NULL';
  const responsible = responsibleSql(rule.penalty?.charged_to ?? rule.responsible, p.scope);
  return [
    `${lit(rule.id)} AS rule_id`,
    `${severity} AS severity`,
    `${lit(p.slipType)} AS slip_type`,
    `CAST(${p.slipNo} AS VARCHAR) AS slip_no`,
    `${dateTextSql(p.date)} AS date`,
    `${responsible} AS responsible`,
    `${p.amount ? moneySql(p.amount) : 'CAST(NULL AS VARCHAR)'} AS amount`,
    `CAST(${penalty} AS VARCHAR) AS penalty`,
    `CAST(${note} AS VARCHAR) AS penalty_note`,
    `${s}.source_file AS source_file`,
    `${s}.sheet AS sheet`,
    `CAST(${s}.source_row AS INTEGER) AS source_row`,
    `CAST(${p.detail} AS VARCHAR) AS detail`,
  ].join(',\n  ');
}

/** A scope over one slip type's columns under an alias, with the price lookup when asked. */
export function typeScope(columns: ReadonlyMap<string, FieldKind>, alias: string, withPrice: boolean): Scope {
  const main: ScopeTable = { alias, columns };
  return withPrice ? { main, qualified: { price: { alias: 'price', columns: PRICE_COLUMNS, column: priceColumnSql } } } : { main };
}

/** The ends of time, so that every condition of the join is a comparison (DuckDB then joins by hash, checking the dates on each match). */
const START = "DATE '-infinity'";
const END = "DATE 'infinity'";

/**
 * The price-list lookup of RULES.md as two CTEs of the price list alone, `_price_code(_code, …)`
 * and `_price_name(_name, _spec, …)`: for each key of the price list, the dates over which
 * each of its rows applies (`_from` inclusive to `_to` exclusive; open ends are the infinite
 * dates, and a line without a date is at the start of time), with min_price, standard_price
 * and effective_from. A line is priced by product_code when the price list knows its code,
 * else by product_name + spec; the dated row with the latest effective_from on or before the
 * slip date, an undated row only when no dated row applies (before the first dated row, and
 * for a line without a date); among equal candidates the first in the price list's source
 * order. So every key has a first span from no date to its first dated row (its undated row's
 * prices, or none), then one span per dated row.
 * A rule joins its lines to these spans by key (priceJoinSql): the small side of the join is
 * the price list's, whatever the number of lines (a lookup per line, or an ASOF join over the
 * lines, would hold or sort all of them: the browser's peak memory).
 * With `loaded` false (no price list) every line gets no price.
 */
export function priceLookupCte(loaded: boolean): string {
  const prices = 'CAST(NULL AS DECIMAL(18,4)) AS min_price, CAST(NULL AS DECIMAL(18,4)) AS standard_price, CAST(NULL AS DATE) AS effective_from';
  if (!loaded) {
    const span = 'CAST(NULL AS DATE) AS _from, CAST(NULL AS DATE) AS _to';
    return `_price_code AS (SELECT CAST(NULL AS VARCHAR) AS _code, ${span}, ${prices} WHERE FALSE),
_price_name AS (SELECT CAST(NULL AS VARCHAR) AS _name, CAST(NULL AS VARCHAR) AS _spec, ${span}, ${prices} WHERE FALSE)`;
  }
  const spans = (cte: string, keys: string[]) => {
    const k = keys.join(', ');
    const on = keys.map((c) => `f.${c} = u.${c}`).join(' AND ');
    const first = (where: string, by: string) => `SELECT * FROM _pl WHERE ${keys[0]} IS NOT NULL AND ${where}
    QUALIFY row_number() OVER (PARTITION BY ${by} ORDER BY source_file, sheet, source_row) = 1`;
    return `${cte}_dated AS (${first('effective_from IS NOT NULL', `${k}, effective_from`)}),
${cte}_undated AS (${first('effective_from IS NULL', k)}),
${cte} AS (
  SELECT ${k}, effective_from AS _from, coalesce(lead(effective_from) OVER (PARTITION BY ${k} ORDER BY effective_from), ${END}) AS _to,
    min_price, standard_price, effective_from
  FROM ${cte}_dated
  UNION ALL
  SELECT ${keys.map((c) => `f.${c}`).join(', ')}, ${START} AS _from, coalesce(f._first, ${END}) AS _to, u.min_price, u.standard_price, u.effective_from
  FROM (SELECT ${k}, min(effective_from) AS _first FROM _pl WHERE ${keys[0]} IS NOT NULL GROUP BY ${k}) f
  LEFT JOIN ${cte}_undated u ON ${on}
)`;
  };
  return `_pl AS (
  SELECT trim(product_code) AS _code, trim(product_name) AS _name, coalesce(trim(spec), '') AS _spec,
    min_price, standard_price, effective_from, source_file, sheet, source_row FROM price_list
),
${spans('_price_code', ['_code'])},
${spans('_price_name', ['_name', '_spec'])}`;
}

/** The date spans of priceLookupCte that hold a line `s` of `type`: by code (`_pc`), and by name and spec (`_pn`). */
export function priceJoinSql(type: SlipTypeId): string {
  const d = `coalesce(s.${ident(primaryDate(type))}, ${START})`;
  const within = (a: string) => `${d} >= ${a}._from AND ${d} < ${a}._to`;
  return `LEFT JOIN _price_code _pc ON _pc._code = trim(s.product_code) AND ${within('_pc')}
LEFT JOIN _price_name _pn ON _pn._name = trim(s.product_name) AND _pn._spec = coalesce(trim(s.spec), '') AND ${within('_pn')}`;
}

/** A column of the line's price (PRICE_COLUMNS) under priceJoinSql: by code when the price list knows the code, else by name and spec. */
export function priceColumnSql(column: string): string {
  return `CASE WHEN _pc._code IS NOT NULL THEN _pc.${ident(column)} ELSE _pn.${ident(column)} END`;
}
