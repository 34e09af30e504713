/**
 * What "nothing lost" means for one load (SLIPS.md §4), checked the same way by the
 * fuzz tests, the corpus test and `npm run fuzz`: per table the counts reconcile,
 * every refusal and every reject carries a reason, and the rejected rows listed
 * are exactly the rows counted as rejected.
 */
import type { Engine } from '../../../src/core/engine';
import { loadFiles } from '../../../src/core/audit/load';
import type { InputFile, LoadReport } from '../../../src/core/audit/types';
import { SLIP_TYPE_IDS } from '../../../src/core/schema/slip-types';
import { ident } from '../../../src/core/sql/sql';

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** Every way `report` breaks the contract; empty when it keeps it. */
export function reportProblems(report: LoadReport): string[] {
  const problems: string[] = [];
  const counted = new Map<string, number>();
  for (const t of report.tables) {
    const where = `${t.name}${t.sheet ? ` [${t.sheet}]` : ''}`;
    const sum = t.rows_loaded + t.rows_rejected + t.rows_blank + t.rows_totals;
    if (t.rows_read !== sum) problems.push(`${where}: rows_read ${t.rows_read} != ${sum}`);
    if (t.status !== 'loaded' && t.reason.trim() === '') problems.push(`${where}: ${t.status} without a reason`);
    if (t.status !== 'loaded' && t.rows_read !== 0) problems.push(`${where}: ${t.status} with ${t.rows_read} rows read`);
    const key = `${baseName(t.name)}\u0000${t.sheet}`;
    counted.set(key, (counted.get(key) ?? 0) + t.rows_rejected);
  }
  const rejectedRows = new Map<string, Set<number>>();
  const keptRows = new Map<string, Set<number>>();
  for (const r of report.rejects) {
    if (r.reason.trim() === '' || r.reason.trim() === 'kept:') problems.push(`${r.source_file} row ${r.source_row}: reject without a reason`);
    if (!Number.isInteger(r.source_row) || r.source_row < 1) problems.push(`${r.source_file}: reject on row ${r.source_row}`);
    const key = `${r.source_file}\u0000${r.sheet}`;
    const into = r.reason.startsWith('kept:') ? keptRows : rejectedRows;
    if (!into.has(key)) into.set(key, new Set());
    into.get(key)!.add(r.source_row);
  }
  for (const key of new Set([...counted.keys(), ...rejectedRows.keys()])) {
    const listed = rejectedRows.get(key)?.size ?? 0;
    const n = counted.get(key) ?? 0;
    if (listed !== n) problems.push(`${key.replace('\u0000', ' ')}: ${n} rows rejected but ${listed} listed`);
  }
  for (const [key, rows] of keptRows) {
    for (const row of rows) {
      if (rejectedRows.get(key)?.has(row)) problems.push(`${key.replace('\u0000', ' ')} row ${row}: both rejected and kept`);
    }
  }
  return problems;
}

export interface LoadOutcome {
  report: LoadReport | null;
  /** An exception that escaped loadFiles: always a bug. */
  error: string | null;
  ms: number;
  problems: string[];
}

/** Empties the slip tables, so one engine serves many independent loads. */
export async function resetEngine(engine: Engine): Promise<void> {
  for (const id of SLIP_TYPE_IDS) await engine.exec(`DROP TABLE IF EXISTS ${ident(id)}`);
}

/** Loads `files` into a clean engine and checks the report; never throws for a load failure. */
export async function checkLoad(engine: Engine, files: readonly InputFile[], limitMs: number): Promise<LoadOutcome> {
  await resetEngine(engine);
  const started = performance.now();
  let report: LoadReport | null = null;
  let error: string | null = null;
  try {
    report = await loadFiles(engine, files);
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const ms = performance.now() - started;
  const problems = report ? reportProblems(report) : [];
  if (error) problems.push(`uncaught: ${error.slice(0, 300)}`);
  if (ms > limitMs) problems.push(`slow: ${Math.round(ms)} ms > ${limitMs} ms`);
  return { report, error, ms, problems };
}
