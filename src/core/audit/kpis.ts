/**
 * The operating KPIs of RULES.md, as plain numbers with their numerators and
 * denominators, so a chart can draw them and an auditor can check them. Each KPI
 * needs certain slip types; when they are not loaded it says which (`needs`).
 */
import type { Engine, Row } from '../engine';
import type { SlipTypeId } from '../types';
import { dateLit } from '../sql/sql';

export interface Ratio { numerator: number; denominator: number; rate: number | null }
export type Kpi<T> = { needs: SlipTypeId[] } | ({ needs?: undefined } & T);

export interface KpiFinding { rule_id: string; severity: string; slip_type: string; date: string | null; responsible: string | null; penalty: string | null }
export interface KpiPenalty { responsible: string; amount: string }

export interface Kpis {
  gate_compliance: Kpi<Ratio & { by_type: Record<string, Ratio> }>;
  on_time_delivery: Kpi<Ratio & { pending: number; remote: number }>;
  same_day_dispatch: Kpi<Ratio>;
  settlement_aging: Kpi<{ buckets: AmountBucket[] }>;
  outsourced_outstanding: Kpi<{ buckets: AmountBucket[] }>;
  stock_accuracy: Kpi<Ratio>;
  service: Kpi<{ answered_within_3_rings: Ratio; calls_within_5_min: Ratio; next_day_feedback: Ratio }>;
  returns_by_reason: Kpi<{ outbound_qty: number | null; reasons: { reason: string; slips: number; qty: number; rate: number | null }[] }>;
  below_min_sales: Kpi<{ lines: number; value: number }>;
  findings_by_rule: Count[];
  findings_by_severity: Count[];
  findings_by_month: Count[];
  findings_by_department: Count[];
  findings_by_person: Count[];
  penalties_by_person: { key: string; amount: number }[];
}

export interface AmountBucket { bucket: string; lines: number; amount: number }
export interface Count { key: string; count: number }

/** Which department answers for a slip type (findings by department). */
export const DEPARTMENT_OF: Record<SlipTypeId, string> = {
  fg_receipt: 'production', requisition: 'production', outbound: 'sales', exit_pass: 'warehouse',
  price_list: 'finance', outsource_issue: 'outsourcing', outsource_return: 'outsourcing',
  purchase_receipt: 'purchasing', sales_return: 'sales', shipment: 'transport',
  stock_count: 'warehouse', service_call: 'service',
};

