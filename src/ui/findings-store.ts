/**
 * The findings table the app pages, filters and sorts in DuckDB. A full run writes it
 * whole; a one-rule re-run replaces that rule's rows and renumbers the rows after them,
 * so `id` stays each finding's index in the run's order.
 */
import type { Engine } from '../core/engine';
import type { Finding } from '../core/rules/types';
import { cmp } from '../core/audit/kpis';
import { ident, lit } from '../core/sql/sql';
import { FINDING_COLUMNS, FINDINGS_TABLE, createFindingsSql, insertFindingsSql } from './findings-sql';

const STAGE = '_findings_stage';

/** Write all findings (in the run's order) as the findings table. */
export async function writeFindings(engine: Engine, findings: readonly Finding[]): Promise<void> {
  await stageFindings(engine, findings, (i) => i);
  await engine.exec(createFindingsSql(STAGE));
  await engine.exec(`DROP TABLE ${ident(STAGE)}`);
}

/** Staging table of `rows` as text, row i numbered `id(i)`. */
async function stageFindings(engine: Engine, rows: readonly Finding[], id: (i: number) => number): Promise<void> {
  const cols = [...FINDING_COLUMNS];
  const data = cols.map((c) => rows.map((f, i) => {
    if (c === 'id') return String(id(i));
    const v = f[c as keyof Finding];
    return v === null || v === undefined ? null : String(v);
  }));
  await engine.loadColumns(STAGE, cols, data);
}

/**
 * Replace the rows of the `changed` rules in the findings table and renumber the rows
 * after them, leaving every other row in place.
 */
export async function replaceRuleFindings(
  engine: Engine, before: Map<string, Finding[]>, after: Map<string, Finding[]>, changed: ReadonlySet<string>,
): Promise<void> {
  const table = ident(FINDINGS_TABLE);
  const starts = (groups: Map<string, Finding[]>) => {
    const out = new Map<string, number>();
    let at = 0;
    for (const id of [...groups.keys()].sort(cmp)) { out.set(id, at); at += groups.get(id)?.length ?? 0; }
    return out;
  };
  const oldStart = starts(before);
  const newStart = starts(after);
  const list = (ids: Iterable<string>) => [...ids].map(lit).join(', ');
  await engine.exec(`DELETE FROM ${table} WHERE rule_id IN (${list(changed)})`);
  const shifts = [...before.keys()].filter((id) => !changed.has(id) && (before.get(id)?.length ?? 0) > 0)
    .map((id) => ({ id, by: (newStart.get(id) ?? 0) - (oldStart.get(id) ?? 0) })).filter((x) => x.by !== 0);
  if (shifts.length > 0) {
    await engine.exec(`UPDATE ${table} SET id = id + CASE rule_id ${shifts.map((x) => `WHEN ${lit(x.id)} THEN ${x.by}`).join(' ')} END
      WHERE rule_id IN (${list(shifts.map((x) => x.id))})`);
  }
  const rows: Finding[] = [];
  const ids: number[] = [];
  for (const id of changed) {
    const start = newStart.get(id) ?? 0;
    (after.get(id) ?? []).forEach((f, i) => { rows.push(f); ids.push(start + i); });
  }
  if (rows.length === 0) return;
  await stageFindings(engine, rows, (i) => ids[i]);
  await engine.exec(insertFindingsSql(STAGE));
  await engine.exec(`DROP TABLE ${ident(STAGE)}`);
}
