/**
 * Loads a rule pack: YAML texts → checked, typed rules. Reads no files itself (the CLI
 * reads them from disk, the app bundles them), and reports every problem of every file
 * at once with file:line:col, so a rule author fixes a file in one round.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { KIND_NAMES, kindModule } from './kinds/index';
import { parseExpr, type ParseCtx } from './kinds/kind';
import type { Rule, RuleCommon } from './rule';
import {
  SEVERITIES, type ChargedTo, type ParamValue, type Params, type Penalty, type PenaltyTier, type RuleId, type RuleProblem,
} from './types';
import { FileReader, type Entry, type YNode } from './yaml-read';

export type { Rule } from './rule';
export type { RuleProblem } from './types';

const COMMON_KEYS = ['id', 'title', 'clause', 'severity', 'kind', 'params', 'penalty', 'responsible', 'description'] as const;
const COMMON_REQUIRED = ['id', 'title', 'clause', 'severity', 'kind', 'description'] as const;
const ID = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;

/** Check and type a rule pack. Rules come back sorted by id; a file with problems gives no rule. */
export function loadRulePack(files: readonly { path: string; text: string }[]): { rules: Rule[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const before = problems.length;
    const loaded = loadRuleFile(f.path, f.text, problems);
    if (!loaded) continue;
    const { rule, idNode, reader } = loaded;
    const other = seen.get(rule.id);
    if (other !== undefined) reader.problem(idNode, `duplicate rule id "${rule.id}" (also in ${other})`);
    else seen.set(rule.id, f.path);
    if (problems.length === before) rules.push(rule);
  }
  rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rules, problems };
}

function baseName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/\.ya?ml$/i, '');
}

function loadRuleFile(path: string, text: string, problems: RuleProblem[]): { rule: Rule; idNode: YNode; reader: FileReader } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      problems.push({ file: path, line: pos.line, col: pos.col, message: e.message.split('\n')[0] });
    }
    return undefined;
  }
  const root = doc.contents as Node | null;
  const fallback = root ?? ({ range: [0, 0, 0] } as unknown as Node);
  const r = new FileReader(path, lines, problems, fallback);
  if (!isMap(root)) {
    r.problem(root, 'a rule file must be a mapping (id, title, clause, severity, kind, …)');
    return undefined;
  }
  const before = problems.length;
  const kindNode = root.items.find((p) => isScalar(p.key) && p.key.value === 'kind')?.value as YNode;
  const kind = kindNode !== undefined ? r.oneOf(kindNode, 'kind', KIND_NAMES) : undefined;
  const mod = kind ? kindModule(kind) : undefined;
  const allowed: string[] = [...COMMON_KEYS, ...(mod?.keys ?? [])];
  const m = r.map(root, 'rule', mod ? allowed : [...allowed, ...otherKeys(root)], [...COMMON_REQUIRED, ...(mod?.required ?? [])]);
  if (!m) return undefined;

  const idE = m.get('id');
  const id = idE ? r.str(idE.value, 'id') : undefined;
  if (id !== undefined && !ID.test(id)) r.problem(idE!.value, `id "${id}" must look like type.what (lower-case, dots and dashes)`);
  if (id !== undefined && baseName(path) !== id) r.problem(idE!.value, `id "${id}" does not match the file name "${baseName(path)}"`);
  const title = m.get('title') ? r.text(m.get('title')!.value, 'title') : undefined;
  const description = m.get('description') ? r.text(m.get('description')!.value, 'description') : undefined;
  const clause = m.get('clause') ? r.str(m.get('clause')!.value, 'clause') : undefined;
  const severity = m.get('severity') ? r.oneOf(m.get('severity')!.value, 'severity', SEVERITIES) : undefined;
  const params = readParams(m.get('params'), r);
  const ctx: ParseCtx = { r, params: params ?? {} };
  const settings = mod ? mod.parse(m, ctx) : undefined;
  const scope = mod && settings ? mod.scope(settings as never) : null;

  let penalty: Penalty | null = null;
  let tiers: PenaltyTier[] = [];
  const pen = m.get('penalty');
  if (pen) {
    const pm = r.map(pen.value, 'penalty', ['amount', 'charged_to', 'note', 'tiers'], ['amount', 'charged_to']);
    if (pm) {
      const amount = pm.get('amount') ? r.num(pm.get('amount')!.value, 'penalty.amount') : undefined;
      const to = pm.get('charged_to') ? readChargedTo(pm.get('charged_to')!.value, 'penalty.charged_to', r, scope, !!settings) : undefined;
      const note = pm.get('note') ? r.str(pm.get('note')!.value, 'penalty.note') : undefined;
      if (amount !== undefined && to) penalty = { amount, charged_to: to, ...(note !== undefined ? { note } : {}) };
      const t = pm.get('tiers');
      if (t) tiers = readTiers(t.value, r, ctx, scope, !!settings);
    }
  }
  const respE = m.get('responsible');
  const responsible = respE ? readChargedTo(respE.value, 'responsible', r, scope, !!settings) ?? null : null;

  if (problems.length > before || !kind || !settings || !id || !title || !description || !clause || !severity || !params) return undefined;
  const common: RuleCommon = {
    id: id as RuleId, file: path, title, clause, severity, params, penalty, tiers, responsible, description,
  };
  return { rule: { ...common, kind, settings } as Rule, idNode: idE!.value, reader: r };
}

