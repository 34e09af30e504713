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
  return withPrice ? { main, qualified: { price: { alias: 'price', columns: PRICE_COLUMNS } } } : { main };
}

/**
 * The price-list lookup of RULES.md as one CTE `_price(_rid, min_price, standard_price,
 * effective_from)` for the rows of `type` (`_rid` = the row's rowid): by product_code when
 * the line has one and the price list knows it, else by product_name + spec; the dated row
 * with the latest effective_from on or before the slip date, an undated row only when no
 * dated row applies; among equal candidates the first in the price list's source order.
 * The price list is small: it is cut down to one row per key and date first. The lookup is
 * a function of (date, code) or (date, name, spec), so it is made once per such key (an ASOF
 * join for the dated row, an equi-join for the undated one) and joined back to the rows by
 * hash: a year's million lines share some ten thousand keys, and an ASOF join over every
 * line would sort them all (the browser's peak memory).
 * With `loaded` false (no price list) every line gets no price.
 */
export function priceLookupCte(type: SlipTypeId, loaded: boolean): string {
  if (!loaded) {
    return `_price AS (SELECT CAST(NULL AS BIGINT) AS _rid, CAST(NULL AS DECIMAL(18,4)) AS min_price, CAST(NULL AS DECIMAL(18,4)) AS standard_price, CAST(NULL AS DATE) AS effective_from WHERE FALSE)`;
  }
  const t = ident(type);
  const d = ident(primaryDate(type));
  const first = (keys: string) => `QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY source_file, sheet, source_row) = 1`;
  const pick = (dated: string, undated: string) => ['min_price', 'standard_price', 'effective_from']
    .map((col) => `CASE WHEN ${dated}.effective_from IS NOT NULL THEN ${dated}.${col} ELSE ${undated}.${col} END AS ${col}`).join(', ');
  return `_pl AS (
  SELECT trim(product_code) AS _code, trim(product_name) AS _name, coalesce(trim(spec), '') AS _spec,
    min_price, standard_price, effective_from, source_file, sheet, source_row FROM price_list
),
_dc AS (SELECT * FROM _pl WHERE _code IS NOT NULL AND effective_from IS NOT NULL ${first('_code, effective_from')}),
_uc AS (SELECT * FROM _pl WHERE _code IS NOT NULL AND effective_from IS NULL ${first('_code')}),
_dn AS (SELECT * FROM _pl WHERE _name IS NOT NULL AND effective_from IS NOT NULL ${first('_name, _spec, effective_from')}),
_un AS (SELECT * FROM _pl WHERE _name IS NOT NULL AND effective_from IS NULL ${first('_name, _spec')}),
_s AS NOT MATERIALIZED (
  SELECT s.rowid AS _rid, s.${d} AS _d, trim(s.product_code) AS _code, trim(s.product_name) AS _name, coalesce(trim(s.spec), '') AS _spec,
    coalesce(trim(s.product_code) IN (SELECT _code FROM _pl WHERE _code IS NOT NULL), false) AS _by_code
  FROM ${t} s
),
_k AS (
  SELECT DISTINCT _d, _by_code, CASE WHEN _by_code THEN _code END AS _code,
    CASE WHEN NOT _by_code THEN _name END AS _name, CASE WHEN NOT _by_code THEN _spec END AS _spec
  FROM _s
),
_kp AS (
  SELECT _k._d, _k._by_code, _k._code, _k._name, _k._spec, ${pick('dc', 'uc')} FROM (SELECT * FROM _k WHERE _by_code) _k
  ASOF LEFT JOIN _dc dc ON dc._code = _k._code AND _k._d >= dc.effective_from
  LEFT JOIN _uc uc ON uc._code = _k._code
  UNION ALL
  SELECT _k._d, _k._by_code, _k._code, _k._name, _k._spec, ${pick('dn', 'un')} FROM (SELECT * FROM _k WHERE NOT _by_code) _k
  ASOF LEFT JOIN _dn dn ON dn._name = _k._name AND dn._spec = _k._spec AND _k._d >= dn.effective_from
  LEFT JOIN _un un ON un._name = _k._name AND un._spec = _k._spec
),
_price AS (
  SELECT _s._rid, _kp.min_price, _kp.standard_price, _kp.effective_from FROM _s JOIN _kp
    ON _kp._by_code = _s._by_code AND _kp._d IS NOT DISTINCT FROM _s._d
    AND _kp._code IS NOT DISTINCT FROM (CASE WHEN _s._by_code THEN _s._code END)
    AND _kp._name IS NOT DISTINCT FROM (CASE WHEN NOT _s._by_code THEN _s._name END)
    AND _kp._spec IS NOT DISTINCT FROM (CASE WHEN NOT _s._by_code THEN _s._spec END)
)`;
}
