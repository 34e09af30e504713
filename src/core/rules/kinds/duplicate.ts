/**
 * `duplicate`: one slip number (the type's key) whose rows carry more than one
 * distinct date, one finding per number, on the number's first line.
 */
import type { SlipTypeId } from '../../types';
import { ident } from '../../sql/sql';
import { commonColumns, detailSql, findingSelect, keyField, primaryDate, typeScope } from '../finding-sql';
import type { Entry } from '../yaml-read';
import { parseSlipTypes, type KindModule } from './kind';
import { firstLineSql } from './unmatched';

export interface DuplicateSettings {
  from: SlipTypeId[];
}

const scopeOf = (s: DuplicateSettings) => typeScope(commonColumns(s.from), 's', false);

export const duplicate: KindModule<DuplicateSettings> = {
  keys: ['from'],
  required: ['from'],
  parse(m: Map<string, Entry>, ctx) {
    const from = parseSlipTypes(m.get('from')?.value, 'from', ctx);
    return from ? { from } : undefined;
  },
  needs: (s) => ({ all: [], anyOf: [s.from] }),
  scope: scopeOf,
  compile(rule, s, env) {
    const scope = scopeOf(s);
    return s.from.filter((t) => env.loaded.has(t)).map((t) => {
      const k = ident(keyField(t));
      const d = ident(primaryDate(t));
      const select = findingSelect(rule, env, {
        slipType: t, scope, source: 's', slipNo: `s.${k}`, date: `s.${d}`, amount: null,
        detail: detailSql([], [`'dates=' || _d._dates`]),
      });
      // Numbers with two dates first (min <> max: more than one distinct date), so the
      // date lists and first lines are built for those few numbers only.
      return `(WITH _n AS (
  SELECT ${k} AS _k FROM ${ident(t)} GROUP BY ${k} HAVING min(${d}) <> max(${d})
),
_d AS (
  SELECT ${k} AS _k, string_agg(DISTINCT CAST(${d} AS VARCHAR), ',' ORDER BY CAST(${d} AS VARCHAR)) AS _dates
  FROM ${ident(t)} WHERE ${k} IN (SELECT _k FROM _n) GROUP BY ${k}
),
_f AS (${firstLineSql(t, `(SELECT * FROM ${ident(t)} WHERE ${k} IN (SELECT _k FROM _n))`, [keyField(t)])})
SELECT
  ${select}
FROM _f s JOIN _d ON _d._k = s.${k})`;
    }).join('\nUNION ALL\n');
  },
};
