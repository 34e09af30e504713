/**
 * The shape of one rule kind: a parser (YAML mapping → typed settings, problems at
 * line:col) and a compiler (typed settings → SQL). Kinds are plain objects registered
 * in kinds/index.ts; the loader and the compiler only talk to this interface.
 */
import type { SlipTypeId } from '../../types';
import { slipTypeDef, SLIP_TYPE_IDS } from '../../schema/slip-types';
import { translateExpr, type ExprEnv, type Scope } from '../expr';
import type { RuleOutput } from '../finding-sql';
import type { Needs, Params } from '../types';
import type { Entry, FileReader, YNode } from '../yaml-read';
import { isMap, isScalar, type Pair, type Scalar } from 'yaml';

/** What a kind's parser gets besides its own keys. */
export interface ParseCtx {
  r: FileReader;
  /** The rule's parameters (defaults), which `{name}` placeholders may use. */
  params: Params;
}

export interface CompileEnv extends ExprEnv {
  loaded: ReadonlySet<SlipTypeId>;
}

export interface KindModule<S> {
  /** Keys this kind adds to a rule file. */
  keys: readonly string[];
  required: readonly string[];
  parse(m: Map<string, Entry>, ctx: ParseCtx): S | undefined;
  needs(s: S): Needs;
  /** Where penalty tiers and `charged_to: field:…` are evaluated; null when they cannot be. */
  scope(s: S): Scope | null;
  compile(rule: RuleOutput, s: S, env: CompileEnv): string;
  /**
   * Its query needs far more working memory than the others: it runs before them (runRules),
   * while DuckDB has the most room. In the browser DuckDB's heap never shrinks, and once the
   * other rules' findings are stored, the room a query needs comes on top.
   */
  runsFirst?: true;
}

/** A dummy as-of date for checking expressions at load time (the value does not matter). */
const CHECK_AS_OF = '2000-01-01';

/** Check an expression against a scope; its text when it translates, else problems at the node. */
export function parseExpr(node: YNode, what: string, scope: Scope, ctx: ParseCtx): string | undefined {
  const text = ctx.r.str(node, what);
  if (text === undefined) return undefined;
  const t = translateExpr(text, scope, { params: ctx.params, asOf: CHECK_AS_OF });
  if (t.ok) return text;
  for (const e of t.errors) ctx.r.problem(node, `${what}: ${e.message}`, e.offset);
  return undefined;
}

export function parseSlipType(node: YNode, what: string, ctx: ParseCtx): SlipTypeId | undefined {
  const v = ctx.r.str(node, what);
  if (v === undefined) return undefined;
  if (!slipTypeDef(v)) {
    ctx.r.problem(node, `${what}: unknown slip type "${v}" (known: ${SLIP_TYPE_IDS.join(', ')})`);
    return undefined;
  }
  return v as SlipTypeId;
}

/** One slip type or a list of them. */
export function parseSlipTypes(node: YNode, what: string, ctx: ParseCtx): SlipTypeId[] | undefined {
  const items = ctx.r.strList(node, what, true);
  if (!items) return undefined;
  const out: SlipTypeId[] = [];
  let ok = true;
  for (const it of items) {
    const t = parseSlipType(it.node, what, ctx);
    if (t) out.push(t); else ok = false;
  }
  return ok ? out : undefined;
}

/** A field name that every listed slip type has. */
export function parseField(node: YNode, what: string, types: readonly SlipTypeId[], ctx: ParseCtx): string | undefined {
  const v = ctx.r.str(node, what);
  if (v === undefined) return undefined;
  for (const t of types) {
    if (!slipTypeDef(t)!.fields.some((f) => f.name === v)) {
      ctx.r.problem(node, `${what}: unknown field "${v}" for slip type ${t}`);
      return undefined;
    }
  }
  return v;
}

/** Settings every row-producing kind shares: the money at stake and the facts shown. */
export interface OutputSettings {
  /** Expression for the amount column; undefined = the kind's default. */
  amount?: string;
  detail: (readonly [string, string])[];
}

export const OUTPUT_KEYS = ['amount', 'detail'] as const;

export function parseOutput(m: Map<string, Entry>, scope: Scope, ctx: ParseCtx): OutputSettings | undefined {
  let ok = true;
  const out: OutputSettings = { detail: [] };
  const amount = m.get('amount');
  if (amount) {
    const a = parseExpr(amount.value, 'amount', scope, ctx);
    if (a === undefined) ok = false; else out.amount = a;
  }
  const detail = m.get('detail');
  if (detail) {
    if (!isMap(detail.value)) {
      ctx.r.problem(detail.value ?? detail.key, 'detail must be a mapping of label: expression');
      ok = false;
    } else {
      for (const pair of detail.value.items as Pair<Scalar, YNode>[]) {
        const label = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!/^[a-z][a-z0-9_]*$/.test(label)) {
          ctx.r.problem(pair.key as YNode, 'detail labels must be lower-case names');
          ok = false;
          continue;
        }
        const e = parseExpr(pair.value, `detail.${label}`, scope, ctx);
        if (e === undefined) ok = false; else out.detail.push([label, e]);
      }
    }
  }
  return ok ? out : undefined;
}

/** The row amount column when the slip type has one. */
export function defaultAmount(scope: Scope): string | undefined {
  return scope.main.columns.has('amount') ? 'amount' : undefined;
}
