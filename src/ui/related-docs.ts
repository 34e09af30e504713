/**
 * The documents an auditor looks up next to a finding: the exit passes of a shipment (or
 * their absence), the returns against an outsourced issue, the price-list row a price rule
 * used, the original outbound of a sales return, the slip an exit pass names. Every value
 * goes through lit(); the price lookup is the rules' own CTE, so it shows what they used.
 */
import type { Engine } from '../core/engine';
import type { SlipTypeId } from '../core/types';
import { ident, lit } from '../core/sql/sql';
import { priceColumnSql, priceJoinSql, priceLookupCte } from '../core/rules/finding-sql';
import type { FindingRow, RelatedDocs } from './rpc';

const MAX_ROWS = 50;
const all = (type: SlipTypeId) => `SELECT COLUMNS(*)::VARCHAR FROM ${ident(type)}`;

/** A finding's related documents; `usesPrice` when its rule looks prices up. */
export async function relatedDocs(
  engine: Engine, finding: FindingRow, tables: ReadonlySet<string>, usesPrice: boolean,
): Promise<RelatedDocs[]> {
  const slipNo = finding.slip_no;
  if (slipNo === null) return [];
  const type = finding.slip_type as SlipTypeId;
  const own = `source_file = ${lit(finding.source_file)} AND slip_no = ${lit(slipNo)}`;
  const out: RelatedDocs[] = [];
  const add = async (kind: RelatedDocs['kind'], from: SlipTypeId, sql: () => string) => {
    if (!tables.has(from)) { out.push({ kind, type: from, loaded: false, rows: [] }); return; }
    const rows = await engine.query(`${sql()} ORDER BY source_file, source_row LIMIT ${MAX_ROWS}`);
    out.push({ kind, type: from, loaded: true, rows });
  };

  if ((type === 'outbound' || type === 'outsource_issue') && tables.has(type)) {
    await add('exit_pass', 'exit_pass', () => `${all('exit_pass')} WHERE slip_no = ${lit(slipNo)}
      OR pass_no IN (SELECT exit_pass_no FROM ${ident(type)} WHERE ${own} AND exit_pass_no IS NOT NULL)`);
  }
  if (type === 'outsource_issue') {
    await add('outsource_return', 'outsource_return', () => `${all('outsource_return')} WHERE issue_slip_no = ${lit(slipNo)}`);
  }
  if (type === 'sales_return' && tables.has('sales_return')) {
    await add('original_outbound', 'outbound', () => `${all('outbound')} WHERE slip_no IN
      (SELECT original_outbound_no FROM sales_return WHERE ${own} AND original_outbound_no IS NOT NULL)`);
  }
  if (type === 'exit_pass' && tables.has('exit_pass')) {
    const named = `(SELECT slip_no FROM exit_pass WHERE source_file = ${lit(finding.source_file)} AND pass_no = ${lit(slipNo)})`;
    for (const t of ['outbound', 'outsource_issue'] as const) {
      if (tables.has(t)) await add('gated_slip', t, () => `${all(t)} WHERE slip_no IN ${named}`);
    }
  }
  if (usesPrice && (type === 'outbound' || type === 'fg_receipt') && tables.has(type)) {
    if (!tables.has('price_list')) out.push({ kind: 'price', type: 'price_list', loaded: false, rows: [] });
    else {
      const rows = await engine.query(`WITH ${priceLookupCte(true)}
        SELECT s.source_row::VARCHAR AS source_row, s.product_code::VARCHAR AS product_code, s.product_name::VARCHAR AS product_name,
               s.spec::VARCHAR AS spec, s.unit_price::VARCHAR AS unit_price, (${priceColumnSql('min_price')})::VARCHAR AS min_price,
               (${priceColumnSql('standard_price')})::VARCHAR AS standard_price, (${priceColumnSql('effective_from')})::VARCHAR AS effective_from
        FROM ${ident(type)} s ${priceJoinSql(type)}
        WHERE s.source_file = ${lit(finding.source_file)} AND s.slip_no = ${lit(slipNo)}
        ORDER BY s.source_row LIMIT ${MAX_ROWS}`);
      out.push({ kind: 'price', type: 'price_list', loaded: true, rows });
    }
  }
  return out;
}

