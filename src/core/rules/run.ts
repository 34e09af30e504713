/**
 * Runs a rule pack against the loaded slip tables: which types are present is read from
 * the engine, each rule runs on its own (one failing rule does not stop the others),
 * and findings come back in one deterministic order.
 */
import type { Engine } from '../engine';
import type { SlipTypeId } from '../types';
import { SLIP_TYPES } from '../schema/slip-types';
import { ident } from '../sql/sql';
import { compileRule } from './compile';
import { KINDS } from './kinds/index';
import type { Rule } from './rule';
import { SEVERITIES, type Finding, type RuleStatus, type Severity } from './types';

export interface RunContext {
  asOf: string;
  /** Parameter overrides per rule id. */
  params?: Record<string, Record<string, unknown>>;
  /** Rule ids switched off. */
  disabled?: ReadonlySet<string>;
  /**
   * Run only these rule ids (the others get no status and no findings): after one rule's
   * parameter changes, the app re-runs that rule alone and keeps the other rules' findings.
   */
  only?: ReadonlySet<string>;
  /**
   * Keep each rule's findings in the engine instead of returning them: `keep(rule id)` names
   * a view of the audit's database (over tables compressed, so a rule's findings take a
   * fraction of the memory: keptParts), with column `_q`, the finding's place (from 1) within
   * its rule in the contract's order. The app reads its findings from these, so a year's
   * findings never cross into JavaScript all at once; the caller owns them (dropKept).
   */
  keep?: (ruleId: string) => string;
  /** With `keep`: called as each rule's table is ready (in the order the rules run: runRules), with its number of findings. */
  kept?: (ruleId: string, count: number) => Promise<void>;
}

