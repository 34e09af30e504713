/**
 * Which rules must run again when the user changes the rule options, so that the app
 * re-runs those alone and keeps every other rule's findings.
 */
import type { SlipTypeId } from '../core/types';
import type { Rule } from '../core/rules/rule';
import { cmp } from '../core/audit/kpis';
import { compileRule } from '../core/rules/compile';
import type { RuleOptions } from './rpc';

export interface RunState { asOf: string; options: RuleOptions }

/**
 * The rules whose findings may differ from those of run `last` under `now`: those switched
 * on or off or given other parameters, and, after a change of the as-of date, those whose
 * SQL reads it (a rule compiled to the same SQL for both dates finds the same rows).
 * `loaded`: the slip types present, needed only when the date changed.
 */
export function changedRules(rules: readonly Rule[], last: RunState, now: RunState, loaded: ReadonlySet<SlipTypeId> | null): Set<string> {
  const dateChanged = last.asOf !== now.asOf;
  const wasOff = new Set(last.options.disabled);
  const isOff = new Set(now.options.disabled);
  const changed = new Set<string>();
  for (const r of rules) {
    const params = now.options.params[r.id];
    const same = wasOff.has(r.id) === isOff.has(r.id)
      && sameParams(last.options.params[r.id], params)
      && (!dateChanged || isOff.has(r.id) || (loaded !== null && sameSql(r, last.asOf, now.asOf, loaded, params)));
    if (!same) changed.add(r.id);
  }
  return changed;
}

/** The rule compiles to the same SQL (or the same refusal) on both as-of dates; an error counts as different. */
function sameSql(rule: Rule, a: string, b: string, loaded: ReadonlySet<SlipTypeId>, params: Record<string, unknown> | undefined): boolean {
  try {
    return JSON.stringify(compileRule(rule, { asOf: a, loaded, params })) === JSON.stringify(compileRule(rule, { asOf: b, loaded, params }));
  } catch {
    return false;
  }
}

/** Two parameter overrides of one rule say the same, whatever their key order. */
function sameParams(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  const norm = (x: Record<string, unknown> | undefined) => JSON.stringify(Object.entries(x ?? {}).sort(([k], [l]) => cmp(k, l)));
  return norm(a) === norm(b);
}
