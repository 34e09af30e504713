/**
 * The findings the app pages, filters and sorts in DuckDB. The rules leave their findings in
 * the engine (runRules' `keep`), numbered in the run's order, so they are stored there without
 * ever crossing into JavaScript whole: each rule's in a table of its own, and a view over them
 * (FINDINGS_TABLE) numbers them in the run's order, so that `id` is each finding's index in
 * the run also after a one-rule re-run. What JavaScript keeps of a run is per rule
 * (RuleResults); the exports read the view.
 */
import type { Engine, Row } from '../core/engine';
import type { Finding } from '../core/rules/types';
import type { OutPenalty } from '../core/audit/outputs';
import { cmp, tallyGroups, type FindingGroup, type FindingTally } from '../core/audit/kpis';
import { PenaltyLedger, compareLedgerRows } from '../core/rules/penalties';
import { dropKept, interner, toFinding } from '../core/rules/run';
import { ident } from '../core/sql/sql';
import { FINDING_COLUMNS, FINDINGS_TABLE, findingsViewSql } from './findings-sql';

/**
 * The rules' findings tables and the view over them. Each rule keeps its findings in a table
 * of its own, named here (`keep`, runRules' `keep`); once the rule has run the table is the
 * rule's (`store`), or goes when it holds none. Tables replaced or no longer wanted
 * (`retire`) go only once the view no longer names them (`publish`), so the view always
 * reads; tables of rules that failed before `store` go with `discard`.
 */
export class FindingsTables {
  private readonly tables = new Map<string, { table: string; count: number }>();
  private readonly pending = new Map<string, string>();
  private retired: string[] = [];
  private seq = 0;

  constructor(private readonly engine: Engine) {}

  /** A new table for a rule's findings, the rule's once stored. */
  keep(ruleId: string): string {
    const table = `_findings_${++this.seq}`;
    this.pending.set(ruleId, table);
    return table;
  }

  /** The table a rule is keeping its findings in, before they are stored. */
  kept(ruleId: string): string {
    const table = this.pending.get(ruleId);
    if (table === undefined) throw new Error(`no findings kept for ${ruleId}`);
    return table;
  }

  /** These rules have no findings until they are stored again. */
  retire(ruleIds: Iterable<string>): void {
    for (const id of ruleIds) {
      const had = this.tables.get(id);
      if (had) this.retired.push(had.table);
      this.tables.delete(id);
    }
  }

  /** A rule's kept findings (`count` of them) are its findings now, in place of any it had. */
  async store(ruleId: string, count: number): Promise<void> {
    const table = this.kept(ruleId);
    this.pending.delete(ruleId);
    this.retire([ruleId]);
    if (count > 0) this.tables.set(ruleId, { table, count });
    else await this.drop([table]);
  }

  /** Tables kept for rules that did not get to `store` (an error) go. */
  async discard(): Promise<void> {
    const tables = [...this.pending.values()];
    this.pending.clear();
    await this.drop(tables);
  }

  /** The view over the rules' tables, each block numbered from the findings of the rules before it (by id); then the retired tables go. */
  async publish(): Promise<void> {
    const blocks: { table: string; start: number }[] = [];
    let at = 0;
    for (const id of [...this.tables.keys()].sort(cmp)) {
      const { table, count } = this.tables.get(id)!;
      blocks.push({ table, start: at });
      at += count;
    }
    await this.engine.exec(findingsViewSql(blocks));
    const gone = this.retired;
    this.retired = [];
    await this.drop(gone);
  }

  /** No findings: every table goes. */
  async clear(): Promise<void> {
    this.retire([...this.tables.keys()]);
    await this.publish();
  }

  private async drop(tables: readonly string[]): Promise<void> {
    for (const table of tables) await dropKept(this.engine, table);
  }
}

/** Rows read from the engine at a time: bounds what one query result holds (DuckDB-WASM builds it whole). */
const READ_PAGE = 50_000;

/**
 * A kept table's findings summed by every key the KPI tally and the penalty ledger count by,
 * numbered (_g) so that they can be read a page at a time. A year's audit has hundreds of
 * thousands of findings and a few thousand such sums: reading the findings one by one into
 * JavaScript left ~70 MB of garbage in the app's worker at the end of a run. Amounts and
 * penalties are DECIMAL(18,2) as text (moneySql) and are read back so (their sums are
 * DECIMAL(38,2)): DuckDB-WASM reads text as DECIMAL(38,2) some 30 times slower, 3 s for the
 * 1M bench's 389k findings.
 */
