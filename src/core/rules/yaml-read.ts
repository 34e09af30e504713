/**
 * Typed reading of a parsed YAML rule file that never stops at the first problem:
 * every reader returns undefined on a bad value and records a problem at the node's
 * line:col, so the loader can report all of a file's problems at once.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type Scalar } from 'yaml';
import type { RuleProblem } from './types';

export type YNode = Node | null | undefined;

export interface Entry {
  key: Scalar;
  value: YNode;
}

export class FileReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    readonly problems: RuleProblem[],
    /** Where to point when a node has no range (e.g. a missing key: the mapping that lacks it). */
    private readonly fallback: Node,
  ) {}

  /** Record a problem at a node, or at a character offset inside a scalar's text. */
  problem(node: YNode, message: string, innerOffset?: number): void {
    const n = node ?? this.fallback;
    let at = n.range?.[0] ?? this.fallback.range?.[0] ?? 0;
    if (innerOffset !== undefined && isScalar(n)) {
      if (n.type === 'PLAIN') at += innerOffset;
      else if (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') at += innerOffset + 1;
    }
    const { line, col } = this.lines.linePos(at);
    this.problems.push({ file: this.file, line, col, message });
  }

  /**
   * A mapping's entries by key; unknown keys are reported, missing required keys too
   * (at the mapping itself).
   */
  map(node: YNode, what: string, allowed: readonly string[], required: readonly string[] = []): Map<string, Entry> | undefined {
    if (!isMap(node)) {
      this.problem(node, `${what} must be a mapping`);
      return undefined;
    }
    const out = new Map<string, Entry>();
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.problem(isScalar(key) ? key : node, `${what}: keys must be names`);
        continue;
      }
      if (!allowed.includes(key.value)) {
        this.problem(key, `${what}: unknown key "${key.value}" (expected one of ${allowed.join(', ')})`);
        continue;
      }
      if (out.has(key.value)) {
        this.problem(key, `${what}: key "${key.value}" given twice`);
        continue;
      }
      out.set(key.value, { key, value: pair.value as YNode });
    }
    for (const r of required) if (!out.has(r)) this.problem(node, `${what}: missing key "${r}"`);
    return out;
  }

  str(node: YNode, what: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
    this.problem(node, `${what} must be a non-empty text`);
    return undefined;
  }

  num(node: YNode, what: string): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
    this.problem(node, `${what} must be a number`);
    return undefined;
  }

  oneOf<T extends string>(node: YNode, what: string, values: readonly T[]): T | undefined {
    if (isScalar(node) && typeof node.value === 'string' && (values as readonly string[]).includes(node.value)) return node.value as T;
    const got = isScalar(node) ? ` (got ${JSON.stringify(node.value)})` : '';
    this.problem(node, `${what} must be one of ${values.join(', ')}${got}`);
    return undefined;
  }

  /** A list, or a single item standing for a one-item list. */
  list(node: YNode, what: string, allowSingle: boolean): YNode[] | undefined {
    if (isSeq(node)) {
      if (node.items.length === 0) { this.problem(node, `${what} must not be empty`); return undefined; }
      return node.items as YNode[];
    }
    if (allowSingle && isScalar(node)) return [node];
    this.problem(node, `${what} must be a list`);
    return undefined;
  }

  strList(node: YNode, what: string, allowSingle = false): { value: string; node: YNode }[] | undefined {
    const items = this.list(node, what, allowSingle);
    if (!items) return undefined;
    const out: { value: string; node: YNode }[] = [];
    let ok = true;
    for (const it of items) {
      const v = this.str(it, `${what} item`);
      if (v === undefined) ok = false;
      else out.push({ value: v, node: it });
    }
    return ok ? out : undefined;
  }

  text(node: YNode, what: string): { zh: string; en: string } | undefined {
    const m = this.map(node, what, ['zh', 'en'], ['zh', 'en']);
    if (!m) return undefined;
    const zh = m.has('zh') ? this.str(m.get('zh')!.value, `${what}.zh`) : undefined;
    const en = m.has('en') ? this.str(m.get('en')!.value, `${what}.en`) : undefined;
    return zh !== undefined && en !== undefined ? { zh, en } : undefined;
  }
}
