/**
 * `unmatched`: rows (or whole slips) of `from` that have no partner row in any of the
 * `against` types, a partner being a row where at least one `match` pair is equal
 * (both sides present, compared trimmed). Per slip, a slip is matched when any of
 * its lines is; the finding then carries the slip's first line, earliest date and totals.
 */
import type { SlipTypeId } from '../../types';
import { ident } from '../../sql/sql';
import type { Scope } from '../expr';
import {
  commonColumns, detailSql, exprSql, findingSelect, keyField, primaryDate, typeColumns, typeScope,
} from '../finding-sql';
import type { Entry } from '../yaml-read';
import {
  defaultAmount, OUTPUT_KEYS, parseExpr, parseField, parseOutput, parseSlipType, parseSlipTypes, type KindModule, type OutputSettings,
} from './kind';

export interface UnmatchedSettings extends OutputSettings {
  from: SlipTypeId;
  where?: string;
  against: SlipTypeId[];
  match: { left: string; right: string }[];
  partnerWhere?: string;
  per: 'row' | 'slip';
}

function scopeOf(from: SlipTypeId): Scope {
  return typeScope(typeColumns(from), 's', false);
}

function partnerScope(against: SlipTypeId[]): Scope {
  return typeScope(commonColumns(against), 'p', false);
}

/**
 * Rows grouped by `keys` collapsed to the group's first line (by source position), with
 * the earliest date and summed qty and amount: a slip, or an issue line.
 */
export function firstLineSql(from: SlipTypeId, source: string, keys: readonly string[]): string {
  const cols = typeColumns(from);
  const k = keys.map(ident).join(', ');
  const d = ident(primaryDate(from));
  const replace = [`min(${d}) OVER (PARTITION BY ${k}) AS ${d}`];
  for (const f of ['amount', 'qty']) if (cols.has(f)) replace.push(`sum(${ident(f)}) OVER (PARTITION BY ${k}) AS ${ident(f)}`);
  return `SELECT * REPLACE (${replace.join(', ')}) FROM ${source}
  QUALIFY row_number() OVER (PARTITION BY ${k} ORDER BY source_file, sheet, source_row) = 1`;
}

export const unmatched: KindModule<UnmatchedSettings> = {
  keys: ['from', 'where', 'against', 'match', 'partner_where', 'per', ...OUTPUT_KEYS],
  required: ['from', 'against', 'match', 'per'],
  parse(m: Map<string, Entry>, ctx) {
    const fromE = m.get('from');
    const from = fromE ? parseSlipType(fromE.value, 'from', ctx) : undefined;
    const againstE = m.get('against');
    const against = againstE ? parseSlipTypes(againstE.value, 'against', ctx) : undefined;
    const perE = m.get('per');
    const per = perE ? ctx.r.oneOf(perE.value, 'per', ['row', 'slip'] as const) : undefined;
    if (!from || !against) return undefined;
    const scope = scopeOf(from);
    const w = m.get('where');
    const where = w ? parseExpr(w.value, 'where', scope, ctx) : undefined;
    const pw = m.get('partner_where');
    const partnerWhere = pw ? parseExpr(pw.value, 'partner_where', partnerScope(against), ctx) : undefined;
    const matchE = m.get('match');
    const items = matchE ? ctx.r.list(matchE.value, 'match', false) : undefined;
    const match: { left: string; right: string }[] = [];
    let ok = items !== undefined;
    for (const it of items ?? []) {
      const pair = ctx.r.map(it, 'match item', ['left', 'right'], ['left', 'right']);
      const left = pair?.get('left') ? parseField(pair.get('left')!.value, 'match.left', [from], ctx) : undefined;
      const right = pair?.get('right') ? parseField(pair.get('right')!.value, 'match.right', against, ctx) : undefined;
      if (left && right) match.push({ left, right }); else ok = false;
    }
    const out = parseOutput(m, scope, ctx);
    if (!ok || !per || !out || (w && where === undefined) || (pw && partnerWhere === undefined)) return undefined;
    return {
      ...out, from, against, match, per,
      ...(where !== undefined ? { where } : {}), ...(partnerWhere !== undefined ? { partnerWhere } : {}),
    };
  },
  needs: (s) => ({ all: [s.from], anyOf: [s.against] }),
  scope: (s) => scopeOf(s.from),
  compile(rule, s, env) {
    const scope = scopeOf(s.from);
    const key = keyField(s.from);
    const pscope = partnerScope(s.against);
    const pwhere = s.partnerWhere ? ` AND (${exprSql(s.partnerWhere, pscope, env)})` : '';
    // What a matched row gives: its row id (a finding per row), or its slip's number (per slip:
    // a year's slips are a fifth of its lines, so the set of matched slips is that much smaller).
    const hitOf = s.per === 'row' ? '_rid' : ident(key);
    const hits = s.against.filter((t) => env.loaded.has(t)).flatMap((t) => s.match.map((mp) =>
      `SELECT s.${hitOf} FROM _rows s JOIN ${ident(t)} p ON trim(s.${ident(mp.left)}) = trim(p.${ident(mp.right)})
    WHERE trim(s.${ident(mp.left)}) <> ''${pwhere}`));
    const rows = `_rows AS NOT MATERIALIZED (SELECT s.*, s.rowid AS _rid FROM ${ident(s.from)} s${s.where ? ` WHERE ${exprSql(s.where, scope, env)}` : ''})`;
    const hit = `_hit AS (${hits.join('\n  UNION\n  ')})`;
    const amount = s.amount ?? defaultAmount(scope);
    const select = findingSelect(rule, env, {
      slipType: s.from, scope, source: 's',
      slipNo: `s.${ident(key)}`,
      date: `s.${ident(primaryDate(s.from))}`,
      amount: amount ? exprSql(amount, scope, env) : null,
      detail: detailSql(s.detail.map(([label, e]) => [label, exprSql(e, scope, env)] as const)),
    });
    if (s.per === 'row') {
      return `WITH ${rows},\n${hit}\nSELECT\n  ${select}\nFROM _rows s\nWHERE NOT EXISTS (SELECT 1 FROM _hit h WHERE h._rid = s._rid)`;
    }
    const open = `_open AS (SELECT * FROM _rows r WHERE r.${ident(key)} NOT IN (SELECT h.${ident(key)} FROM _hit h))`;
    return `WITH ${rows},\n${hit},\n${open},\n_slips AS (${firstLineSql(s.from, '_open', [key])})\nSELECT\n  ${select}\nFROM _slips s`;
  },
};
