/**
 * Shared by the per-row kinds (`missing`, `condition`): one SELECT per slip type in
 * `from` that is loaded, each row that satisfies the condition a finding.
 */
import type { SlipTypeId } from '../../types';
import { ident } from '../../sql/sql';
import type { Scope } from '../expr';
import {
  commonColumns, detailSql, exprSql, findingSelect, keyField, primaryDate, priceJoinSql, priceLookupCte, typeScope, type RuleOutput,
} from '../finding-sql';
import type { Needs } from '../types';
import type { Entry } from '../yaml-read';
import { defaultAmount, parseSlipTypes, type CompileEnv, type OutputSettings, type ParseCtx } from './kind';

export interface RowSource {
  from: SlipTypeId[];
  /** Join the price-list lookup as `price.*`. */
  lookup: boolean;
  /** The lookup is used only when the price list is loaded (the rule runs without it). */
  lookupOptional: boolean;
}

export const ROW_SOURCE_KEYS = ['from', 'lookup', 'lookup_optional'] as const;

/** Columns a price lookup needs on the slip side. */
const LOOKUP_FIELDS = ['product_code', 'product_name', 'spec'];

export function parseRowSource(m: Map<string, Entry>, ctx: ParseCtx): RowSource | undefined {
  const fromEntry = m.get('from');
  const from = fromEntry ? parseSlipTypes(fromEntry.value, 'from', ctx) : undefined;
  let lookup = false;
  let ok = from !== undefined;
  const l = m.get('lookup');
  if (l) {
    lookup = ctx.r.oneOf(l.value, 'lookup', ['price_list'] as const) !== undefined;
    if (!lookup) ok = false;
    else if (from) {
      for (const t of from) {
        const cols = commonColumns([t]);
        if (!LOOKUP_FIELDS.every((f) => cols.has(f))) { ctx.r.problem(l.value, `lookup: slip type ${t} has no product_code/product_name/spec`); ok = false; }
      }
    }
  }
  let lookupOptional = false;
  const lo = m.get('lookup_optional');
  if (lo) {
    const v = lo.value && 'value' in lo.value ? (lo.value as { value: unknown }).value : undefined;
    if (typeof v !== 'boolean') { ctx.r.problem(lo.value ?? lo.key, 'lookup_optional must be true or false'); ok = false; }
    else if (!l) { ctx.r.problem(lo.key, 'lookup_optional needs lookup'); ok = false; }
    else lookupOptional = v;
  }
  return ok && from ? { from, lookup, lookupOptional } : undefined;
}

export function rowScope(src: RowSource): Scope {
  return typeScope(commonColumns(src.from), 's', src.lookup);
}

export function rowNeeds(src: RowSource): Needs {
  return {
    all: src.lookup && !src.lookupOptional ? ['price_list'] : [],
    anyOf: [src.from],
  };
}

/** `where` is translated SQL over alias `s` (and `price`); `extraDetail` are SQL text items shown first. */
export function compileRows(
  rule: RuleOutput, src: RowSource, out: OutputSettings, env: CompileEnv,
  where: (scope: Scope) => string, extraDetail: (scope: Scope) => string[] = () => [],
): string {
  const scope = rowScope(src);
  const branches = src.from.filter((t) => env.loaded.has(t)).map((t) => {
    const amount = out.amount ?? defaultAmount(scope);
    const detail = detailSql(out.detail.map(([label, e]) => [label, exprSql(e, scope, env)] as const), extraDetail(scope));
    const select = findingSelect(rule, env, {
      slipType: t, scope, source: 's',
      slipNo: `s.${ident(keyField(t))}`,
      date: `s.${ident(primaryDate(t))}`,
      amount: amount ? exprSql(amount, scope, env) : null,
      detail,
    });
    const withPrice = src.lookup ? `WITH ${priceLookupCte(env.loaded.has('price_list'))}\n` : '';
    const join = src.lookup ? `\n${priceJoinSql(t)}` : '';
    return `(${withPrice}SELECT\n  ${select}\nFROM ${ident(t)} s${join}\nWHERE ${where(scope)})`;
  });
  return branches.join('\nUNION ALL\n');
}
