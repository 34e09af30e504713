/**
 * The restricted expression language of rule files: a SQL boolean or value expression
 * over the canonical columns of one slip type, with `{param}` placeholders, `as_of`, and
 * a few macros (`missing`, `present`, `eom`, `add_months`, `add_days`, `date_of`, and
 * kind-provided ones such as `back`). Anything else (other functions, subqueries, `;`,
 * quoted identifiers) is refused, so a rule file cannot reach beyond its own rows.
 * The same translation runs when a file is loaded (to report problems) and when it is
 * compiled (to produce SQL), so what loads is what runs.
 */
import type { FieldKind } from '../types';
import { dateLit, ident, lit } from '../sql/sql';
import type { ParamValue, Params } from './types';

/** Placeholders a signature may carry instead of a name (SLIPS.md §2), compared trimmed and upper-cased. */
export const SIGNATURE_PLACEHOLDERS = ['', '-', '—', '/', '无', 'N/A', 'NA', 'NULL', '未签', '待签', '待审'] as const;

export interface ScopeTable {
  /** SQL alias the columns are qualified with. */
  alias: string;
  columns: ReadonlyMap<string, FieldKind>;
  /** The SQL of a column, where it is not `alias.column`. */
  column?: (name: string) => string;
}

/** What names an expression may use: bare columns of `main`, `prefix.column` of `qualified`, extra macros. */
export interface Scope {
  main: ScopeTable;
  qualified?: Readonly<Record<string, ScopeTable>>;
  /** Kind-provided macros: name → SQL builder from the translated argument SQL. */
  macros?: Readonly<Record<string, { arity: number; build: (args: string[]) => string }>>;
}

export interface ExprEnv {
  params: Params;
  asOf: string;
}

export type Translation = { ok: true; sql: string } | { ok: false; errors: { offset: number; message: string }[] };

/** `from` is here only for `IS [NOT] DISTINCT FROM`: without SELECT there is no subquery. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'is', 'null', 'in', 'between', 'case', 'when', 'then', 'else', 'end', 'true', 'false', 'like', 'distinct', 'from',
]);
/** Plain SQL functions an expression may call. */
const FUNCTIONS = new Set(['abs', 'round', 'coalesce', 'nullif', 'trim', 'upper', 'lower', 'length', 'least', 'greatest']);

type Tok =
  | { t: 'num' | 'str' | 'op' | 'param' | 'name'; v: string; at: number };

const TOKEN = /\s+|(\d+(?:\.\d+)?)|('(?:[^']|'')*')|(\{[A-Za-z_][A-Za-z0-9_]*\})|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(<=|>=|<>|!=|[-+*/<>=(),%])/y;

function tokenize(text: string, errors: { offset: number; message: string }[]): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) {
      errors.push({ offset: i, message: `unexpected character ${JSON.stringify(text[i])} in expression` });
      return out;
    }
    if (m[1]) out.push({ t: 'num', v: m[1], at: i });
    else if (m[2]) out.push({ t: 'str', v: m[2], at: i });
    else if (m[3]) out.push({ t: 'param', v: m[3].slice(1, -1), at: i });
    else if (m[4]) out.push({ t: 'name', v: m[4], at: i });
    else if (m[5]) out.push({ t: 'op', v: m[5], at: i });
    i = TOKEN.lastIndex;
  }
  return out;
}

/** A parameter value as SQL: numbers and strings as literals, a list as `(a, b)` for `IN`. */
export function paramSql(value: ParamValue): string {
  if (Array.isArray(value)) return `(${value.map((v) => lit(v)).join(', ')})`;
  return lit(value as string | number | boolean);
}

/** SQL that is true when the column holds no usable value (RULES.md "missing"). */
export function missingSql(col: string, kind: FieldKind): string {
  switch (kind) {
    case 'signature':
      return `(${col} IS NULL OR upper(trim(${col})) IN (${SIGNATURE_PLACEHOLDERS.map((p) => lit(p)).join(', ')}))`;
    case 'text': case 'enum':
      return `(${col} IS NULL OR trim(${col}) = '')`;
    case 'flag':
      return `(${col} IS NOT TRUE)`;
    default:
      return `(${col} IS NULL)`;
  }
}

const BUILTIN_MACROS: Record<string, { arity: number; build: (a: string[]) => string }> = {
  eom: { arity: 1, build: ([d]) => `last_day(${d})` },
  add_months: { arity: 2, build: ([d, n]) => `CAST((${d}) + INTERVAL (${n}) MONTH AS DATE)` },
  add_days: { arity: 2, build: ([d, n]) => `CAST((${d}) + INTERVAL (${n}) DAY AS DATE)` },
  date_of: { arity: 1, build: ([d]) => `CAST((${d}) AS DATE)` },
};

