import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { FindingsTables } from '../../../src/ui/findings-store';
import { keptParts, keptViewSql } from '../../../src/core/rules/run';

/** A rule's findings as runRules keeps them (keptParts), in the table `f` names: `_q` their order, everything text but source_row. */
async function keep(engine: Engine, f: FindingsTables, id: string, n: number, slip = 'CK'): Promise<void> {
  const table = f.keep(id);
  const { rows, order } = keptParts(table);
  await engine.exec(`CREATE OR REPLACE TABLE "${rows}" AS SELECT '${id}' AS rule_id, 'warning' AS severity,
    'outbound' AS slip_type, '${slip}' || i AS slip_no, '2025-01-0' || i AS date, NULL AS responsible, '1.50' AS amount, NULL AS penalty,
    NULL AS penalty_note, 'f.csv' AS source_file, '' AS sheet, CAST(i + 1 AS INTEGER) AS source_row, '' AS detail FROM range(1, ${n + 1}) t(i) ORDER BY i`);
  await engine.exec(`CREATE OR REPLACE TABLE "${order}" AS SELECT i AS _q FROM range(1, ${n + 1}) t(i) ORDER BY i`);
  await engine.exec(keptViewSql(table));
}

async function view(engine: Engine) {
  return (await engine.query('SELECT id, rule_id, slip_no, month, sev_rank, amount, amount_text, penalty, source_row FROM _findings ORDER BY id'))
    .map((r) => [Number(r.id), r.rule_id, r.slip_no, r.month, r.sev_rank, r.amount, r.amount_text, r.penalty, r.source_row]);
}

/** The kept tables there are (their views); every table under them belongs to one of them. */
async function tables(engine: Engine): Promise<string[]> {
  const all = await engine.query<{ t: string; kind: string }>("SELECT table_name AS t, table_type AS kind FROM information_schema.tables WHERE table_name LIKE '\\_findings\\_%' ESCAPE '\\' ORDER BY 1");
  const views = all.filter((r) => r.kind === 'VIEW').map((r) => r.t);
  expect(all.filter((r) => r.kind !== 'VIEW').map((r) => r.t).sort()).toEqual(views.flatMap((v) => Object.values(keptParts(v))).sort());
  return views;
}

describe('FindingsTables: each rule\'s findings in a table of their own, and the view numbering them in the run\'s order', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await createNodeEngine(); });
  afterAll(() => engine.close());

  const row = (id: number, rule: string, slip: string, day: number) => [id, rule, slip, '2025-01', 1, 1.5, '1.50', null, day + 1];

  it('numbers every rule\'s findings after the rules before it by id, typed as the findings page reads them', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    expect(await view(engine)).toEqual([]);
    // Stored out of id order: the view orders the blocks by rule id.
    for (const [id, n] of [['r3', 3], ['r1', 2], ['r2', 0], ['r4', 1]] as const) {
      await keep(engine, f, id, n);
      await f.store(id, n);
    }
    await f.publish();
    expect(await view(engine)).toEqual([
      row(0, 'r1', 'CK1', 1), row(1, 'r1', 'CK2', 2), row(2, 'r3', 'CK1', 1), row(3, 'r3', 'CK2', 2), row(4, 'r3', 'CK3', 3), row(5, 'r4', 'CK1', 1),
    ]);
    // r2 had none: its table went.
    expect(await tables(engine)).toHaveLength(3);
    await f.clear();
    expect(await tables(engine)).toEqual([]);
  });

  it('replaces a rule run again, renumbers the rules after it, and drops the old table once the view has moved on', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    for (const [id, n] of [['r1', 2], ['r3', 3], ['r4', 1]] as const) { await keep(engine, f, id, n); await f.store(id, n); }
    await f.publish();
    const before = await tables(engine);
    f.retire(['r1', 'r4']);
    await keep(engine, f, 'r1', 1, 'XX');
    await f.store('r1', 1);
    // r4 (switched off, say) is not stored again; until publish() the view still reads the old tables.
    expect((await view(engine)).length).toBe(6);
    await f.publish();
    expect(await view(engine)).toEqual([row(0, 'r1', 'XX1', 1), row(1, 'r3', 'CK1', 1), row(2, 'r3', 'CK2', 2), row(3, 'r3', 'CK3', 3)]);
    const after = await tables(engine);
    expect(after).toHaveLength(2);
    expect(after.filter((t) => before.includes(t))).toHaveLength(1);
    await f.clear();
  });

  it('drops the tables of rules that failed before their findings were stored', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    await keep(engine, f, 'r1', 2);
    await keep(engine, f, 'r2', 1);
    await f.store('r2', 1);
    await f.discard();
    await f.publish();
    expect(await view(engine)).toEqual([row(0, 'r2', 'CK1', 1)]);
    expect(await tables(engine)).toHaveLength(1);
    expect(() => f.kept('r1')).toThrow(/r1/);
    await f.clear();
  });
});
