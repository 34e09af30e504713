/** Vocabulary of the rule side: rule files, findings, statuses, problems. Pure types. */
import type { SlipTypeId } from '../types';

export type Severity = 'warning' | 'violation' | 'critical';
export const SEVERITIES: readonly Severity[] = ['warning', 'violation', 'critical'];

declare const ruleIdBrand: unique symbol;
/** A rule id that came out of the loader (and so was checked and is unique in its pack). */
export type RuleId = string & { readonly [ruleIdBrand]: true };

/** A parameter value: what `{name}` placeholders in expressions stand for. */
export type ParamValue = number | string | boolean | readonly (number | string)[];
export type Params = Readonly<Record<string, ParamValue>>;

/**
 * Who a finding is charged to: `field:<name>` = the person named in that field of the
 * slip; `role:gate` = the gate (`门卫/gate`); `role:<text>` = that text.
 */
export type ChargedTo = { field: string } | { role: string };

/** A stronger consequence when its condition also holds (the highest matching tier applies). */
export interface PenaltyTier {
  when: string;
  severity?: Severity;
  /** A fixed amount, or an expression (e.g. the line's original value). */
  amount?: number | { expr: string };
  note?: string;
}

export interface Penalty {
  amount: number;
  charged_to: ChargedTo;
  note?: string;
}

/** One problem in a rule file, where a text editor would show it (1-based line and column). */
export interface RuleProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** One finding: the contract's output columns (RULES.md). */
export interface Finding {
  rule_id: string;
  severity: Severity;
  slip_type: string;
  slip_no: string | null;
  date: string | null;
  responsible: string | null;
  amount: string | null;
  penalty: string | null;
  penalty_note: string | null;
  source_file: string;
  sheet: string | null;
  source_row: number | null;
  detail: string | null;
}

export interface RuleStatus {
  id: string;
  severity: Severity;
  clause: string;
  findings: number;
  /** `ran`, `off`, `not run: needs X, Y` or `error: …`. */
  status: string;
}

/** What a rule needs loaded: every type of `all`, and at least one type of each `anyOf` group. */
export interface Needs {
  all: SlipTypeId[];
  anyOf: SlipTypeId[][];
}
