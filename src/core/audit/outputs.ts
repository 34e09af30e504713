/**
 * The audit's output files (RULES.md "Command line"), as text. Shared by the CLI, which
 * writes them to disk, and the app, which offers them as downloads. Nothing here holds a
 * timestamp or a timing, so the same inputs give the same bytes.
 */
import type { Lang, Reject, Text } from '../types';
import type { LoadReport, TableReport } from './types';
import type { Kpis } from './kpis';
import { cmp } from './kpis';
import { toCsv, toCsvParts } from './csv-out';
import { sha256Parts } from './hash';

export interface OutFinding {
  rule_id: string; severity: string; slip_type: string; slip_no: string | null; date: string | null;
  responsible: string | null; amount: string | null; penalty: string | null; penalty_note: string | null;
  source_file: string; sheet: string | null; source_row: number | null; detail: string | null;
}

export interface OutRuleStatus { id: string; severity: string; clause: string; findings: number; status: string }

export interface OutPenalty { responsible: string; month: string; rule_id: string; findings: number; amount: string; note: string | null }

export interface RuleEvidence { id: string; file: string; sha256: string; params: Record<string, unknown> }

export interface AuditOutputs {
  asOf: string;
  lang: Lang;
  productVersion: string;
  load: LoadReport;
  statuses: readonly OutRuleStatus[];
  findings: readonly OutFinding[];
  penalties: readonly OutPenalty[];
  kpis: Kpis | null;
  titles: ReadonlyMap<string, Text>;
  rules: readonly RuleEvidence[];
  inputs: readonly { name: string; size: number; sha256: string }[];
}

export const VIOLATION_COLUMNS = [
  'rule_id', 'severity', 'slip_type', 'slip_no', 'date', 'responsible', 'amount', 'penalty', 'source_file', 'source_row', 'message',
] as const;
export const REJECT_COLUMNS = ['source_file', 'sheet', 'source_row', 'column', 'value', 'reason'] as const;
export const PENALTY_COLUMNS = ['responsible', 'month', 'rule_id', 'findings', 'amount', 'note'] as const;

/** Findings in the contract's order: rule_id, slip_no, source_file, source_row. */
export function sortFindings<T extends OutFinding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) =>
    cmp(a.rule_id, b.rule_id) || cmp(a.slip_no ?? '', b.slip_no ?? '') || cmp(a.source_file, b.source_file)
    || (a.source_row ?? 0) - (b.source_row ?? 0) || cmp(a.sheet ?? '', b.sheet ?? '') || cmp(a.detail ?? '', b.detail ?? ''));
}

/** The `message` column: the rule's title in the chosen language, the facts, the sheet and any penalty note. */
export function findingMessage(f: OutFinding, titles: ReadonlyMap<string, Text>, lang: Lang): string {
  const title = titles.get(f.rule_id)?.[lang] ?? f.rule_id;
  const parts = [title];
  if (f.detail) parts.push(f.detail);
  if (f.penalty_note) parts.push(lang === 'zh' ? `备注: ${noteText(f.penalty_note, lang)}` : `note: ${noteText(f.penalty_note, lang)}`);
  if (f.sheet) parts.push(lang === 'zh' ? `工作表: ${f.sheet}` : `sheet: ${f.sheet}`);
  return parts.join('; ');
}

const NOTES: Record<string, Text> = {
  'salary suspended': { zh: '停发工资', en: 'salary suspended' },
  'original value': { zh: '按原值', en: 'original value' },
};

function noteText(note: string, lang: Lang): string {
  return NOTES[note]?.[lang] ?? note;
}

/** Columns written as numbers in the exports; every other column is text (and formula-safe). */
export const VIOLATION_NUMERIC: ReadonlySet<string> = new Set(['amount', 'penalty', 'source_row']);
export const REJECT_NUMERIC: ReadonlySet<string> = new Set(['source_row']);
export const PENALTY_NUMERIC: ReadonlySet<string> = new Set(['findings', 'amount']);

type ExportRow = Record<string, string | number | null>;

/** The rows of violations.csv (and its XLSX twin): sorted, with the message in the chosen language. */
export function violationRows(findings: readonly OutFinding[], titles: ReadonlyMap<string, Text>, lang: Lang): ExportRow[] {
  return sortFindings(findings).map((f) => ({ ...f, message: findingMessage(f, titles, lang) }));
}

/** The rows of rejects.csv: by file, sheet, row and column. */
export function rejectRows(rejects: readonly Reject[]): ExportRow[] {
  return [...rejects].sort((a, b) =>
    cmp(a.source_file, b.source_file) || cmp(a.sheet, b.sheet) || a.source_row - b.source_row || cmp(a.column, b.column))
    .map((r) => ({ ...r }));
}

