import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendObjects, tableDDL } from '../../../src/core/audit/tables';
import type { Engine } from '../../../src/core/engine';
import { compileRule } from '../../../src/core/rules/compile';
import { loadRulePack } from '../../../src/core/rules/load';
import { defaultAsOf, runRules } from '../../../src/core/rules/run';
import { SLIP_TYPES } from '../../../src/core/schema/slip-types';
import { createNodeEngine } from '../../../src/engine/duckdb-node';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const pack = loadRulePack(readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ path: `rules/${f}`, text: readFileSync(join(ROOT, 'rules', f), 'utf8') })));
const rule = (id: string) => pack.rules.find((r) => r.id === id)!;

let engine: Engine;
beforeAll(async () => { engine = await createNodeEngine(); });
afterAll(async () => { await engine.close(); });

describe('compiled rule pack', () => {
  it('every rule passes EXPLAIN with all slip types loaded (empty tables)', async () => {
    const e = await createNodeEngine();
    for (const t of SLIP_TYPES) await e.exec(tableDDL(t));
    const loaded = new Set(SLIP_TYPES.map((t) => t.id));
    const failures: string[] = [];
    for (const r of pack.rules) {
      const c = compileRule(r, { asOf: '2025-03-31', loaded });
      if (c.status !== 'ready') { failures.push(`${r.id}: ${c.status}`); continue; }
      try { await e.query(`EXPLAIN ${c.sql}`); } catch (err) { failures.push(`${r.id}: ${String(err)}`); }
    }
    await e.close();
    expect(pack.rules).toHaveLength(39);
    expect(failures).toEqual([]);
  });

  it('says what a rule needs when its types are not loaded', () => {
    expect(compileRule(rule('outbound.ungated'), { asOf: '2025-03-31', loaded: new Set(['outbound']) }))
      .toEqual({ status: 'not-run', needs: ['exit_pass'] });
    expect(compileRule(rule('outbound.below-min-price'), { asOf: '2025-03-31', loaded: new Set(['outbound']) }))
      .toEqual({ status: 'not-run', needs: ['price_list'] });
    // The price list only sharpens the penalty of this rule: it runs without it.
    expect(compileRule(rule('outbound.old-part-not-returned'), { asOf: '2025-03-31', loaded: new Set(['outbound']) }).status).toBe('ready');
    expect(compileRule(rule('exit-pass.orphan'), { asOf: '2025-03-31', loaded: new Set(['exit_pass']) }))
      .toEqual({ status: 'not-run', needs: ['outbound', 'outsource_issue'] });
    expect(compileRule(rule('exit-pass.orphan'), { asOf: '2025-03-31', loaded: new Set(['exit_pass', 'outsource_issue']) }).status).toBe('ready');
  });

  it('refuses a parameter override the rule does not declare or of the wrong shape', () => {
    const loaded = new Set(SLIP_TYPES.map((t) => t.id));
    expect(() => compileRule(rule('shipment.late-delivery'), { asOf: '2025-03-31', loaded, params: { dayz: 4 } })).toThrow(/no parameter dayz/);
    expect(() => compileRule(rule('shipment.late-delivery'), { asOf: '2025-03-31', loaded, params: { days: '4; DROP' } })).toThrow(/must be like/);
  });
});

describe('runRules', () => {
  it('reports statuses (ran, off, not run, error) and keeps running after a failing rule', async () => {
    await appendObjects(engine, 'outbound', [
      { slip_no: 'CK1', date: '2025-03-10', product_name: '电机', qty: '1', sale_type: 'normal', qc_confirmed: 'false', salesperson: '赵六' },
    ]);
    const broken = loadRulePack([{ path: 'outbound.broken.yaml', text: `id: outbound.broken
title: { zh: 坏, en: Broken }
clause: "§0"
severity: warning
kind: sql
needs: [outbound]
select: "SELECT no_such_column FROM outbound"
description: { zh: 坏, en: Broken }
` }]).rules[0];
    const { statuses, findings } = await runRules(engine, [rule('outbound.missing-qc'), rule('outbound.ungated'), rule('outbound.unsettled'), broken], {
      asOf: '2025-03-31', disabled: new Set(['outbound.unsettled']),
    });
    expect(statuses.map((s) => [s.id, s.status.replace(/^(error: ).*$/, '$1…'), s.findings])).toEqual([
      ['outbound.broken', 'error: …', 0],
      ['outbound.missing-qc', 'ran', 1],
      ['outbound.ungated', 'not run: needs exit_pass', 0],
      ['outbound.unsettled', 'off', 0],
    ]);
    expect(findings).toEqual([{
      rule_id: 'outbound.missing-qc', severity: 'violation', slip_type: 'outbound', slip_no: 'CK1', date: '2025-03-10',
      responsible: '赵六', amount: null, penalty: '5.00', penalty_note: null, source_file: 'test.csv', sheet: '', source_row: 2,
      detail: 'missing=qc_confirmed',
    }]);
  });

  it('applies parameter overrides', async () => {
    const e = await createNodeEngine();
    await appendObjects(e, 'service_call', [{ call_id: 'K1', start_time: '2025-03-01 10:00:00', rings: '4' }]);
    const base = await runRules(e, [rule('service.slow-answer')], { asOf: '2025-03-31' });
    const relaxed = await runRules(e, [rule('service.slow-answer')], { asOf: '2025-03-31', params: { 'service.slow-answer': { max_rings: 4 } } });
    await e.close();
    expect([base.findings.length, relaxed.findings.length]).toEqual([1, 0]);
  });

  it('defaultAsOf is the end of the month of the latest primary date over all loaded types', async () => {
    const e = await createNodeEngine();
    expect(await defaultAsOf(e)).toBeNull();
    await appendObjects(e, 'outbound', [{ slip_no: 'CK1', date: '2025-01-31', product_name: 'x', qty: '1' }]);
    await appendObjects(e, 'service_call', [{ call_id: 'K1', start_time: '2024-02-10 23:00:00' }]);
    expect(await defaultAsOf(e)).toBe('2025-01-31');
    await appendObjects(e, 'service_call', [{ call_id: 'K2', start_time: '2025-02-03 08:00:00' }]);
    await appendObjects(e, 'price_list', [{ product_name: 'x', effective_from: '2026-01-01' }]);
    expect(await defaultAsOf(e)).toBe('2025-02-28');
    await e.close();
  });
});

