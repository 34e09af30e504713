/**
 * The §2.4 penalty ledger: every finding with a penalty charged to its responsible
 * person, summed per person, month, rule and note. Sums are exact (integer cents), so
 * the ledger matches the findings to the cent on every engine.
 */
import type { Finding } from './types';

export interface PenaltyRow {
  /** The person charged; '' when the slip names nobody in the charged field. */
  responsible: string;
  /** YYYY-MM of the finding date ('' when the finding has no date). */
  month: string;
  rule_id: string;
  findings: number;
  /** Decimal text with two decimals. */
  amount: string;
  note: string | null;
}

function toCents(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) throw new Error(`penalty is not a decimal with at most 2 places: ${s}`);
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

function fromCents(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The ledger built up from findings handed over in parts, or already summed per ledger row. */
export class PenaltyLedger {
  private readonly groups = new Map<string, { row: Omit<PenaltyRow, 'amount'>; cents: bigint }>();

  add(findings: Iterable<Pick<Finding, 'rule_id' | 'date' | 'responsible' | 'penalty' | 'penalty_note'>>): this {
    for (const f of findings) {
      if (f.penalty === null) continue;
      this.addSum({ responsible: f.responsible ?? '', month: f.date?.slice(0, 7) ?? '', rule_id: f.rule_id, note: f.penalty_note, findings: 1, amount: f.penalty });
    }
    return this;
  }

  /** Findings already summed by the ledger's keys (the app sums a rule's findings in SQL). */
  addSum(sum: PenaltyRow): this {
    const key = JSON.stringify([sum.responsible, sum.month, sum.rule_id, sum.note]);
    let g = this.groups.get(key);
    if (!g) {
      g = { row: { responsible: sum.responsible, month: sum.month, rule_id: sum.rule_id, findings: 0, note: sum.note }, cents: 0n };
      this.groups.set(key, g);
    }
    g.row.findings += sum.findings;
    g.cents += toCents(sum.amount);
    return this;
  }

  rows(): PenaltyRow[] {
    return [...this.groups.values()]
      .map((g) => ({ ...g.row, amount: fromCents(g.cents) }))
      .sort(compareLedgerRows);
  }
}

export function buildPenaltyLedger(findings: readonly Finding[]): PenaltyRow[] {
  return new PenaltyLedger().add(findings).rows();
}

/** The ledger's order: person, month, rule, note (code-point order, the same everywhere). */
export function compareLedgerRows(
  a: Pick<PenaltyRow, 'responsible' | 'month' | 'rule_id' | 'note'>, b: Pick<PenaltyRow, 'responsible' | 'month' | 'rule_id' | 'note'>,
): number {
  return cmp(a.responsible, b.responsible) || cmp(a.month, b.month) || cmp(a.rule_id, b.rule_id) || cmp(a.note ?? '', b.note ?? '');
}
