/**
 * SQL over the worker's findings (a view over one table per rule), built from the user's
 * filter. Every value goes through lit(); sort keys come from a fixed list, so nothing typed
 * is spliced in.
 */
import { ident, lit } from '../core/sql/sql';
import type { FindingsFilter, SortKey } from './rpc';

/** The findings of the last run, as the app reads them: a view (findingsViewSql). */
export const FINDINGS_TABLE = '_findings';

/**
 * Columns of the findings the view reads, in order; `id` is the finding's index in the run.
 * The findings also keep `sev_rank` and `month` (to sort and filter) and `amount_text` and
 * `penalty_text`, the rule's own text of the two numbers, for the exports.
 */
export const FINDING_COLUMNS = [
  'id', 'rule_id', 'severity', 'slip_type', 'slip_no', 'date', 'responsible', 'amount', 'penalty',
  'penalty_note', 'source_file', 'sheet', 'source_row', 'detail',
] as const;

const SORTABLE: Record<SortKey, string> = {
  rule_id: 'rule_id', severity: 'sev_rank', slip_type: 'slip_type', slip_no: 'slip_no', date: 'date',
  responsible: 'responsible', amount: 'amount', penalty: 'penalty', source_file: 'source_file',
};

export const EMPTY_FILTER: FindingsFilter = {
  rule: '', severity: '', slipType: '', person: '', month: '', q: '', sort: 'rule_id', desc: false,
};

/** Every column of the findings after `id`, typed from a rule's kept findings (all text but source_row). */
const TYPED: [string, string][] = [
  ['rule_id', 'CAST(rule_id AS VARCHAR)'],
  ['severity', 'CAST(severity AS VARCHAR)'],
  ['sev_rank', "CAST(CASE severity WHEN 'critical' THEN 3 WHEN 'violation' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END AS INTEGER)"],
  ['slip_type', 'CAST(slip_type AS VARCHAR)'],
  ['slip_no', 'CAST(slip_no AS VARCHAR)'],
  ['date', 'CAST(date AS VARCHAR)'],
  ['month', 'substr(CAST(date AS VARCHAR), 1, 7)'],
  ['responsible', 'CAST(responsible AS VARCHAR)'],
  ['amount', 'TRY_CAST(amount AS DOUBLE)'],
  ['penalty', 'TRY_CAST(penalty AS DOUBLE)'],
  ['penalty_note', 'CAST(penalty_note AS VARCHAR)'],
  ['source_file', 'CAST(source_file AS VARCHAR)'],
  ['sheet', 'CAST(sheet AS VARCHAR)'],
  ['source_row', 'TRY_CAST(source_row AS INTEGER)'],
  ['detail', 'CAST(detail AS VARCHAR)'],
  ['amount_text', 'CAST(amount AS VARCHAR)'],
  ['penalty_text', 'CAST(penalty AS VARCHAR)'],
];

const TYPE_OF: Record<string, string> = { sev_rank: 'INTEGER', amount: 'DOUBLE', penalty: 'DOUBLE', source_row: 'INTEGER' };

/**
 * The findings the app reads (FINDINGS_TABLE): the rules' kept tables (runRules' `keep`) in
 * the run's order, each numbered from its block's start (`_q` is a finding's place within its
 * rule) and typed as they are read. Each rule's findings stay in the table the rule made:
 * copying every rule's into one table cost DuckDB-WASM 2.1 s for the 1M bench's 389k findings
 * (each append to a compressed table is compressed anew), and a rule run again replaces its
 * table alone. None: no findings.
 */
export function findingsViewSql(blocks: readonly { table: string; start: number }[]): string {
  const cols = TYPED.map(([c, e]) => `${e} AS ${ident(c)}`).join(', ');
  const parts = blocks.map((b) => `SELECT CAST(${b.start} + _q - 1 AS INTEGER) AS id, ${cols} FROM ${ident(b.table)}`);
  const none = `SELECT CAST(NULL AS INTEGER) AS id, ${TYPED.map(([c]) => `CAST(NULL AS ${TYPE_OF[c] ?? 'VARCHAR'}) AS ${ident(c)}`).join(', ')} WHERE false`;
  return `CREATE OR REPLACE VIEW ${ident(FINDINGS_TABLE)} AS ${parts.length ? parts.join('\nUNION ALL ') : none}`;
}

/** WHERE clause for a filter ('' when nothing is filtered). */
export function whereSql(f: FindingsFilter): string {
  const conds: string[] = [];
  if (f.rule) conds.push(`rule_id = ${lit(f.rule)}`);
  if (f.severity) conds.push(`severity = ${lit(f.severity)}`);
  if (f.slipType) conds.push(`slip_type = ${lit(f.slipType)}`);
  if (f.person) conds.push(`coalesce(responsible, '') = ${lit(f.person)}`);
  if (f.month) conds.push(`coalesce(month, '') = ${lit(f.month)}`);
  const q = f.q.trim();
  if (q) {
    const hay = ['rule_id', 'slip_no', 'responsible', 'detail', 'source_file', 'date']
      .map((c) => `coalesce(${ident(c)}, '')`).join(` || ' ' || `);
    conds.push(`contains(lower(${hay}), ${lit(q.toLowerCase())})`);
  }
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}

export function countSql(f: FindingsFilter): string {
  return `SELECT count(*)::INTEGER AS n FROM ${ident(FINDINGS_TABLE)} ${whereSql(f)}`;
}

/** One page of findings, sorted; ties keep the run's order. */
export function pageSql(f: FindingsFilter, offset: number, limit: number): string {
  const key = SORTABLE[f.sort] ?? 'rule_id';
  const dir = f.desc ? 'DESC' : 'ASC';
  const cols = FINDING_COLUMNS.map(ident).join(', ');
  return `SELECT ${cols} FROM ${ident(FINDINGS_TABLE)} ${whereSql(f)}
    ORDER BY ${ident(key)} ${dir} NULLS LAST, id LIMIT ${lit(Math.max(0, Math.floor(limit)))} OFFSET ${lit(Math.max(0, Math.floor(offset)))}`;
}

/** Distinct values and their counts for one filter column. */
export function facetSql(column: 'rule_id' | 'severity' | 'slip_type' | 'responsible' | 'month'): string {
  return `SELECT coalesce(${ident(column)}, '') AS key, count(*)::INTEGER AS count FROM ${ident(FINDINGS_TABLE)}
    GROUP BY 1 ORDER BY 1`;
}