/** Slip tables present in the engine. */
export async function loadedTypes(engine: Engine): Promise<Set<SlipTypeId>> {
  const rows = await engine.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`,
  );
  const names = new Set(rows.map((r) => r.table_name));
  return new Set(SLIP_TYPES.filter((t) => names.has(t.id)).map((t) => t.id));
}

const cmp = (a: string | null, b: string | null): number => {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The contract's order: rule_id, slip_no, source_file, source_row, then sheet and detail. */
export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.rule_id, b.rule_id) || cmp(a.slip_no, b.slip_no) || cmp(a.source_file, b.source_file)
    || (a.source_row ?? 0) - (b.source_row ?? 0) || cmp(a.sheet, b.sheet) || cmp(a.detail, b.detail);
}

/**
 * Values that repeat across findings (rule, severity, type, file, sheet, person, date, note)
 * share one string each: every row from the engine brings its own copies, and a year's
 * audit has millions of findings.
 */
export type Interner = (v: string | null) => string | null;
export function interner(): Interner {
  const seen = new Map<string, string>();
  return (v) => {
    if (v === null) return null;
    const had = seen.get(v);
    if (had !== undefined) return had;
    if (seen.size < 100_000) seen.set(v, v);
    return v;
  };
}

/** A finding from a row of a rule's query (or of a table holding findings). */
export function toFinding(r: Record<string, unknown>, intern: Interner = (v) => v): Finding {
  const s = (k: string): string | null => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  const severity = intern(s('severity'));
  if (!SEVERITIES.includes(severity as Severity)) throw new Error(`bad severity ${String(severity)}`);
  return {
    rule_id: intern(s('rule_id')) ?? '', severity: severity as Severity, slip_type: intern(s('slip_type')) ?? '', slip_no: s('slip_no'),
    date: intern(s('date')), responsible: intern(s('responsible')), amount: s('amount'), penalty: intern(s('penalty')),
    penalty_note: intern(s('penalty_note')), source_file: intern(s('source_file')) ?? '', sheet: intern(s('sheet')),
    source_row: r.source_row === null ? null : Number(r.source_row), detail: s('detail'),
  };
}

export async function runRules(
  engine: Engine, rules: readonly Rule[], ctx: RunContext,
): Promise<{ statuses: RuleStatus[]; findings: Finding[] }> {
  const loaded = await loadedTypes(engine);
  const statuses: RuleStatus[] = [];
  const findings: Finding[] = [];
  const intern = interner();
  // In id order, but the kinds that need the most room first (KindModule.runsFirst): the order
  // the rules run in changes no output (statuses and findings are sorted).
  const first = (r: Rule) => (KINDS[r.kind].runsFirst ? 0 : 1);
  for (const rule of [...rules].sort((a, b) => first(a) - first(b) || cmp(a.id, b.id))) {
    if (ctx.only && !ctx.only.has(rule.id)) continue;
    const base = { id: rule.id, severity: rule.severity, clause: rule.clause };
    if (ctx.disabled?.has(rule.id)) { statuses.push({ ...base, findings: 0, status: 'off' }); continue; }
    try {
      const c = compileRule(rule, { asOf: ctx.asOf, loaded, params: ctx.params?.[rule.id] });
      if (c.status === 'not-run') { statuses.push({ ...base, findings: 0, status: `not run: needs ${c.needs.join(', ')}` }); continue; }
      let count: number;
      if (ctx.keep) {
        count = await runKept(engine, c.sql, ctx.keep(rule.id));
        await ctx.kept?.(rule.id, count);
      } else {
        const rows = (await engine.query(c.sql)).map((r) => toFinding(r, intern));
        // One push per row: spreading 100k+ rows into push() overflows the call stack.
        for (const row of rows) findings.push(row);
        count = rows.length;
      }
      statuses.push({ ...base, findings: count, status: 'ran' });
    } catch (e) {
      statuses.push({ ...base, findings: 0, status: `error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` });
    }
  }
  statuses.sort((a, b) => cmp(a.id, b.id));
  findings.sort(compareFindings);
  return { statuses, findings };
}

/** compareFindings within one rule, in SQL (rule_id is the same for all). */
const RULE_ORDER = `coalesce(slip_no, ''), coalesce(source_file, ''), coalesce(TRY_CAST(source_row AS BIGINT), 0), coalesce(sheet, ''), coalesce(detail, '')`;

/** Text that UTF-8 bytes and UTF-16 units may order differently: U+E000–U+FFFF and beyond U+FFFF. */
const ORDER_SENSITIVE = `'[\\x{E000}-\\x{10FFFF}]'`;

/**
 * What a rule's kept findings are made of: `table` (RunContext.keep) is a view pairing, row by
 * row, the findings as the rule's query gave them (`rows`) with their place in the contract's
 * order (`order`, one column `_q`). Numbered in one statement (a window over the query), DuckDB
 * sorted every column of every finding at once: for the 1M bench's largest rule (146k findings)
 * DuckDB-WASM's heap, which never shrinks, grew by ~30 MB for it. Sorted apart, only the sort
 * keys are, and the findings are written once.
 */
export const keptParts = (table: string) => ({ rows: `${table}_rows`, order: `${table}_q` });

/** The view over a kept table's rows and their order (keptParts). */
export const keptViewSql = (table: string) => {
  const { rows, order } = keptParts(table);
  return `CREATE OR REPLACE VIEW ${ident(table)} AS SELECT o._q, r.* FROM ${ident(rows)} r POSITIONAL JOIN ${ident(order)} o`;
};

/** A kept table (keptParts) goes, whole or in part. */
export async function dropKept(engine: Engine, table: string): Promise<void> {
  const { rows, order } = keptParts(table);
  await engine.exec(`DROP VIEW IF EXISTS ${ident(table)}`);
  await engine.exec(`DROP TABLE IF EXISTS ${ident(order)}`);
  await engine.exec(`DROP TABLE IF EXISTS ${ident(rows)}`);
}

/**
 * A rule's findings into `table` (keptParts), numbered in SQL by the contract's order; returns
 * how many. SQL orders text by UTF-8 bytes and compareFindings by UTF-16 units, which differ
 * only when characters beyond U+FFFF meet U+E000–U+FFFF; ties keep the query's order in both.
 * When a sort key holds such characters, the rows are read back, sorted here and renumbered
 * to match.
 */
async function runKept(engine: Engine, sql: string, table: string): Promise<number> {
  const t = ident(table);
  const { rows, order } = keptParts(table);
  await dropKept(engine, table);
  await engine.exec(`CREATE TABLE ${ident(rows)} AS SELECT * FROM (${sql})`);
  // Each row's place, listed in the rows' own order (rowid) so that the view pairs them by position.
  await engine.exec(`CREATE TABLE ${ident(order)} AS SELECT _q FROM (
    SELECT rowid AS _r, row_number() OVER (ORDER BY ${RULE_ORDER}) AS _q FROM ${ident(rows)}) ORDER BY _r`);
  await engine.exec(keptViewSql(table));
  const [{ n, sensitive }] = await engine.query<{ n: number; sensitive: number }>(`SELECT count(*)::INTEGER AS n,
    count(*) FILTER (WHERE regexp_matches(concat(slip_no, source_file, sheet, detail), ${ORDER_SENSITIVE}))::INTEGER AS sensitive FROM ${t}`);
  if (Number(sensitive) === 0) return Number(n);
  const found = await engine.query(`SELECT * FROM ${t} ORDER BY _q`);
  const findings = found.map((r) => toFinding(r));
  let sorted = true;
  for (let i = 1; i < findings.length && sorted; i++) sorted = compareFindings(findings[i - 1], findings[i]) <= 0;
  if (sorted) return findings.length;
  const places = findings.map((f, i) => ({ f, q: Number(found[i]._q) })).sort((a, b) => compareFindings(a.f, b.f));
  const map = `${table}_order`;
  await engine.loadColumns(map, ['q', 'k'], [places.map((o) => String(o.q)), places.map((_, k) => String(k + 1))]);
  await engine.exec(`UPDATE ${ident(order)} SET _q = CAST(m.k AS BIGINT) FROM ${ident(map)} m WHERE ${ident(order)}._q = CAST(m.q AS BIGINT)`);
  await engine.exec(`DROP TABLE ${ident(map)}`);
  return findings.length;
}

/**
 * The default as-of date: the last day of the month holding the latest primary date in
 * the loaded data (RULES.md), so that a month's export is judged at that month's end.
 */
export async function defaultAsOf(engine: Engine): Promise<string | null> {
  const loaded = await loadedTypes(engine);
  const parts = SLIP_TYPES.filter((t) => loaded.has(t.id) && t.primaryDate)
    .map((t) => `SELECT max(CAST(${ident(t.primaryDate!)} AS DATE)) AS d FROM ${ident(t.id)}`);
  if (parts.length === 0) return null;
  const rows = await engine.query<{ d: string | null }>(
    `SELECT CAST(last_day(max(d)) AS VARCHAR) AS d FROM (${parts.join(' UNION ALL ')})`,
  );
  return rows[0]?.d ?? null;
}
