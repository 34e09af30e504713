/**
 * `sql`: a custom read-only SELECT for what the other kinds cannot say. It must return
 * the columns slip_type, slip_no, date, responsible, amount, source_file, sheet,
 * source_row, detail; the rule adds rule_id, severity and penalty. `{param}` and
 * `{as_of}` placeholders become literals. Anything but one SELECT/WITH statement over
 * the loaded tables is refused: no second statement, no statement that writes or
 * configures, no function or literal that reaches files or the network.
 */
import type { SlipTypeId } from '../../types';
import { dateLit, lit } from '../../sql/sql';
import { paramSql } from '../expr';
import { GATE, moneySql } from '../finding-sql';
import type { Params } from '../types';
import type { Entry } from '../yaml-read';
import { parseSlipTypes, type KindModule } from './kind';

export interface SqlSettings {
  needs: SlipTypeId[];
  select: string;
}

const FORBIDDEN_WORDS = new Set([
  'copy', 'attach', 'detach', 'install', 'load', 'pragma', 'set', 'reset', 'create', 'insert', 'update', 'delete', 'drop',
  'alter', 'export', 'import', 'call', 'use', 'checkpoint', 'vacuum', 'truncate', 'begin', 'commit', 'rollback', 'grant',
  'prepare', 'execute', 'deallocate', 'summarize', 'describe', 'show', 'merge', 'upsert', 'getenv', 'glob', 'query',
  'query_table', 'sniff_csv', 'current_setting',
]);
/** Table functions and scanners that read files, URLs or other databases. */
const FORBIDDEN_PREFIX = /^(read_|parquet_|sqlite_|postgres_|mysql_|iceberg_|delta_|json_scan|csv_scan|duckdb_|pg_|http|s3|gcs|azure|arrow_scan|system|which_secret)/;
/** A literal or quoted name that looks like a path, URL or data file. */
const FILE_LIKE = /[/\\:]|\.(csv|tsv|txt|parquet|json|ndjson|jsonl|xlsx?|db|duckdb|sqlite|gz|zst|arrow|ipc)$/i;

/** Every reason `text` is not a single, read-only SELECT; offsets into `text`. */
export function checkSelect(text: string): { offset: number; message: string }[] {
  const errors: { offset: number; message: string }[] = [];
  const words: { w: string; at: number }[] = [];
  let prevWord = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      let body = '';
      while (j < text.length) {
        if (text[j] === c && text[j + 1] === c) { body += c; j += 2; continue; }
        if (text[j] === c) break;
        body += text[j++];
      }
      if (j >= text.length) { errors.push({ offset: i, message: 'unterminated quote' }); break; }
      if (FILE_LIKE.test(body) || /^https?/i.test(body)) errors.push({ offset: i, message: `${c === "'" ? 'literal' : 'name'} ${c}${body}${c} looks like a file or URL` });
      else if (prevWord === 'from' || prevWord === 'join') errors.push({ offset: i, message: 'a quoted name or literal cannot follow FROM/JOIN' });
      else if (c === '"' && (FORBIDDEN_WORDS.has(body.toLowerCase()) || FORBIDDEN_PREFIX.test(body.toLowerCase()))) {
        // A quoted name calls the same function as the bare word: "read_text"(…) is read_text(…).
        errors.push({ offset: i, message: `"${body}" is not allowed in a rule's SELECT` });
      }
      prevWord = '';
      i = j + 1;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') { errors.push({ offset: i, message: 'comments are not allowed (use YAML comments)' }); i += 2; continue; }
    if (c === '/' && text[i + 1] === '*') { errors.push({ offset: i, message: 'comments are not allowed (use YAML comments)' }); i += 2; continue; }
    if (c === ';') { errors.push({ offset: i, message: 'only one statement is allowed (no ";")' }); i++; continue; }
    if (c === '$') { errors.push({ offset: i, message: '"$" is not allowed' }); i++; continue; }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 200));
    if (m) {
      const w = m[0].toLowerCase();
      words.push({ w, at: i });
      if (FORBIDDEN_WORDS.has(w) || FORBIDDEN_PREFIX.test(w)) errors.push({ offset: i, message: `"${m[0]}" is not allowed in a rule's SELECT` });
      prevWord = w;
      i += m[0].length;
      continue;
    }
    if (!/\s/.test(c)) prevWord = c === '{' || c === '}' ? prevWord : '';
    i++;
  }
  const first = words[0]?.w;
  if (first !== 'select' && first !== 'with') errors.unshift({ offset: words[0]?.at ?? 0, message: 'must be one SELECT or WITH … SELECT statement' });
  return errors;
}

/** Replace `{name}` placeholders with literals; unknown names are reported. */
export function substitute(text: string, params: Params, asOf: string | null): { sql: string; unknown: { name: string; offset: number }[] } {
  const unknown: { name: string; offset: number }[] = [];
  const sql = text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name: string, offset: number) => {
    if (name === 'as_of') return asOf ? dateLit(asOf) : 'CURRENT_DATE';
    const v = params[name];
    if (v === undefined) { unknown.push({ name, offset }); return all; }
    return paramSql(v);
  });
  return { sql, unknown };
}

export const sql: KindModule<SqlSettings> = {
  keys: ['needs', 'select'],
  required: ['needs', 'select'],
  parse(m: Map<string, Entry>, ctx) {
    const needs = parseSlipTypes(m.get('needs')?.value, 'needs', ctx);
    const node = m.get('select')?.value;
    const text = ctx.r.str(node, 'select');
    if (text === undefined) return undefined;
    const errors = checkSelect(text);
    for (const e of errors) ctx.r.problem(node, `select: ${e.message}`, e.offset);
    for (const u of substitute(text, ctx.params, null).unknown) ctx.r.problem(node, `select: unknown param {${u.name}}`, u.offset);
    return needs && errors.length === 0 ? { needs, select: text } : undefined;
  },
  needs: (s) => ({ all: s.needs, anyOf: [] }),
  scope: () => null,
  compile(rule, s, env) {
    const { sql: body, unknown } = substitute(s.select, env.params, env.asOf);
    if (unknown.length) throw new Error(`unknown param {${unknown[0].name}}`);
    if (checkSelect(body).length) throw new Error('custom SELECT refused after substitution');
    const to = rule.penalty?.charged_to ?? rule.responsible;
    const responsible = to && 'role' in to ? lit(to.role === 'gate' ? GATE : to.role) : 'q.responsible';
    return `SELECT
  ${lit(rule.id)} AS rule_id,
  ${lit(rule.severity)} AS severity,
  CAST(q.slip_type AS VARCHAR) AS slip_type,
  CAST(q.slip_no AS VARCHAR) AS slip_no,
  CAST(CAST(q.date AS DATE) AS VARCHAR) AS date,
  CAST(${responsible} AS VARCHAR) AS responsible,
  ${moneySql('q.amount')} AS amount,
  ${rule.penalty ? moneySql(lit(rule.penalty.amount)) : 'CAST(NULL AS VARCHAR)'} AS penalty,
  CAST(${lit(rule.penalty?.note ?? null)} AS VARCHAR) AS penalty_note,
  CAST(q.source_file AS VARCHAR) AS source_file,
  CAST(q.sheet AS VARCHAR) AS sheet,
  CAST(q.source_row AS INTEGER) AS source_row,
  CAST(q.detail AS VARCHAR) AS detail
FROM (
${body}
) q`;
  },
};