/** With an unknown kind, its keys cannot be judged: accept them, the kind problem is reported. */
function otherKeys(root: { items: { key: unknown }[] }): string[] {
  return root.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
}

function readParams(e: Entry | undefined, r: FileReader): Params | undefined {
  if (!e) return {};
  if (!isMap(e.value)) { r.problem(e.value ?? e.key, 'params must be a mapping of name: value'); return undefined; }
  const out: Record<string, ParamValue> = {};
  let ok = true;
  for (const p of e.value.items) {
    const key = p.key;
    const name = isScalar(key) ? String(key.value) : '';
    if (!/^[a-z][a-z0-9_]*$/.test(name) || name === 'as_of') { r.problem(key as YNode, `param name "${name}" must be a lower-case name (not as_of)`); ok = false; continue; }
    const v = p.value as YNode;
    if (isScalar(v) && (typeof v.value === 'number' || typeof v.value === 'string' || typeof v.value === 'boolean')) out[name] = v.value;
    else if (isSeq(v) && v.items.length > 0 && v.items.every((it) => isScalar(it) && (typeof it.value === 'number' || typeof it.value === 'string'))) {
      out[name] = v.items.map((it) => (it as { value: number | string }).value);
    } else { r.problem(v ?? key as YNode, `param ${name} must be a number, a text, true/false or a non-empty list`); ok = false; }
  }
  return ok ? out : undefined;
}

function readChargedTo(node: YNode, what: string, r: FileReader, scope: ReturnType<ReturnType<typeof kindModule>['scope']>, kindOk: boolean): ChargedTo | undefined {
  const v = r.str(node, what);
  if (v === undefined) return undefined;
  const m = /^(field|role):(.+)$/.exec(v);
  if (!m) { r.problem(node, `${what} must be field:<name> or role:<name>`); return undefined; }
  if (m[1] === 'role') return { role: m[2] };
  if (!kindOk) return undefined;
  if (!scope) { r.problem(node, `${what}: this kind cannot charge a field; use role:<name>`); return undefined; }
  if (!scope.main.columns.has(m[2])) { r.problem(node, `${what}: unknown field "${m[2]}"`); return undefined; }
  return { field: m[2] };
}

function readTiers(node: YNode, r: FileReader, ctx: ParseCtx, scope: ReturnType<ReturnType<typeof kindModule>['scope']>, kindOk: boolean): PenaltyTier[] {
  const items = r.list(node, 'penalty.tiers', false);
  if (!items) return [];
  if (kindOk && !scope) { r.problem(node, 'penalty.tiers: not available for this kind'); return []; }
  const out: PenaltyTier[] = [];
  for (const it of items) {
    const tm = r.map(it, 'tier', ['when', 'severity', 'amount', 'note'], ['when']);
    if (!tm || !scope) continue;
    const when = tm.get('when') ? parseExpr(tm.get('when')!.value, 'tier.when', scope, ctx) : undefined;
    const tier: PenaltyTier = { when: when ?? '' };
    const sev = tm.get('severity');
    if (sev) { const s = r.oneOf(sev.value, 'tier.severity', SEVERITIES); if (s) tier.severity = s; }
    const am = tm.get('amount');
    if (am) {
      if (isScalar(am.value) && typeof am.value.value === 'number') tier.amount = am.value.value;
      else { const e = parseExpr(am.value, 'tier.amount', scope, ctx); if (e !== undefined) tier.amount = { expr: e }; }
    }
    const note = tm.get('note');
    if (note) { const n = r.str(note.value, 'tier.note'); if (n !== undefined) tier.note = n; }
    out.push(tier);
  }
  return out;
}
