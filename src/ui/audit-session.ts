/**
 * One audit as the app runs it: the files handed over so far, their load reports and
 * rejects, the rule options, and the latest findings (kept in DuckDB so the findings view
 * can filter, sort and page 100k+ rows). Engine-agnostic, so it runs in
 * the browser worker and under Node in tests.
 */
import type { Engine, Row } from '../core/engine';
import type { TableReport } from '../core/audit/types';
import type { Reject, SlipTypeId, Text } from '../core/types';
import type { Finding, RuleStatus } from '../core/rules/types';
import { loadFiles } from '../core/audit/load';
import { sha256Hex } from '../core/audit/hash';
import { findingKpis, mergeTallies, tableKpis, type Kpis, type TableKpis } from '../core/audit/kpis';
import {
  PENALTY_COLUMNS, PENALTY_NUMERIC, REJECT_COLUMNS, REJECT_NUMERIC, VIOLATION_COLUMNS, VIOLATION_NUMERIC,
  penaltyRows, rejectRows, renderOutputs, violationRows,
} from '../core/audit/outputs';
import { toXlsx } from '../core/audit/xlsx-out';
import { SLIP_TYPE_IDS, slipTypeDef } from '../core/schema/slip-types';
import { ident, lit } from '../core/sql/sql';
import { loadRulePack } from '../core/rules/load';
import { defaultAsOf, loadedTypes, runRules, type RunContext } from '../core/rules/run';
import type { Rule } from '../core/rules/rule';
import type { RuleProblem } from '../core/rules/types';
import { relatedDocs } from './related-docs';
import { previewTable } from './table-preview';
import { FINDING_COLUMNS, FINDINGS_TABLE, countSql, facetSql, pageSql } from './findings-sql';
import { FindingsTables, readFindings, RuleResults } from './findings-store';
import { changedRules } from './rule-changes';
import { bytesOf, hashFiles, inputOf, type FileContent } from './file-content';
import { TEXT_PART_BYTES } from '../core/ingest/fast-text';
import type {
  AuditSnapshot, ExportKind, Facets, FindingRow, FindingsFilter, ProgressMessage, RuleOptions, RuleView, SlipDetail, TablePreview,
  XlsxKind,
} from './rpc';

type RuleFile = { path: string; text: string };

export const PRODUCT_VERSION = '0.1.0';

interface HeldFile { name: string; content: FileContent; size: number; type?: SlipTypeId; mapping?: Record<string, string>; sha256: string }

export class AuditSession {
  private files = new Map<string, HeldFile>();
  private reports = new Map<string, TableReport[]>();
  private rejectsByFile = new Map<string, Reject[]>();
  private options: RuleOptions = { asOf: null, disabled: [], params: {} };
  private rules: Rule[] = [];
  private ruleProblems: string[] = [];
  private packFiles: RuleFile[];
  private customFiles: RuleFile[] = [];
  private asOf = '';
  private statuses: RuleStatus[] = [];
  /** The findings view exists once the first run has stored the findings. */
  private ran = false;
  /** The last run's findings, one table per rule, and the view the findings page reads. */
  private readonly findings: FindingsTables;
  /** The last run's findings per rule (how many, the ledger, the KPI tally): a change to one rule re-runs that rule alone. */
  private readonly results = new RuleResults();
  /** What the stored findings were produced with; null once the data or the rule pack changes (the next run is a full one). */
  private lastRun: { asOf: string; options: RuleOptions } | null = null;
  /** The KPIs read from the tables alone, for one as-of date of the current data. */
  private tableKpis: { asOf: string; kpis: Promise<TableKpis> } | null = null;

  constructor(
    readonly engine: Engine,
    ruleFiles: { path: string; text: string }[],
    private readonly progress: (p: Omit<ProgressMessage, 'kind'>) => void = () => {},
  ) {
    this.packFiles = ruleFiles;
    this.findings = new FindingsTables(engine);
    this.loadRules();
  }