/** The rows of penalties.csv, notes in the chosen language. */
export function penaltyRows(penalties: readonly OutPenalty[], lang: Lang): ExportRow[] {
  return penalties.map((p) => ({ ...p, note: p.note ? noteText(p.note, lang) : '' }));
}

export function violationsCsv(findings: readonly OutFinding[], titles: ReadonlyMap<string, Text>, lang: Lang): string {
  return violationsCsvParts(findings, titles, lang).join('');
}

/** violations.csv in parts (toCsvParts), each row made as it is written. */
function violationsCsvParts(findings: readonly OutFinding[], titles: ReadonlyMap<string, Text>, lang: Lang): string[] {
  // Only the written columns, in one shape: copying every field of millions of findings costs more than the CSV.
  function* rows(): Generator<ExportRow> {
    for (const f of sortFindings(findings)) {
      yield {
        rule_id: f.rule_id, severity: f.severity, slip_type: f.slip_type, slip_no: f.slip_no, date: f.date,
        responsible: f.responsible, amount: f.amount, penalty: f.penalty, source_file: f.source_file,
        source_row: f.source_row, message: findingMessage(f, titles, lang),
      };
    }
  }
  return toCsvParts(VIOLATION_COLUMNS, rows(), VIOLATION_NUMERIC);
}

export function rejectsCsv(rejects: readonly Reject[]): string {
  return toCsv(REJECT_COLUMNS, rejectRows(rejects), REJECT_NUMERIC);
}

export function penaltiesCsv(penalties: readonly OutPenalty[], lang: Lang): string {
  return toCsv(PENALTY_COLUMNS, penaltyRows(penalties, lang), PENALTY_NUMERIC);
}

/** summary.json: as_of, files, rules, totals and KPIs; stable key order, no timings. */
export function summaryJson(o: AuditOutputs): string {
  const files = o.load.tables.map((t: TableReport) => ({
    name: t.name, sha256: t.sha256, sheet: t.sheet, slip_type: t.slip_type, encoding: t.encoding, status: t.status,
    reason: t.reason, rows_read: t.rows_read, rows_loaded: t.rows_loaded, rows_rejected: t.rows_rejected,
    rows_blank: t.rows_blank, rows_totals: t.rows_totals,
  }));
  const summary = {
    as_of: o.asOf,
    files,
    rules: o.statuses.map((s) => ({ id: s.id, severity: s.severity, clause: s.clause, findings: s.findings, status: s.status })),
    totals: {
      findings: o.findings.length,
      rejects: o.load.rejects.length,
      rows_loaded: files.reduce((s, f) => s + f.rows_loaded, 0),
      rows_rejected: files.reduce((s, f) => s + f.rows_rejected, 0),
    },
    kpis: o.kpis,
  };
  return JSON.stringify(summary, null, 2) + '\n';
}

/** All output files; evidence.json last, with the SHA-256 of every other file. */
export async function renderOutputs(o: AuditOutputs): Promise<Record<string, string>> {
  const parts = await renderOutputParts(o);
  return Object.fromEntries(Object.entries(parts).map(([name, p]) => [name, p.join('')]));
}

/**
 * renderOutputs with each file as consecutive parts, for a caller that writes them one
 * after another: the findings of a year's audit make a violations.csv larger than one string.
 * `hashParts`: the SHA-256 of a file's text given in parts (the command line passes Node's
 * own hash, which reads the parts as they are instead of joined and encoded first).
 */
export async function renderOutputParts(
  o: AuditOutputs, hashParts: (parts: readonly string[]) => Promise<string> = sha256Parts,
): Promise<Record<string, string[]>> {
  const files: Record<string, string[]> = {
    'violations.csv': violationsCsvParts(o.findings, o.titles, o.lang),
    'rejects.csv': [rejectsCsv(o.load.rejects)],
    'penalties.csv': [penaltiesCsv(o.penalties, o.lang)],
    'summary.json': [summaryJson(o)],
  };
  const outputs: Record<string, string> = {};
  for (const [name, parts] of Object.entries(files)) outputs[name] = await hashParts(parts);
  const evidence = {
    product: { name: 'slip-audit', version: o.productVersion },
    as_of: o.asOf,
    lang: o.lang,
    rule_pack: o.rules.map((r) => ({ id: r.id, file: r.file, sha256: r.sha256, params: r.params })),
    inputs: o.inputs.map((i) => ({ name: i.name, size: i.size, sha256: i.sha256 })),
    outputs,
  };
  files['evidence.json'] = [JSON.stringify(evidence, null, 2) + '\n'];
  return files;
}
