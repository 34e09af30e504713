/**
 * `window`: lines of `from` (one per slip and material, quantities summed) judged
 * against what came back in `against` by a date. The expression macro `back(d)` is the
 * quantity returned for the line on or before day `d`: the sum of the `back` fields over
 * partner rows linked by `link` whose material matches (by code where both sides have
 * one, else by name). Used by the outsourcing rules (RULES.md "Issue line").
 */
import type { SlipTypeId } from '../../types';
import { ident } from '../../sql/sql';
import type { Scope } from '../expr';
import { detailSql, exprSql, findingSelect, keyField, primaryDate, typeColumns } from '../finding-sql';
import type { Entry } from '../yaml-read';
import {
  defaultAmount, OUTPUT_KEYS, parseExpr, parseField, parseOutput, parseSlipType, type KindModule, type OutputSettings,
} from './kind';
import { firstLineSql } from './unmatched';

export interface WindowSettings extends OutputSettings {
  from: SlipTypeId;
  against: SlipTypeId;
  link: { left: string; right: string };
  material: { code: string; name: string };
  back: string[];
  where: string;
}

function scopeOf(s: Pick<WindowSettings, 'from' | 'against' | 'link' | 'material' | 'back'>): Scope {
  const t = ident(s.against);
  const code = ident(s.material.code);
  const name = ident(s.material.name);
  const partnerDate = ident(primaryDate(s.against));
  const sum = s.back.map((f) => `coalesce(r.${ident(f)}, 0)`).join(' + ');
  return {
    main: { alias: 's', columns: typeColumns(s.from) },
    macros: {
      back: {
        arity: 1,
        build: ([d]) => `(SELECT coalesce(sum(${sum}), 0) FROM ${t} r
      WHERE trim(r.${ident(s.link.right)}) = trim(s.${ident(s.link.left)})
        AND CASE WHEN s.${code} IS NOT NULL AND r.${code} IS NOT NULL THEN trim(r.${code}) = trim(s.${code})
                 ELSE trim(r.${name}) = trim(s.${name}) END
        AND r.${partnerDate} <= (${d}))`,
      },
    },
  };
}

export const windowKind: KindModule<WindowSettings> = {
  keys: ['from', 'against', 'link', 'material', 'back', 'where', ...OUTPUT_KEYS],
  required: ['from', 'against', 'link', 'material', 'back', 'where'],
  parse(m: Map<string, Entry>, ctx) {
    const fromE = m.get('from');
    const from = fromE ? parseSlipType(fromE.value, 'from', ctx) : undefined;
    const againstE = m.get('against');
    const against = againstE ? parseSlipType(againstE.value, 'against', ctx) : undefined;
    if (!from || !against) return undefined;
    const linkM = ctx.r.map(m.get('link')?.value, 'link', ['left', 'right'], ['left', 'right']);
    const left = linkM?.get('left') ? parseField(linkM.get('left')!.value, 'link.left', [from], ctx) : undefined;
    const right = linkM?.get('right') ? parseField(linkM.get('right')!.value, 'link.right', [against], ctx) : undefined;
    const matM = ctx.r.map(m.get('material')?.value, 'material', ['code', 'name'], ['code', 'name']);
    const code = matM?.get('code') ? parseField(matM.get('code')!.value, 'material.code', [from, against], ctx) : undefined;
    const name = matM?.get('name') ? parseField(matM.get('name')!.value, 'material.name', [from, against], ctx) : undefined;
    const backItems = ctx.r.strList(m.get('back')?.value, 'back', true);
    const back = backItems?.map((it) => parseField(it.node, 'back', [against], ctx));
    if (!left || !right || !code || !name || !back || back.some((b) => b === undefined)) return undefined;
    const base = { from, against, link: { left, right }, material: { code, name }, back: back as string[] };
    const scope = scopeOf(base);
    const where = parseExpr(m.get('where')?.value, 'where', scope, ctx);
    const out = parseOutput(m, scope, ctx);
    return where !== undefined && out ? { ...base, ...out, where } : undefined;
  },
  needs: (s) => ({ all: [s.from, s.against], anyOf: [] }),
  scope: scopeOf,
  compile(rule, s, env) {
    const scope = scopeOf(s);
    const keys = [s.link.left, s.material.code, s.material.name];
    const amount = s.amount ?? defaultAmount(scope);
    const select = findingSelect(rule, env, {
      slipType: s.from, scope, source: 's',
      slipNo: `s.${ident(keyField(s.from))}`,
      date: `s.${ident(primaryDate(s.from))}`,
      amount: amount ? exprSql(amount, scope, env) : null,
      detail: detailSql(s.detail.map(([label, e]) => [label, exprSql(e, scope, env)] as const)),
    });
    return `WITH _lines AS (${firstLineSql(s.from, ident(s.from), keys)})
SELECT
  ${select}
FROM _lines s
WHERE ${exprSql(s.where, scope, env)}`;
  },
};
