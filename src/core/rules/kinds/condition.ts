/** `condition`: every row of `from` for which a restricted SQL expression holds. */
import { exprSql } from '../finding-sql';
import type { Entry } from '../yaml-read';
import { OUTPUT_KEYS, parseExpr, parseOutput, type KindModule, type OutputSettings } from './kind';
import { compileRows, parseRowSource, ROW_SOURCE_KEYS, rowNeeds, rowScope, type RowSource } from './rows';

export interface ConditionSettings extends RowSource, OutputSettings {
  where: string;
}

export const condition: KindModule<ConditionSettings> = {
  keys: [...ROW_SOURCE_KEYS, 'where', ...OUTPUT_KEYS],
  required: ['from', 'where'],
  parse(m: Map<string, Entry>, ctx) {
    const src = parseRowSource(m, ctx);
    if (!src) return undefined;
    const scope = rowScope(src);
    const w = m.get('where');
    const where = w ? parseExpr(w.value, 'where', scope, ctx) : undefined;
    const out = parseOutput(m, scope, ctx);
    return where !== undefined && out ? { ...src, ...out, where } : undefined;
  },
  needs: rowNeeds,
  scope: rowScope,
  compile(rule, s, env) {
    return compileRows(rule, s, s, env, (scope) => `(${exprSql(s.where, scope, env)})`);
  },
};
