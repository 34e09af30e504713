/**
 * Compiles a loaded rule to one SQL query returning the contract's finding columns,
 * at an as-of date, for the slip types that are loaded. A rule whose inputs are not
 * loaded compiles to "not run" with what it needs, never to an empty result.
 */
import type { SlipTypeId } from '../types';
import { kindModule } from './kinds/index';
import type { Rule } from './rule';
import type { ParamValue, Params } from './types';

export type Compiled = { status: 'ready'; sql: string } | { status: 'not-run'; needs: SlipTypeId[] };

export interface CompileContext {
  asOf: string;
  loaded: ReadonlySet<SlipTypeId>;
  /** Parameter overrides by name; each must be a parameter the rule declares, of the same shape. */
  params?: Record<string, unknown>;
}

/** The rule's parameters with the overrides applied; a wrong override is an error, not a silent default. */
export function effectiveParams(rule: Rule, overrides: Record<string, unknown> = {}): Params {
  const out: Record<string, ParamValue> = { ...rule.params };
  for (const [name, value] of Object.entries(overrides)) {
    const def = rule.params[name];
    if (def === undefined) throw new Error(`rule ${rule.id} has no parameter ${name}`);
    const ok = Array.isArray(def)
      ? Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
      : typeof value === typeof def && (typeof value !== 'number' || Number.isFinite(value));
    if (!ok) throw new Error(`rule ${rule.id}: parameter ${name} must be like ${JSON.stringify(def)}`);
    out[name] = value as ParamValue;
  }
  return out;
}

export function compileRule(rule: Rule, ctx: CompileContext): Compiled {
  const mod = kindModule(rule.kind);
  const needs = mod.needs(rule.settings as never);
  const missing = needs.all.filter((t) => !ctx.loaded.has(t));
  for (const group of needs.anyOf) if (!group.some((t) => ctx.loaded.has(t))) missing.push(...group);
  if (missing.length) return { status: 'not-run', needs: [...new Set(missing)] };
  const sql = mod.compile(rule, rule.settings as never, {
    asOf: ctx.asOf, loaded: ctx.loaded, params: effectiveParams(rule, ctx.params),
  });
  return { status: 'ready', sql };
}