  private get ruleFiles(): RuleFile[] {
    return [...this.packFiles, ...this.customFiles];
  }

  private loadRules(): void {
    this.lastRun = null;
    const pack = loadRulePack(this.ruleFiles);
    this.rules = [...pack.rules];
    this.ruleProblems = pack.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`);
  }

  async setRules(pack: RuleFile[] | null, custom: RuleFile[]): Promise<AuditSnapshot> {
    if (pack) this.packFiles = pack;
    this.customFiles = custom;
    this.loadRules();
    return this.run();
  }

  /** Problems of `files`, alone or added to the pack (then a clash of ids with the pack is one). */
  checkRules(files: RuleFile[], withPack: boolean): RuleProblem[] {
    const paths = new Set(files.map((f) => f.path));
    const others = withPack ? this.ruleFiles.filter((f) => !paths.has(f.path)) : [];
    return loadRulePack([...others, ...files]).problems.filter((p) => paths.has(p.file));
  }

  getRuleFiles(): RuleFile[] {
    return this.ruleFiles;
  }

  /**
   * Load files. Each is hashed (SHA-256, for the reports and the evidence) a piece at a time in
   * a worker of its own: before loading only a file that could be a copy of another (the same
   * size as a file held or given with it), so that a copy is not loaded; the others while they
   * load, their reports and evidence given the hash when it comes (before this returns).
   */
  async addFiles(files: { name: string; content: FileContent }[]): Promise<AuditSnapshot> {
    const size = (c: FileContent) => (c instanceof Uint8Array ? c.length : c.size);
    const twin = (f: { name: string; content: FileContent }) =>
      [...this.files.values()].some((h) => h.name !== f.name && h.size === size(f.content))
      || files.some((g) => g !== f && size(g.content) === size(f.content));
    const later = files.filter((f) => !twin(f));
    const hashing = hashFiles(later.map((f) => f.content), true);
    hashing.catch(() => {});
    const now = files.filter(twin);
    const known = new Map(now.length ? (await hashFiles(now.map((f) => f.content))).map((h, i) => [now[i].name, h]) : []);
    const fresh: HeldFile[] = [];
    for (const f of files) {
      // Until its hash comes, a file is known by a name no hash can have.
      const sha256 = known.get(f.name) ?? `pending:${f.name}`;
      const same = [...this.files.values()].find((h) => h.sha256 === sha256 && h.name !== f.name);
      if (same) {
        this.reports.set(f.name, [duplicateReport(f.name, sha256, same.name)]);
        continue;
      }
      if (this.files.has(f.name)) await this.purge(f.name);
      const held = { name: f.name, content: f.content, size: size(f.content), sha256 };
      this.files.set(f.name, held);
      fresh.push(held);
    }
    await this.load(fresh);
    const hashes = await hashing;
    later.forEach((f, i) => {
      const held = this.files.get(f.name);
      if (held?.content === f.content) held.sha256 = hashes[i];
      for (const r of this.reports.get(f.name) ?? []) r.sha256 = hashes[i];
    });
    return this.run();
  }

  /** Load one file again with its slip type forced ('' = detect). */
  async retypeFile(name: string, type: SlipTypeId | ''): Promise<AuditSnapshot> {
    const held = this.files.get(name);
    if (!held) throw new Error(`no such file: ${name}`);
    await this.purge(name);
    held.type = type || undefined;
    held.mapping = undefined;
    await this.load([held]);
    return this.run();
  }

  /** Load one file again with the user's slip type and column mapping. */
  async mapFile(name: string, type: SlipTypeId, mapping: Record<string, string>): Promise<AuditSnapshot> {
    const held = this.files.get(name);
    if (!held) throw new Error(`no such file: ${name}`);
    await this.purge(name);
    held.type = type;
    held.mapping = mapping;
    await this.load([held]);
    return this.run();
  }

  /** A refused table's header row and first rows, for the column-mapping dialog. */
  async previewTable(name: string, sheet: string): Promise<TablePreview | null> {
    const held = this.files.get(name);
    const report = this.reports.get(name)?.find((r) => r.sheet === sheet);
    return held && report ? previewTable(held.name, await bytesOf(held.content), report) : null;
  }

  async removeFile(name: string): Promise<AuditSnapshot> {
    await this.purge(name);
    this.files.delete(name);
    this.reports.delete(name);
    return this.run();
  }

  async setRuleOptions(options: RuleOptions): Promise<AuditSnapshot> {
    this.options = options;
    return this.run();
  }

  async findingsPage(filter: FindingsFilter, offset: number, limit: number): Promise<{ total: number; rows: FindingRow[] }> {
    if (!this.ran) return { total: 0, rows: [] };
    const total = Number((await this.engine.query(countSql(filter)))[0]?.n ?? 0);
    const rows = (await this.engine.query(pageSql(filter, offset, limit))) as unknown as FindingRow[];
    return { total, rows };
  }

  async facets(): Promise<Facets> {
    if (!this.ran) return { rule: [], severity: [], slipType: [], person: [], month: [] };
    const get = async (c: Parameters<typeof facetSql>[0]) =>
      (await this.engine.query<{ key: string; count: number }>(facetSql(c))).map((r) => ({ key: String(r.key), count: Number(r.count) }));
    return { rule: await get('rule_id'), severity: await get('severity'), slipType: await get('slip_type'), person: await get('responsible'), month: await get('month') };
  }

  /** The finding and the rows of its slip in the same source file (or its own row when the slip has none). */
  async slipDetail(id: number): Promise<SlipDetail | null> {
    if (!this.ran) return null;
    const rows = await this.engine.query(`SELECT ${FINDING_COLUMNS.map(ident).join(', ')} FROM ${ident(FINDINGS_TABLE)} WHERE id = ${lit(id)}`);
    const finding = rows[0] as unknown as FindingRow | undefined;
    if (!finding) return null;
    const def = slipTypeDef(finding.slip_type);
    const tables = await this.tableNames();
    if (!def || !tables.has(def.id)) return { finding, lines: [], related: [] };
    const from = `SELECT COLUMNS(*)::VARCHAR FROM ${ident(def.id)} WHERE source_file = ${lit(finding.source_file)}`;
    let lines: Row[] = [];
    if (finding.slip_no !== null) lines = await this.engine.query(`${from} AND ${ident(def.key)} = ${lit(finding.slip_no)} ORDER BY source_row`);
    if (lines.length === 0 && finding.source_row !== null) {
      lines = await this.engine.query(`${from} AND source_row = ${lit(finding.source_row)}`);
    }
    const rule = this.rules.find((r) => r.id === finding.rule_id);
    // Row-source kinds (condition, missing, …) carry `lookup` when they join the price list.
    const usesPrice = (rule?.settings as { lookup?: unknown } | undefined)?.lookup === true;
    return { finding, lines, related: await relatedDocs(this.engine, finding, tables, usesPrice) };
  }

  rejectsPage(offset: number, limit: number): { total: number; rows: Reject[] } {
    const all = this.allRejects();
    return { total: all.length, rows: all.slice(offset, offset + limit) };
  }

  async exportFile(kind: ExportKind, lang: 'zh' | 'en'): Promise<string> {
    const files = await renderOutputs({
      asOf: this.asOf, lang, productVersion: PRODUCT_VERSION,
      load: { tables: this.allTables(), rejects: this.allRejects() },
      statuses: this.statuses, findings: kind === 'rejects.csv' || kind === 'penalties.csv' ? [] : await this.allFindings(),
      penalties: this.results.penalties(),
      kpis: kind === 'summary.json' || kind === 'evidence.json' ? await this.kpis() : null,
      titles: this.titles(),
      rules: await Promise.all(this.rules.map(async (r) => ({
        id: r.id, file: r.file, sha256: await sha256Hex(this.ruleFiles.find((f) => f.path === r.file)?.text ?? ''),
        params: { ...r.params, ...(this.options.params[r.id] ?? {}) },
      }))),
      inputs: [...this.files.values()].map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })),
    });
    return files[kind];
  }

  /** The findings, rejects or penalty ledger as a workbook, with the page's column headings. */
  async exportXlsx(kind: XlsxKind, lang: 'zh' | 'en', headers: string[]): Promise<Uint8Array> {
    if (kind === 'violations') {
      return toXlsx(VIOLATION_COLUMNS, violationRows(await this.allFindings(), this.titles(), lang), VIOLATION_NUMERIC, { headers, sheet: 'violations' });
    }
    if (kind === 'rejects') return toXlsx(REJECT_COLUMNS, rejectRows(this.allRejects()), REJECT_NUMERIC, { headers, sheet: 'rejects' });
    return toXlsx(PENALTY_COLUMNS, penaltyRows(this.results.penalties(), lang), PENALTY_NUMERIC, { headers, sheet: 'penalties' });
  }

  async kpis(): Promise<Kpis | null> {
    if (!this.asOf) return null;
    if (this.tableKpis?.asOf !== this.asOf) {
      const kpis = tableKpis(this.engine, this.asOf);
      this.tableKpis = { asOf: this.asOf, kpis };
      kpis.catch(() => { if (this.tableKpis?.kpis === kpis) this.tableKpis = null; });
    }
    return findingKpis(await this.tableKpis.kpis, mergeTallies(this.results.tallies()), this.results.penalties());
  }

  /** The data changed: nothing computed from it so far still holds. */
  private dataChanged(): void {
    this.lastRun = null;
    this.tableKpis = null;
  }

  /**
   * Load the files one at a time. A user's File is read a part at a time as it loads (a text
   * export) or just before and let go after (anything else), so that at most one part, or one
   * file's bytes and decoded text, is held while DuckDB takes the rows.
   */
  private async load(files: HeldFile[]): Promise<void> {
    if (files.length === 0) return;
    this.dataChanged();
    for (let index = 0; index < files.length; index++) {
      const f = files[index];
      const input = await inputOf(f.content, { name: f.name, type: f.type, mapping: f.mapping, sha256: f.sha256 });
      const report = await loadFiles(this.engine, [input], {
        textPartBytes: TEXT_PART_BYTES,
        onProgress: (p) => this.progress({ stage: p.phase, file: p.file, rows: p.rows, index, total: files.length }),
      });
      this.reports.set(f.name, report.tables);
      this.rejectsByFile.set(f.name, report.rejects);
    }
  }

  /** Remove a file's rows from every slip table, and its rejects. */
  private async purge(name: string): Promise<void> {
    this.dataChanged();
    const tables = await this.tableNames();
    for (const t of SLIP_TYPE_IDS) {
      if (tables.has(t)) await this.engine.exec(`DELETE FROM ${ident(t)} WHERE source_file = ${lit(name)}`);
    }
    this.rejectsByFile.delete(name);
  }

  private async tableNames(): Promise<Set<string>> {
    const rows = await this.engine.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main'");
    return new Set(rows.map((r) => r.t));
  }

  private async run(): Promise<AuditSnapshot> {
    this.progress({ stage: 'rules', file: '', rows: 0, index: 0, total: this.rules.length });
    const loaded = this.allTables().some((t) => t.status === 'loaded');
    this.asOf = this.options.asOf ?? (loaded ? (await defaultAsOf(this.engine)) ?? '' : '');
    const changed = await this.changedRules();
    // Until this run has stored its findings, the next run is a full one.
    this.lastRun = null;
    if (!this.asOf) {
      this.statuses = this.rules.map((r) => ({ id: r.id, severity: r.severity, clause: r.clause, findings: 0, status: 'not run: no data' }));
      this.results.clear();
      await this.findings.clear();
      this.ran = true;
    } else {
      const ctx: RunContext = {
        asOf: this.asOf, params: this.options.params, disabled: new Set(this.options.disabled), keep: (id) => this.findings.keep(id),
        // Each rule's findings are its as soon as it has run.
        kept: async (id, count) => {
          await this.results.readKept(this.engine, id, this.findings.kept(id), count);
          await this.findings.store(id, count);
        },
      };
      if (changed === null) {
        this.results.clear();
        this.ran = false;
        await this.findings.clear();
        try {
          const result = await runRules(this.engine, this.rules, ctx);
          this.statuses = [...result.statuses];
        } finally {
          await this.findings.discard();
          await this.findings.publish();
        }
        this.ran = true;
      } else if (changed.size > 0) {
        // Their old findings go first, so that DuckDB (whose memory in the browser only grows)
        // makes the new ones in the room the old ones leave.
        for (const id of changed) this.results.forget(id);
        this.findings.retire(changed);
        await this.findings.publish();
        try {
          const result = await runRules(this.engine, this.rules, { ...ctx, only: changed });
          const fresh = new Map(result.statuses.map((st) => [st.id, st]));
          this.statuses = this.statuses.map((st) => fresh.get(st.id) ?? st);
        } finally {
          await this.findings.discard();
          await this.findings.publish();
        }
      }
      this.lastRun = { asOf: this.asOf, options: structuredClone(this.options) };
    }
    this.progress({ stage: 'done', file: '', rows: this.results.total(), index: 0, total: 0 });
    return this.snapshot();
  }

  /** The rules to run again (rule-changes.ts); null when every rule must run (first run, new data or rules). */
  private async changedRules(): Promise<Set<string> | null> {
    const last = this.lastRun;
    if (!last) return null;
    const loaded = last.asOf !== this.asOf ? await loadedTypes(this.engine) : null;
    return changedRules(this.rules, last, { asOf: this.asOf, options: this.options }, loaded);
  }

  /** Every finding of the last run in the contract's order, for the exports. */
  private async allFindings(): Promise<Finding[]> {
    return this.ran ? readFindings(this.engine, this.results.total()) : [];
  }

  private snapshot(): AuditSnapshot {
    const byId = new Map(this.statuses.map((s) => [s.id, s]));
    const rules: RuleView[] = this.rules.map((r) => {
      const s = byId.get(r.id);
      const override = this.options.params[r.id] ?? {};
      return {
        id: r.id, title: r.title, clause: r.clause, severity: s?.severity ?? r.severity,
        enabled: !this.options.disabled.includes(r.id), status: s?.status ?? '', findings: s?.findings ?? 0,
        params: Object.entries(r.params ?? {})
          .filter(([, v]) => typeof v !== 'object')
          .map(([name, v]) => ({ name, value: (override[name] ?? v) as string | number | boolean })),
      };
    });
    return {
      engine: this.engine.name, tables: this.allTables(), rejectCount: this.allRejects().length,
      asOf: this.asOf, asOfSet: this.options.asOf !== null, rules, ruleProblems: this.ruleProblems,
      totalFindings: this.results.total(),
    };
  }

  private titles(): Map<string, Text> {
    return new Map(this.rules.map((r) => [r.id, r.title]));
  }

  private allTables(): TableReport[] {
    return [...this.reports.values()].flat();
  }

  private allRejects(): Reject[] {
    return [...this.rejectsByFile.values()].flat();
  }
}

function duplicateReport(name: string, sha256: string, of: string): TableReport {
  return {
    name, sha256, sheet: '', slip_type: '', encoding: '', status: 'skipped', reason: `duplicate: same content as ${of}`,
    refusal: { code: 'duplicate', detail: { of } },
    rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_blank: 0, rows_totals: 0,
  };
}