describe('the order the rules run in', () => {
  it('runs the kinds that need the most room first (the gap rule), and reports as if in id order', async () => {
    const e = await createNodeEngine();
    try {
      await e.exec(tableDDL(SLIP_TYPES.find((t) => t.id === 'outbound')!));
      await appendObjects(e, 'outbound', ['CK0001', 'CK0002', 'CK0005'].map((slip_no) => (
        { slip_no, date: '2025-03-01', customer: 'c', product_name: 'p', qty: '1', sale_type: 'normal', qc_confirmed: 'false', salesperson: 'k' })));
      const rules = pack.rules.filter((r) => r.id === 'slip.number-gap' || r.id.startsWith('outbound.'));
      const ran: string[] = [];
      const kept = await runRules(e, rules, { asOf: '2025-03-31', keep: (id) => `_order_${id.replace(/\W/g, '_')}`, kept: async (id) => { ran.push(id); } });
      expect(ran[0]).toBe('slip.number-gap');
      expect(ran.slice(1)).toEqual([...ran.slice(1)].sort());
      expect(kept.statuses.map((s) => s.id)).toEqual(rules.map((r) => r.id).sort());
      const plain = await runRules(e, rules, { asOf: '2025-03-31' });
      expect(plain.statuses).toEqual(kept.statuses);
      expect(plain.findings.filter((f) => f.rule_id === 'slip.number-gap').map((f) => f.slip_no)).toEqual(['CK0003', 'CK0004']);
    } finally {
      await e.close();
    }
  });
});

describe('findings kept in the engine (runRules keep)', () => {
  // Slip numbers whose order differs between UTF-16 units (compareFindings) and UTF-8 bytes (SQL):
  // U+1F600 is D83D DE00 in UTF-16 (before U+FF01) but F0 9F 98 80 in UTF-8 (after EF BC 81).
  const RULE = `id: test.kept
title: { zh: 测试, en: Test }
clause: "§0"
severity: warning
kind: sql
needs: [outbound]
select: |
  SELECT 'outbound' AS slip_type, slip_no, date, salesperson AS responsible, NULL AS amount,
    source_file, sheet, source_row, 'line ' || CAST(source_row AS VARCHAR) AS detail
  FROM outbound
description: { zh: 每行一条, en: One per line }
`;
  const kept = loadRulePack([{ path: 'rules/test.kept.yaml', text: RULE }]);

  async function run(slips: string[]) {
    const e = await createNodeEngine();
    try {
      await e.exec(tableDDL(SLIP_TYPES.find((t) => t.id === 'outbound')!));
      await appendObjects(e, 'outbound', slips.map((s) => ({ slip_no: s, date: '2025-03-01', customer: 'c', product_name: 'p', qty: '1', salesperson: 'k' })));
      const plain = await runRules(e, kept.rules, { asOf: '2025-03-31' });
      const counts: [string, number][] = [];
      const withKeep = await runRules(e, kept.rules, {
        asOf: '2025-03-31', keep: (id) => `_kept_${id}`, kept: async (id, n) => { counts.push([id, n]); },
      });
      expect(counts).toEqual([['test.kept', slips.length]]);
      expect(withKeep.statuses.map((s) => s.status)).toEqual(['ran']);
      const table = await e.query<{ q: number; slip_no: string; source_row: number }>(
        'SELECT _q::INTEGER AS q, slip_no, source_row::INTEGER AS source_row FROM "_kept_test.kept" ORDER BY _q');
      return { plain, withKeep, table };
    } finally {
      await e.close();
    }
  }

  it('keeps the findings in the table, numbered in the order returned without keep', async () => {
    const { plain, withKeep, table } = await run(['SO-3', 'SO-1', 'SO-2', 'SO-1']);
    expect(kept.problems).toEqual([]);
    expect(withKeep).toEqual({ statuses: plain.statuses, findings: [] });
    expect(table.map((r) => [r.slip_no, r.source_row])).toEqual(plain.findings.map((f) => [f.slip_no, f.source_row]));
    expect(table.map((r) => r.q)).toEqual([1, 2, 3, 4]);
  });

  it('renumbers the table where SQL orders text otherwise (characters beyond U+FFFF)', async () => {
    const { plain, withKeep, table } = await run(['\uff01', '\u{1f600}', 'A', '\uff01']);
    expect(plain.findings.map((f) => f.slip_no)).toEqual(['A', '\u{1f600}', '\uff01', '\uff01']);
    expect(withKeep).toEqual({ statuses: plain.statuses, findings: [] });
    expect(table.map((r) => [r.slip_no, r.source_row])).toEqual(plain.findings.map((f) => [f.slip_no, f.source_row]));
  });
});