function ratio(n: unknown, d: unknown): Ratio {
  const numerator = Number(n ?? 0);
  const denominator = Number(d ?? 0);
  return { numerator, denominator, rate: denominator > 0 ? round4(numerator / denominator) : null };
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Compute every KPI over the loaded tables at the as-of date. */
export async function computeKpis(
  engine: Engine, asOf: string, findings: readonly KpiFinding[], penalties: readonly KpiPenalty[],
): Promise<Kpis> {
  return findingKpis(await tableKpis(engine, asOf), findings, penalties);
}

/** The KPIs read from the slip tables alone, plus which tables the findings-based ones need. */
export type TableKpis = Omit<Kpis, 'below_min_sales' | `findings_by_${string}` | 'penalties_by_person'> & {
  /** Set when the below-minimum-price KPI cannot be given (its tables are not loaded). */
  below_min_needs: { needs: SlipTypeId[] } | null;
};

/**
 * The SQL part of the KPIs: it depends on the loaded data and the as-of date only, so the
 * app keeps it while the user changes rule parameters and recomputes just the findings part.
 */
export async function tableKpis(engine: Engine, asOf: string): Promise<TableKpis> {
  const loaded = new Set(
    (await engine.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main'")).map((r) => r.t),
  );
  const has = (...types: SlipTypeId[]) => types.every((t) => loaded.has(t));
  const needs = (...types: SlipTypeId[]) => ({ needs: types.filter((t) => !loaded.has(t)) });
  const one = async (sql: string): Promise<Row> => (await engine.query(sql))[0] ?? {};
  const asOfSql = dateLit(asOf);

  const gate = async () => {
    if (!has('exit_pass') || !(has('outbound') || has('outsource_issue'))) return needs('exit_pass', ...(has('outsource_issue') ? [] : ['outbound' as const]));
    const byType: Record<string, Ratio> = {};
    let n = 0, d = 0;
    for (const t of ['outbound', 'outsource_issue'] as const) {
      if (!has(t)) continue;
      // Two equi-joins, not one join on an OR: DuckDB hash-joins each, where the OR compared every slip with every pass.
      const r = await one(`
        WITH gated AS (
          SELECT s.slip_no FROM ${t} s JOIN exit_pass p ON p.slip_no = s.slip_no
          UNION
          SELECT s.slip_no FROM ${t} s JOIN exit_pass p ON p.pass_no = s.exit_pass_no)
        SELECT (SELECT count(DISTINCT slip_no) FROM ${t})::INTEGER AS d, (SELECT count(*) FROM gated)::INTEGER AS n`);
      byType[t] = ratio(r.n, r.d);
      n += Number(r.n); d += Number(r.d);
    }
    return { ...ratio(n, d), by_type: byType };
  };

  const onTime = async () => {
    if (!has('shipment')) return needs('shipment');
    const r = await one(`
      SELECT count(*) FILTER (WHERE remote)::INTEGER AS remote,
             count(*) FILTER (WHERE NOT remote AND delivered_date IS NULL AND ${asOfSql} - ship_date <= 3)::INTEGER AS pending,
             count(*) FILTER (WHERE NOT remote AND NOT (delivered_date IS NULL AND ${asOfSql} - ship_date <= 3))::INTEGER AS d,
             count(*) FILTER (WHERE NOT remote AND delivered_date IS NOT NULL AND delivered_date - ship_date <= 3)::INTEGER AS n
      FROM shipment`);
    return { ...ratio(r.n, r.d), pending: Number(r.pending), remote: Number(r.remote) };
  };

  const sameDay = async () => {
    if (!has('shipment')) return needs('shipment');
    const r = await one(`SELECT count(*) FILTER (WHERE ready_date IS NOT NULL)::INTEGER AS d,
      count(*) FILTER (WHERE ready_date IS NOT NULL AND ship_date <= ready_date)::INTEGER AS n FROM shipment`);
    return ratio(r.n, r.d);
  };

  const settlement = async () => {
    if (!has('outbound')) return needs('outbound');
    const rows = await engine.query(`
      SELECT CASE WHEN settlement_date IS NULL THEN 'open'
                  WHEN settlement_date <= date + INTERVAL 1 MONTH THEN 'le_1m'
                  WHEN settlement_date <= date + INTERVAL 2 MONTH THEN '1m_2m'
                  ELSE 'gt_2m' END AS bucket,
             count(*)::INTEGER AS lines, CAST(round(coalesce(sum(amount), 0), 2) AS DOUBLE) AS amount
      FROM outbound WHERE sale_type = 'normal' GROUP BY ALL`);
    return { buckets: orderBuckets(rows, ['le_1m', '1m_2m', 'gt_2m', 'open']) };
  };

  const outsourced = async () => {
    if (!has('outsource_issue')) return needs('outsource_issue');
    const back = has('outsource_return')
      ? `(SELECT coalesce(sum(coalesce(r.qty_returned, 0) + coalesce(r.qty_scrapped, 0)), 0) FROM outsource_return r
           WHERE r.issue_slip_no = l.slip_no AND r.date <= ${asOfSql}
             AND CASE WHEN l.material_code IS NOT NULL AND r.material_code IS NOT NULL THEN r.material_code = l.material_code ELSE r.material_name = l.material_name END)`
      : '0';
    const rows = await engine.query(`
      WITH l AS (SELECT slip_no, min(date) AS date, material_code, material_name, sum(qty) AS qty, max(unit_price) AS unit_price
                 FROM outsource_issue GROUP BY slip_no, material_code, material_name),
           o AS (SELECT l.*, l.qty - ${back} AS outstanding FROM l)
      SELECT CASE WHEN date + INTERVAL 1 MONTH >= ${asOfSql} THEN 'le_1m'
                  WHEN date + INTERVAL 2 MONTH >= ${asOfSql} THEN '1m_2m' ELSE 'gt_2m' END AS bucket,
             count(*)::INTEGER AS lines, CAST(round(coalesce(sum(outstanding * coalesce(unit_price, 0)), 0), 2) AS DOUBLE) AS amount
      FROM o WHERE outstanding > 0 AND date <= ${asOfSql} GROUP BY ALL`);
    return { buckets: orderBuckets(rows, ['le_1m', '1m_2m', 'gt_2m']) };
  };

  const stock = async () => {
    if (!has('stock_count')) return needs('stock_count');
    const r = await one(`SELECT count(*)::INTEGER AS d,
      count(*) FILTER (WHERE ledger_qty = physical_qty AND (card_qty IS NULL OR card_qty = ledger_qty))::INTEGER AS n FROM stock_count`);
    return ratio(r.n, r.d);
  };

  const service = async () => {
    if (!has('service_call')) return needs('service_call');
    const r = await one(`SELECT
      count(rings)::INTEGER AS rd, count(*) FILTER (WHERE rings <= 3)::INTEGER AS rn,
      count(duration_sec)::INTEGER AS dd, count(*) FILTER (WHERE duration_sec <= 300)::INTEGER AS dn,
      count(*) FILTER (WHERE resolved OR reply_date IS NOT NULL OR CAST(start_time AS DATE) + 1 < ${asOfSql})::INTEGER AS fd,
      count(*) FILTER (WHERE resolved OR reply_date <= CAST(start_time AS DATE) + 1)::INTEGER AS fn
      FROM service_call`);
    return {
      answered_within_3_rings: ratio(r.rn, r.rd), calls_within_5_min: ratio(r.dn, r.dd), next_day_feedback: ratio(r.fn, r.fd),
    };
  };

  const returns = async () => {
    if (!has('sales_return')) return needs('sales_return');
    const outQty = has('outbound') ? Number((await one('SELECT CAST(coalesce(sum(qty), 0) AS DOUBLE) AS q FROM outbound')).q) : null;
    const rows = await engine.query(`SELECT coalesce(reason_type, 'unknown') AS reason, count(DISTINCT slip_no)::INTEGER AS slips,
      CAST(coalesce(sum(qty), 0) AS DOUBLE) AS qty FROM sales_return GROUP BY ALL ORDER BY reason`);
    return {
      outbound_qty: outQty,
      reasons: rows.map((r) => ({
        reason: String(r.reason), slips: Number(r.slips), qty: Number(r.qty),
        rate: outQty ? round4(Number(r.qty) / outQty) : null,
      })),
    };
  };

  return {
    gate_compliance: await gate(),
    on_time_delivery: await onTime(),
    same_day_dispatch: await sameDay(),
    settlement_aging: await settlement(),
    outsourced_outstanding: await outsourced(),
    stock_accuracy: await stock(),
    service: await service(),
    returns_by_reason: await returns(),
    below_min_needs: has('outbound', 'price_list') ? null : needs('outbound', 'price_list'),
  };
}

/**
 * The findings counted by the keys the KPIs break them down by. Tallies of disjoint sets of
 * findings add up (mergeTallies), so the app keeps one per rule and recounts only the rule
 * that ran again.
 */
export interface FindingTally {
  rule: Map<string, number>;
  severity: Map<string, number>;
  month: Map<string, number>;
  department: Map<string, number>;
  person: Map<string, number>;
  /** Lines and summed amount (exact, in cents) of the below-minimum-price findings. */
  belowMinLines: number;
  belowMinCents: number;
}

const emptyTally = (): FindingTally => ({
  rule: new Map(), severity: new Map(), month: new Map(), department: new Map(), person: new Map(), belowMinLines: 0, belowMinCents: 0,
});

const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

/**
 * Findings that share every key the tally counts by: how many, and the sum of their amounts
 * (decimal text, null when none has one). The app reads a rule's findings grouped so in SQL
 * instead of one by one.
 */
export interface FindingGroup {
  rule_id: string; severity: string; slip_type: string; month: string; responsible: string;
  count: number; amount: string | null;
}

/** Decimal text (at most two places) as whole cents. */
const cents = (amount: string | null): number => (amount === null ? 0 : Math.round(Number(amount) * 100));

function addGroup(t: FindingTally, g: FindingGroup): void {
  bump(t.rule, g.rule_id, g.count);
  bump(t.severity, g.severity, g.count);
  bump(t.month, g.month, g.count);
  bump(t.department, DEPARTMENT_OF[g.slip_type as SlipTypeId] ?? g.slip_type, g.count);
  bump(t.person, g.responsible, g.count);
  if (g.rule_id === 'outbound.below-min-price') {
    t.belowMinLines += g.count;
    t.belowMinCents += cents(g.amount);
  }
}

/** The tally of `groups`, or `t` with them added. */
export function tallyGroups(groups: Iterable<FindingGroup>, t: FindingTally = emptyTally()): FindingTally {
  for (const g of groups) addGroup(t, g);
  return t;
}

/** The tally of `findings`, or `t` with them added (a rule's findings read in parts). */
export function tallyFindings(findings: Iterable<KpiFinding>, t: FindingTally = emptyTally()): FindingTally {
  for (const f of findings) {
    addGroup(t, {
      rule_id: f.rule_id, severity: f.severity, slip_type: f.slip_type, month: f.date ? f.date.slice(0, 7) : '',
      responsible: f.responsible ?? '', count: 1, amount: (f as { amount?: string | null }).amount ?? null,
    });
  }
  return t;
}

/** The tally of the union; the below-minimum amounts come from one rule, so their sum is unchanged. */
export function mergeTallies(tallies: Iterable<FindingTally>): FindingTally {
  const out = emptyTally();
  for (const t of tallies) {
    for (const key of ['rule', 'severity', 'month', 'department', 'person'] as const) {
      for (const [k, n] of t[key]) bump(out[key], k, n);
    }
    out.belowMinLines += t.belowMinLines;
    out.belowMinCents += t.belowMinCents;
  }
  return out;
}

/** The full KPI set from the table KPIs and the run's findings (or their tally) and penalty ledger. */
export function findingKpis(table: TableKpis, findings: readonly KpiFinding[] | FindingTally, penalties: readonly KpiPenalty[]): Kpis {
  const { below_min_needs: belowMinNeeds, ...sql } = table;
  const tally = Array.isArray(findings) ? tallyFindings(findings) : findings as FindingTally;
  const belowMin = () => belowMinNeeds ?? { lines: tally.belowMinLines, value: tally.belowMinCents / 100 };
  const count = (m: Map<string, number>) =>
    [...m].map(([k, c]) => ({ key: k, count: c })).sort((a, b) => b.count - a.count || cmp(a.key, b.key));
  const byPerson = new Map<string, number>();
  for (const p of penalties) byPerson.set(p.responsible, (byPerson.get(p.responsible) ?? 0) + Number(p.amount));

  return {
    ...sql,
    below_min_sales: belowMin(),
    findings_by_rule: count(tally.rule),
    findings_by_severity: count(tally.severity),
    findings_by_month: count(tally.month).sort((a, b) => cmp(a.key, b.key)),
    findings_by_department: count(tally.department),
    findings_by_person: count(tally.person),
    penalties_by_person: [...byPerson].map(([key, amount]) => ({ key, amount: round2(amount) }))
      .sort((a, b) => b.amount - a.amount || cmp(a.key, b.key)),
  };
}

function orderBuckets(rows: Row[], order: string[]): AmountBucket[] {
  return order.map((bucket) => {
    const r = rows.find((x) => x.bucket === bucket);
    return { bucket, lines: Number(r?.lines ?? 0), amount: Number(r?.amount ?? 0) };
  });
}

/** Code-point order: the same on every machine and locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
