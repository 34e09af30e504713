import { describe, expect, it } from 'vitest';
import { buildPenaltyLedger } from '../../../src/core/rules/penalties';
import type { Finding } from '../../../src/core/rules/types';

const f = (over: Partial<Finding>): Finding => ({
  rule_id: 'outbound.missing-qc', severity: 'violation', slip_type: 'outbound', slip_no: 'CK1', date: '2025-03-10',
  responsible: '赵六', amount: null, penalty: '5.00', penalty_note: null, source_file: 'a.csv', sheet: '', source_row: 2, detail: null,
  ...over,
});

describe('buildPenaltyLedger', () => {
  it('sums exactly per person, month, rule and note, and skips findings without a penalty', () => {
    const ledger = buildPenaltyLedger([
      f({}), f({ slip_no: 'CK2' }), f({ date: '2025-04-01' }),
      f({ rule_id: 'outbound.ungated', responsible: '门卫/gate', penalty: '50.00' }),
      f({ rule_id: 'outbound.unsettled', penalty: '10.00', penalty_note: 'salary suspended' }),
      f({ rule_id: 'outbound.unsettled', penalty: '10.00' }),
      f({ rule_id: 'outbound.old-part-not-returned', penalty: '0.10' }), f({ rule_id: 'outbound.old-part-not-returned', penalty: '0.20' }),
      f({ rule_id: 'service.long-call', penalty: null }),
      f({ responsible: null }),
    ]);
    expect(ledger).toEqual([
      { responsible: '', month: '2025-03', rule_id: 'outbound.missing-qc', findings: 1, amount: '5.00', note: null },
      { responsible: '赵六', month: '2025-03', rule_id: 'outbound.missing-qc', findings: 2, amount: '10.00', note: null },
      { responsible: '赵六', month: '2025-03', rule_id: 'outbound.old-part-not-returned', findings: 2, amount: '0.30', note: null },
      { responsible: '赵六', month: '2025-03', rule_id: 'outbound.unsettled', findings: 1, amount: '10.00', note: null },
      { responsible: '赵六', month: '2025-03', rule_id: 'outbound.unsettled', findings: 1, amount: '10.00', note: 'salary suspended' },
      { responsible: '赵六', month: '2025-04', rule_id: 'outbound.missing-qc', findings: 1, amount: '5.00', note: null },
      { responsible: '门卫/gate', month: '2025-03', rule_id: 'outbound.ungated', findings: 1, amount: '50.00', note: null },
    ]);
  });
  it('keeps negative and large amounts exact', () => {
    const ledger = buildPenaltyLedger([f({ penalty: '123456789012.34' }), f({ penalty: '0.01' }), f({ penalty: '-1.5' })]);
    expect(ledger[0].amount).toBe('123456789010.85');
  });
});