/** Translate a rule expression to SQL, or say everything that is wrong with it. */
export function translateExpr(text: string, scope: Scope, env: ExprEnv): Translation {
  const errors: { offset: number; message: string }[] = [];
  const toks = tokenize(text, errors);
  if (errors.length) return { ok: false, errors };
  if (toks.length === 0) return { ok: false, errors: [{ offset: 0, message: 'empty expression' }] };
  let pos = 0;
  let depth = 0;

  const column = (tok: Tok): { sql: string; kind: FieldKind } | null => {
    const dot = tok.v.indexOf('.');
    if (dot < 0) {
      const kind = scope.main.columns.get(tok.v);
      return kind ? { sql: `${scope.main.alias}.${ident(tok.v)}`, kind } : null;
    }
    const table = scope.qualified?.[tok.v.slice(0, dot)];
    const name = tok.v.slice(dot + 1);
    const kind = table?.columns.get(name);
    return table && kind ? { sql: table.column ? table.column(name) : `${table.alias}.${ident(name)}`, kind } : null;
  };

  /** Translate tokens until a `)` or `,` at depth 0 of this call (not consumed). */
  const seq = (stopAtComma: boolean): string => {
    const parts: string[] = [];
    while (pos < toks.length) {
      const tok = toks[pos];
      if (tok.t === 'op' && tok.v === ')') {
        if (depth === 0) { errors.push({ offset: tok.at, message: 'unbalanced ")"' }); pos++; continue; }
        return parts.join(' ');
      }
      if (tok.t === 'op' && tok.v === ',' && stopAtComma) return parts.join(' ');
      pos++;
      switch (tok.t) {
        case 'num': case 'str':
          parts.push(tok.v);
          break;
        case 'param': {
          if (tok.v === 'as_of') { parts.push(dateLit(env.asOf)); break; }
          const v = env.params[tok.v];
          if (v === undefined) errors.push({ offset: tok.at, message: `unknown param {${tok.v}}` });
          else parts.push(paramSql(v));
          break;
        }
        case 'op':
          if (tok.v === '(') parts.push(`(${group(false)})`);
          else parts.push(tok.v === '!=' ? '<>' : tok.v);
          break;
        case 'name': {
          const lower = tok.v.toLowerCase();
          const isCall = toks[pos]?.t === 'op' && toks[pos].v === '(' && !KEYWORDS.has(lower);
          if (isCall) {
            pos++;
            parts.push(call(tok, lower));
          } else if (lower === 'as_of') {
            parts.push(dateLit(env.asOf));
          } else if (KEYWORDS.has(lower)) {
            parts.push(lower.toUpperCase());
          } else {
            const c = column(tok);
            if (c) parts.push(c.sql);
            else errors.push({ offset: tok.at, message: `unknown column ${tok.v}` });
          }
          break;
        }
      }
    }
    return parts.join(' ');
  };

  /** After an opening `(`: translate up to the matching `)`, which is consumed; the comma-separated parts. */
  const groupList = (commas: boolean): string[] => {
    depth++;
    const out = [seq(commas)];
    while (commas && toks[pos]?.t === 'op' && toks[pos].v === ',') { pos++; out.push(seq(true)); }
    depth--;
    if (toks[pos]?.t === 'op' && toks[pos].v === ')') pos++;
    else errors.push({ offset: text.length, message: 'missing ")"' });
    return out;
  };
  const group = (commas: boolean): string => groupList(commas).join(', ');

  const call = (tok: Tok, lower: string): string => {
    if (lower === 'missing' || lower === 'present') {
      const arg = toks[pos];
      const c = arg?.t === 'name' ? column(arg) : null;
      if (!c || toks[pos + 1]?.t !== 'op' || toks[pos + 1].v !== ')') {
        errors.push({ offset: tok.at, message: `${lower}() takes one column name` });
        group(true);
        return 'NULL';
      }
      pos += 2;
      const m = missingSql(c.sql, c.kind);
      return lower === 'missing' ? m : `(NOT ${m})`;
    }
    const macro = scope.macros?.[lower] ?? BUILTIN_MACROS[lower];
    if (macro) {
      const list = groupList(true);
      if (list.length !== macro.arity || list.includes('')) errors.push({ offset: tok.at, message: `${lower}() takes ${macro.arity} argument(s)` });
      return macro.build(list);
    }
    if (FUNCTIONS.has(lower)) return `${lower}(${group(true)})`;
    errors.push({ offset: tok.at, message: `function ${tok.v}() is not allowed` });
    group(true);
    return 'NULL';
  };

  const sql = seq(false);
  if (errors.length) return { ok: false, errors };
  return { ok: true, sql };
}
