/**
 * `missing`: rows of `from` where at least one of `fields` is missing (RULES.md
 * "missing": a placeholder signature, an empty text, a flag that is not yes, an empty
 * number or date), optionally only rows for which `when` holds. The finding lists which.
 */
import { ident, lit } from '../../sql/sql';
import { missingSql } from '../expr';
import { exprSql } from '../finding-sql';
import type { Entry } from '../yaml-read';
import { OUTPUT_KEYS, parseExpr, parseField, parseOutput, type KindModule, type OutputSettings } from './kind';
import { compileRows, parseRowSource, ROW_SOURCE_KEYS, rowNeeds, rowScope, type RowSource } from './rows';

export interface MissingSettings extends RowSource, OutputSettings {
  fields: string[];
  when?: string;
}

export const missing: KindModule<MissingSettings> = {
  keys: [...ROW_SOURCE_KEYS, 'fields', 'when', ...OUTPUT_KEYS],
  required: ['from', 'fields'],
  parse(m: Map<string, Entry>, ctx) {
    const src = parseRowSource(m, ctx);
    if (!src) return undefined;
    const scope = rowScope(src);
    const f = m.get('fields');
    const items = f ? ctx.r.strList(f.value, 'fields', true) : undefined;
    const fields = items?.map((it) => parseField(it.node, 'fields', src.from, ctx));
    const w = m.get('when');
    const when = w ? parseExpr(w.value, 'when', scope, ctx) : undefined;
    const out = parseOutput(m, scope, ctx);
    if (!fields || fields.some((x) => x === undefined) || (w && when === undefined) || !out) return undefined;
    return { ...src, ...out, fields: fields as string[], ...(when !== undefined ? { when } : {}) };
  },
  needs: rowNeeds,
  scope: rowScope,
  compile(rule, s, env) {
    const test = (scope: ReturnType<typeof rowScope>, f: string) =>
      missingSql(`s.${ident(f)}`, scope.main.columns.get(f) ?? 'text');
    return compileRows(rule, s, s, env, (scope) => {
      const any = `(${s.fields.map((f) => test(scope, f)).join(' OR ')})`;
      return s.when ? `(${exprSql(s.when, scope, env)}) AND ${any}` : any;
    }, (scope) => [
      `'missing=' || concat_ws(',', ${s.fields.map((f) => `CASE WHEN ${test(scope, f)} THEN ${lit(f)} END`).join(', ')})`,
    ]);
  },
};
