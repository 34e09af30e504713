/**
 * The typed message protocol between the page and the audit worker. The page calls
 * methods of WorkerApi; the worker answers each call once and may send progress
 * notes in between. Everything crossing is structured-clone data.
 */
import type { TableReport } from '../core/audit/types';
import type { Kpis } from '../core/audit/kpis';
import type { Reject, SlipTypeId, Text } from '../core/types';
import type { Row } from '../core/engine';
import type { RuleProblem } from '../core/rules/types';

export interface RuleParamView { name: string; value: string | number | boolean }

export interface RuleView {
  id: string;
  title: Text;
  clause: string;
  severity: string;
  enabled: boolean;
  /** 'ran', or 'not run: needs …' (the needed slip types, comma-separated). */
  status: string;
  findings: number;
  params: RuleParamView[];
}

export interface AuditSnapshot {
  engine: string;
  tables: TableReport[];
  rejectCount: number;
  asOf: string;
  /** True when the as-of date was set by the user rather than derived from the data. */
  asOfSet: boolean;
  rules: RuleView[];
  ruleProblems: string[];
  totalFindings: number;
}

export type SortKey = 'rule_id' | 'severity' | 'slip_type' | 'slip_no' | 'date' | 'responsible' | 'amount' | 'penalty' | 'source_file';

export interface FindingsFilter {
  rule: string;
  severity: string;
  slipType: string;
  person: string;
  month: string;
  q: string;
  sort: SortKey;
  desc: boolean;
}

export interface FindingRow {
  id: number;
  rule_id: string;
  severity: string;
  slip_type: string;
  slip_no: string | null;
  date: string | null;
  responsible: string | null;
  amount: number | null;
  penalty: number | null;
  penalty_note: string | null;
  source_file: string;
  sheet: string | null;
  source_row: number | null;
  detail: string | null;
}

export interface Facets {
  rule: { key: string; count: number }[];
  severity: { key: string; count: number }[];
  slipType: { key: string; count: number }[];
  person: { key: string; count: number }[];
  month: { key: string; count: number }[];
}

/** Documents related to a finding's slip, from one slip table (`loaded` false: that table is not loaded). */
export interface RelatedDocs {
  kind: 'exit_pass' | 'outsource_return' | 'original_outbound' | 'gated_slip' | 'price';
  type: SlipTypeId;
  loaded: boolean;
  rows: Row[];
}

export interface SlipDetail {
  finding: FindingRow;
  /** The slip's rows (every column as text) from the same source file. */
  lines: Row[];
  related: RelatedDocs[];
}

/** A refused table's header row and a few rows below it, for the column-mapping dialog. */
export interface TablePreview {
  headers: string[];
  samples: string[][];
}

export type XlsxKind = 'violations' | 'rejects' | 'penalties';

export interface RuleOptions {
  asOf: string | null;
  disabled: string[];
  params: Record<string, Record<string, string | number | boolean>>;
}

export type ExportKind = 'violations.csv' | 'rejects.csv' | 'penalties.csv' | 'summary.json' | 'evidence.json';

export interface WorkerApi {
  init(): Promise<{ engine: string }>;
  /** Files by handle (a File is passed by reference, not copied): the worker reads each when it loads it. */
  addFiles(files: { name: string; content: Blob | Uint8Array }[]): Promise<AuditSnapshot>;
  /** Bytes and line breaks of each file, for the budget check before anything is loaded. */
  measureFiles(files: Blob[]): Promise<{ bytes: number; rows: number }[]>;
  retypeFile(name: string, type: SlipTypeId | ''): Promise<AuditSnapshot>;
  removeFile(name: string): Promise<AuditSnapshot>;
  setRuleOptions(options: RuleOptions): Promise<AuditSnapshot>;
  findingsPage(filter: FindingsFilter, offset: number, limit: number): Promise<{ total: number; rows: FindingRow[] }>;
  facets(): Promise<Facets>;
  slipDetail(id: number): Promise<SlipDetail | null>;
  rejects(offset: number, limit: number): Promise<{ total: number; rows: Reject[] }>;
  exportFile(kind: ExportKind, lang: 'zh' | 'en'): Promise<string>;
  kpis(): Promise<Kpis | null>;
  exportXlsx(kind: XlsxKind, lang: 'zh' | 'en', headers: string[]): Promise<Uint8Array>;
  previewTable(name: string, sheet: string): Promise<TablePreview | null>;
  mapFile(name: string, type: SlipTypeId, mapping: Record<string, string>): Promise<AuditSnapshot>;
  /** Replace the rule pack (imported files) and the custom rules; null keeps the current pack. */
  setRules(pack: { path: string; text: string }[] | null, custom: { path: string; text: string }[]): Promise<AuditSnapshot>;
  /** Problems of rule files, checked with the current pack (`withPack`) or on their own. */
  checkRules(files: { path: string; text: string }[], withPack: boolean): Promise<RuleProblem[]>;
  ruleFiles(): Promise<{ path: string; text: string }[]>;
}

export type Method = keyof WorkerApi;

export interface CallMessage { kind: 'call'; id: number; method: Method; args: unknown[] }
export type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };
export interface ProgressMessage {
  kind: 'progress';
  stage: 'engine' | 'read' | 'parse' | 'load' | 'rules' | 'done';
  file: string;
  rows: number;
  index: number;
  total: number;
}
export type FromWorker = ReplyMessage | ProgressMessage;
