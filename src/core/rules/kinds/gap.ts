/**
 * `gap`: numbers of the form prefix + digits (same prefix, same digit count) that leave
 * holes between two consecutive present numbers. Each missing number is a finding;
 * a hole of more than `cap` numbers is one finding keyed by its first missing number.
 * The finding points at the slip just before the hole.
 */
import { isScalar } from 'yaml';
import type { SlipTypeId } from '../../types';
import { ident } from '../../sql/sql';
import { commonColumns, detailSql, findingSelect, keyField, primaryDate, typeScope } from '../finding-sql';
import { paramSql } from '../expr';
import type { Entry } from '../yaml-read';
import { parseSlipTypes, type KindModule } from './kind';
import { firstLineSql } from './unmatched';

export interface GapSettings {
  from: SlipTypeId[];
  /** A number, or the name of a number parameter. */
  cap: number | { param: string };
}

const scopeOf = (s: GapSettings) => typeScope(commonColumns(s.from), 's', false);
const NUMBER = `'^(.*?)([0-9]+)$'`;

export const gap: KindModule<GapSettings> = {
  keys: ['from', 'cap'],
  required: ['from', 'cap'],
  parse(m: Map<string, Entry>, ctx) {
    const from = parseSlipTypes(m.get('from')?.value, 'from', ctx);
    const capNode = m.get('cap')?.value;
    let cap: GapSettings['cap'] | undefined;
    if (isScalar(capNode) && typeof capNode.value === 'number' && Number.isInteger(capNode.value) && capNode.value >= 0) cap = capNode.value;
    else if (isScalar(capNode) && typeof capNode.value === 'string' && /^\{[a-z_][a-z0-9_]*\}$/.test(capNode.value)) {
      const name = capNode.value.slice(1, -1);
      if (typeof ctx.params[name] === 'number') cap = { param: name };
      else ctx.r.problem(capNode, `cap: unknown number param {${name}}`);
    } else ctx.r.problem(capNode, 'cap must be a whole number or a {param}');
    return from && cap !== undefined ? { from, cap } : undefined;
  },
  needs: (s) => ({ all: [], anyOf: [s.from] }),
  scope: scopeOf,
  // A window over every distinct number of each type: run last in the 1M bench, it took
  // DuckDB-WASM's heap 17 MB past what the load had left (first: none).
  runsFirst: true,
  compile(rule, s, env) {
    const scope = scopeOf(s);
    const capValue = typeof s.cap === 'number' ? s.cap : env.params[s.cap.param];
    if (typeof capValue !== 'number' || !Number.isInteger(capValue)) throw new Error('gap: cap must be a whole number');
    const cap = paramSql(capValue);
    return s.from.filter((t) => env.loaded.has(t)).map((t) => {
      const k = ident(keyField(t));
      const num = (v: string) => `_m._p || lpad(CAST(${v} AS VARCHAR), CAST(_m._len AS INTEGER), '0')`;
      const select = findingSelect(rule, env, {
        slipType: t, scope, source: 's', slipNo: num('_m._missing'), date: `s.${ident(primaryDate(t))}`, amount: null,
        detail: detailSql([], [`'after=' || ${num('_m._prev')}`, `'before=' || ${num('_m._v')}`, `'missing=' || CAST(_m._count AS VARCHAR)`]),
      });
      // The pattern once per distinct number; first lines only of the numbers before a hole.
      // Distinct numbers split into prefix and digits: the split is one to one (the pattern is anchored).
      return `(WITH _k AS (
  SELECT _x.p AS _p, _x.digits AS _digits FROM (
    SELECT regexp_extract(_n, ${NUMBER}, ['p', 'digits']) AS _x FROM (SELECT DISTINCT ${k} AS _n FROM ${ident(t)}) WHERE regexp_matches(_n, ${NUMBER})
  )
),
_g AS (
  SELECT _p, length(_digits) AS _len, CAST(_digits AS BIGINT) AS _v,
    lag(CAST(_digits AS BIGINT)) OVER (PARTITION BY _p, length(_digits) ORDER BY CAST(_digits AS BIGINT)) AS _prev
  FROM _k WHERE length(_digits) <= 18
),
_h AS (SELECT *, _v - _prev - 1 AS _count FROM _g WHERE _v - _prev > 1),
_m AS (
  SELECT *, unnest(generate_series(_prev + 1, _v - 1)) AS _missing FROM _h WHERE _count <= ${cap}
  UNION ALL
  SELECT *, _prev + 1 AS _missing FROM _h WHERE _count > ${cap}
),
_f AS (${firstLineSql(t, `(SELECT * FROM ${ident(t)} WHERE ${k} IN (SELECT _p || lpad(CAST(_prev AS VARCHAR), CAST(_len AS INTEGER), '0') FROM _h))`, [keyField(t)])})
SELECT
  ${select}
FROM _m JOIN _f s ON s.${k} = ${num('_m._prev')})`;
    }).join('\nUNION ALL\n');
  },
};
