/**
 * SQL over the worker's `findings` table, built from the user's filter. Every value
 * goes through lit(); sort keys come from a fixed list, so nothing typed is spliced in.
 */
import { ident, lit } from '../core/sql/sql';
import type { FindingsFilter, SortKey } from './rpc';

export const FINDINGS_TABLE = '_findings';

/**
 * Columns of the findings table the view reads, in order; `id` is the finding's index in the
 * run. The table also keeps `sev_rank` and `month` (to sort and filter) and `amount_text`
 * and `penalty_text`, the rule's own text of the two numbers, for the exports.
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

/** The typed findings table from a VARCHAR staging table of the same columns. */
export function createFindingsSql(stage: string): string {
  return `CREATE OR REPLACE TABLE ${ident(FINDINGS_TABLE)} AS ${typedFindingsSql(stage)}`;
}

/** Append staged findings (after a one-rule re-run) to the findings table, typed the same way. */
export function insertFindingsSql(stage: string): string {
  return `INSERT INTO ${ident(FINDINGS_TABLE)} ${typedFindingsSql(stage)}`;
}

/**
 * The typed findings table from the rules' kept tables (runRules' `keep`): each rule's
 * block numbered from `start`, its `_q` giving the order within it.
 */
export function createFindingsFromKeptSql(blocks: readonly { table: string; start: number }[]): string {
  return `CREATE OR REPLACE TABLE ${ident(FINDINGS_TABLE)} AS ${typedFindingsSql(keptUnion(blocks))}`;
}

/** Append the kept findings of re-run rules to the findings table. */
export function insertFindingsFromKeptSql(blocks: readonly { table: string; start: number }[]): string {
  return `INSERT INTO ${ident(FINDINGS_TABLE)} ${typedFindingsSql(keptUnion(blocks))}`;
}

/** The kept tables as one VARCHAR relation shaped like the staging table (empty when there are none). */
function keptUnion(blocks: readonly { table: string; start: number }[]): string {
  const text = FINDING_COLUMNS.filter((c) => c !== 'id').map((c) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`).join(', ');
  const parts = blocks.map((b) => `SELECT CAST(${b.start} + _q - 1 AS VARCHAR) AS id, ${text} FROM ${ident(b.table)}`);
  if (parts.length === 0) return `(SELECT ${FINDING_COLUMNS.map((c) => `NULL::VARCHAR AS ${ident(c)}`).join(', ')} WHERE false)`;
  return `(${parts.join(' UNION ALL ')})`;
}

function typedFindingsSql(stage: string): string {
  return `SELECT
    CAST(id AS INTEGER) AS id, rule_id, severity,
    CASE severity WHEN 'critical' THEN 3 WHEN 'violation' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END AS sev_rank,
    slip_type, slip_no, date, substr(date, 1, 7) AS month, responsible,
    TRY_CAST(amount AS DOUBLE) AS amount, TRY_CAST(penalty AS DOUBLE) AS penalty, penalty_note,
    source_file, sheet, TRY_CAST(source_row AS INTEGER) AS source_row, detail,
    amount AS amount_text, penalty AS penalty_text
    FROM ${stage.startsWith('(') ? `${stage} AS _s` : ident(stage)}`;
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