const sumsSql = (kept: string, into: string) => `CREATE OR REPLACE TEMP TABLE ${ident(into)} AS
  SELECT row_number() OVER () AS _g, * FROM (
    SELECT CAST(rule_id AS VARCHAR) AS rule_id, CAST(severity AS VARCHAR) AS severity, CAST(slip_type AS VARCHAR) AS slip_type,
      coalesce(substr(CAST(date AS VARCHAR), 1, 7), '') AS month, coalesce(CAST(responsible AS VARCHAR), '') AS responsible,
      CAST(penalty_note AS VARCHAR) AS penalty_note, penalty IS NOT NULL AS charged, count(*) AS n,
      CAST(sum(CAST(amount AS DECIMAL(18,2))) AS VARCHAR) AS amount, CAST(sum(CAST(penalty AS DECIMAL(18,2))) AS VARCHAR) AS penalty
    FROM ${ident(kept)} GROUP BY ALL)`;

const SUMS_TABLE = '_kept_sums';

/**
 * What the app keeps in JavaScript of a run's findings, per rule: how many, its penalty ledger
 * rows (every ledger row belongs to one rule) and its KPI tally. The findings themselves stay in
 * the findings table: a year's audit has hundreds of thousands.
 */
export class RuleResults {
  private readonly count = new Map<string, number>();
  private readonly ledger = new Map<string, OutPenalty[]>();
  private readonly tally = new Map<string, FindingTally>();

  clear(): void {
    this.count.clear();
    this.ledger.clear();
    this.tally.clear();
  }

  /** The rule has no findings (yet: it is about to run again, or it failed). */
  forget(id: string): void {
    this.count.set(id, 0);
    this.ledger.set(id, []);
    this.tally.delete(id);
  }

  /** A rule's results from its kept findings (`table`, runRules' `keep`), summed in the engine. */
  async readKept(engine: Engine, id: string, table: string, count: number): Promise<void> {
    const ledger = new PenaltyLedger();
    const tally = tallyGroups([]);
    if (count > 0) {
      await engine.exec(sumsSql(table, SUMS_TABLE));
      try {
        const [{ groups }] = await engine.query<{ groups: number }>(`SELECT count(*) AS groups FROM ${ident(SUMS_TABLE)}`);
        for (let from = 0; from < Number(groups); from += READ_PAGE) {
          const rows = await engine.query(`SELECT * FROM ${ident(SUMS_TABLE)} WHERE _g > ${from} AND _g <= ${from + READ_PAGE}`);
          const groups = rows.map(sumRow);
          tallyGroups(groups, tally);
          rows.forEach((r, i) => {
            const g = groups[i];
            if (r.charged === true) ledger.addSum({ responsible: g.responsible, month: g.month, rule_id: g.rule_id, note: text(r.penalty_note), findings: g.count, amount: String(r.penalty) });
          });
        }
      } finally {
        await engine.exec(`DROP TABLE IF EXISTS ${ident(SUMS_TABLE)}`);
      }
    }
    this.count.set(id, count);
    this.ledger.set(id, ledger.rows());
    this.tally.set(id, tally);
  }

  counts(): Map<string, number> {
    return new Map(this.count);
  }

  total(): number {
    let n = 0;
    for (const c of this.count.values()) n += c;
    return n;
  }

  tallies(): Iterable<FindingTally> {
    return this.tally.values();
  }

  /** The penalty ledger of the run, in its order. */
  penalties(): OutPenalty[] {
    return [...this.ledger.values()].flat().sort(compareLedgerRows);
  }
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function sumRow(r: Row): FindingGroup {
  return {
    rule_id: String(r.rule_id), severity: String(r.severity), slip_type: String(r.slip_type), month: String(r.month),
    responsible: String(r.responsible), count: Number(r.n), amount: text(r.amount),
  };
}

/** A finding as the rule gave it, from the findings table. */
const EXPORT_COLUMNS = FINDING_COLUMNS.filter((c) => c !== 'id')
  .map((c) => (c === 'amount' || c === 'penalty' ? `${ident(`${c}_text`)} AS ${ident(c)}` : ident(c))).join(', ');

/** The first `total` findings of the findings table (all of them) in the run's order, read a page at a time. */
export async function readFindings(engine: Engine, total: number): Promise<Finding[]> {
  const out: Finding[] = [];
  const intern = interner();
  for (let from = 0; from < total; from += READ_PAGE) {
    const rows = await engine.query(`SELECT ${EXPORT_COLUMNS} FROM ${ident(FINDINGS_TABLE)} WHERE id >= ${from} AND id < ${from + READ_PAGE} ORDER BY id`);
    for (const r of rows) out.push(toFinding(r, intern));
  }
  return out;
}
