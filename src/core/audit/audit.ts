/**
 * One audit over loaded slip tables: rules → findings, the penalty ledger, KPIs. The CLI
 * and the app call this same function, so they give the same answers.
 */
import type { Engine } from '../engine';
import type { Rule } from '../rules/load';
import { defaultAsOf, runRules } from '../rules/run';
import { buildPenaltyLedger } from '../rules/penalties';
import { computeKpis, type Kpis } from './kpis';
import type { OutFinding, OutPenalty, OutRuleStatus } from './outputs';

export interface AuditRun {
  asOf: string;
  statuses: OutRuleStatus[];
  findings: OutFinding[];
  penalties: OutPenalty[];
  kpis: Kpis;
}

export interface AuditOptions {
  asOf?: string;
  params?: Record<string, Record<string, unknown>>;
  disabled?: ReadonlySet<string>;
}

/** Run the rule pack at the as-of date (default: end of the latest month in the data). */
export async function runAudit(engine: Engine, rules: readonly Rule[], opts: AuditOptions = {}): Promise<AuditRun | null> {
  const asOf = opts.asOf ?? (await defaultAsOf(engine));
  if (!asOf) return null;
  const { statuses, findings } = await runRules(engine, [...rules], { asOf, params: opts.params, disabled: opts.disabled });
  const penalties = buildPenaltyLedger(findings);
  const kpis = await computeKpis(engine, asOf, findings, penalties);
  return { asOf, statuses, findings, penalties, kpis };
}
