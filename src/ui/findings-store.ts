/**
 * The findings table the app pages, filters and sorts in DuckDB. The rules leave their
 * findings in the engine (runRules' `keep`), numbered in the run's order, so the table is
 * built there without the findings ever crossing into JavaScript whole. A full run appends
 * each rule's block as it finishes; a one-rule re-run replaces that rule's rows and
 * renumbers the rows after them, so `id` stays each finding's index in the run's order.
 */
import type { Engine } from '../core/engine';
import { cmp } from '../core/audit/kpis';
import { ident, lit } from '../core/sql/sql';
import { FINDINGS_TABLE, insertFindingsFromKeptSql } from './findings-sql';

/** The temporary table a rule's findings are kept in until the findings table has them. */
export const keptTable = (ruleId: string): string => `_kept_${ruleId}`;

/** Where each rule's block starts in the run's order (rules by id), from the number of findings per rule. */
function starts(counts: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  let at = 0;
  for (const id of [...counts.keys()].sort(cmp)) { out.set(id, at); at += counts.get(id) ?? 0; }
  return out;
}

export async function dropKept(engine: Engine, ruleIds: Iterable<string>): Promise<void> {
  for (const id of ruleIds) await engine.exec(`DROP TABLE IF EXISTS ${ident(keptTable(id))}`);
}

/**
 * Append a rule's kept findings to the findings table, numbered from `start` (the findings
 * of the rules before it in id order), and drop its kept table. A full run calls this as
 * each rule finishes, so the findings are never held twice: in the browser DuckDB's memory
 * only grows, so that would set its peak.
 */
export async function appendKept(engine: Engine, ruleId: string, start: number, count: number): Promise<void> {
  if (count > 0) await engine.exec(insertFindingsFromKeptSql([{ table: keptTable(ruleId), start }]));
  await dropKept(engine, [ruleId]);
}

/**
 * Replace the rows of the `changed` rules in the findings table with their kept findings
 * and renumber the rows after them, leaving every other row in place. `before` and `after`:
 * findings per rule id.
 */
export async function replaceRuleFindings(
  engine: Engine, before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, changed: ReadonlySet<string>,
): Promise<void> {
  const table = ident(FINDINGS_TABLE);
  const oldStart = starts(before);
  const newStart = starts(after);
  const list = (ids: Iterable<string>) => [...ids].map(lit).join(', ');
  try {
    await engine.exec(`DELETE FROM ${table} WHERE rule_id IN (${list(changed)})`);
    const shifts = [...before.keys()].filter((id) => !changed.has(id) && (before.get(id) ?? 0) > 0)
      .map((id) => ({ id, by: (newStart.get(id) ?? 0) - (oldStart.get(id) ?? 0) })).filter((x) => x.by !== 0);
    if (shifts.length > 0) {
      await engine.exec(`UPDATE ${table} SET id = id + CASE rule_id ${shifts.map((x) => `WHEN ${lit(x.id)} THEN ${x.by}`).join(' ')} END
        WHERE rule_id IN (${list(shifts.map((x) => x.id))})`);
    }
    const blocks = [...changed].filter((id) => (after.get(id) ?? 0) > 0).map((id) => ({ table: keptTable(id), start: newStart.get(id) ?? 0 }));
    if (blocks.length > 0) await engine.exec(insertFindingsFromKeptSql(blocks));
  } finally {
    await dropKept(engine, changed);
  }
}
