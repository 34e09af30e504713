import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { FindingsTables, keptTable } from '../../../src/ui/findings-store';

/** A rule's kept findings as runRules leaves them: `_q` their order, everything text but source_row. */
async function keep(engine: Engine, id: string, n: number, slip = 'CK'): Promise<void> {
  await engine.exec(`CREATE OR REPLACE TEMP TABLE "${keptTable(id)}" AS SELECT i AS _q, '${id}' AS rule_id, 'warning' AS severity,
    'outbound' AS slip_type, '${slip}' || i AS slip_no, '2025-01-0' || i AS date, NULL AS responsible, '1.50' AS amount, NULL AS penalty,
    NULL AS penalty_note, 'f.csv' AS source_file, '' AS sheet, CAST(i + 1 AS INTEGER) AS source_row, '' AS detail FROM range(1, ${n + 1}) t(i)`);
}

async function view(engine: Engine) {
  return (await engine.query('SELECT id, rule_id, slip_no, month, amount, amount_text, source_row FROM _findings ORDER BY id'))
    .map((r) => [Number(r.id), r.rule_id, r.slip_no, r.month, r.amount, r.amount_text, r.source_row]);
}

async function tablesLeft(engine: Engine, like: string): Promise<string[]> {
  return (await engine.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE '${like}' ESCAPE '\\' ORDER BY 1`)).map((r) => r.t);
}

describe('FindingsTables: one table per rule, and the view numbering them in the run\'s order', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await createNodeEngine(); });
  afterAll(() => engine.close());

  const row = (id: number, rule: string, slip: string, day: number) => [id, rule, slip, '2025-01', 1.5, '1.50', day + 1];

  it('numbers every rule\'s findings after the rules before it by id, typed as the findings page reads them', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    expect(await view(engine)).toEqual([]);
    // Stored out of id order: the view orders the blocks by rule id.
    for (const [id, n] of [['r3', 3], ['r1', 2], ['r2', 0], ['r4', 1]] as const) {
      await keep(engine, id, n);
      await f.store(id, n);
    }
    expect(await tablesLeft(engine, '\\_kept\\_%')).toEqual([]);
    await f.publish();
    expect(await view(engine)).toEqual([
      row(0, 'r1', 'CK1', 1), row(1, 'r1', 'CK2', 2), row(2, 'r3', 'CK1', 1), row(3, 'r3', 'CK2', 2), row(4, 'r3', 'CK3', 3), row(5, 'r4', 'CK1', 1),
    ]);
    expect(await tablesLeft(engine, '\\_findings\\_%')).toHaveLength(3);
  });

  it('replaces a rule run again, renumbers the rules after it, and drops the old table once the view has moved on', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    for (const [id, n] of [['r1', 2], ['r3', 3], ['r4', 1]] as const) { await keep(engine, id, n); await f.store(id, n); }
    await f.publish();
    const before = await tablesLeft(engine, '\\_findings\\_%');
    f.retire(['r1', 'r4']);
    await keep(engine, 'r1', 1, 'XX');
    await f.store('r1', 1);
    // r4 (switched off, say) is not stored again; until publish() the view still reads the old tables.
    expect((await view(engine)).length).toBe(6);
    await f.publish();
    expect(await view(engine)).toEqual([row(0, 'r1', 'XX1', 1), row(1, 'r3', 'CK1', 1), row(2, 'r3', 'CK2', 2), row(3, 'r3', 'CK3', 3)]);
    const after = await tablesLeft(engine, '\\_findings\\_%');
    expect(after).toHaveLength(2);
    expect(after.filter((t) => before.includes(t))).toHaveLength(1);
  });

  it('a rule whose table cannot be made has no findings, and its kept table still goes', async () => {
    const f = new FindingsTables(engine);
    await f.clear();
    await keep(engine, 'r1', 2);
    await engine.exec(`ALTER TABLE "${keptTable('r1')}" DROP COLUMN detail`);
    await expect(f.store('r1', 2)).rejects.toThrow(/detail/);
    await keep(engine, 'r2', 1);
    await f.store('r2', 1);
    await f.publish();
    expect(await view(engine)).toEqual([row(0, 'r2', 'CK1', 1)]);
    expect(await tablesLeft(engine, '\\_kept\\_%')).toEqual([]);
  });

  it('clear() leaves an empty view and no rule table', async () => {
    const f = new FindingsTables(engine);
    await keep(engine, 'r1', 2);
    await f.store('r1', 2);
    await f.publish();
    await f.clear();
    expect(await view(engine)).toEqual([]);
    expect((await engine.query('SELECT * FROM _findings')).length).toBe(0);
  });
});
