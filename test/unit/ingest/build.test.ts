import { describe, expect, test } from 'vitest';
import { buildRows, columnLetter } from '../../../src/core/ingest/build';
import { detectTable } from '../../../src/core/ingest/header';
import type { Cell, RawTable } from '../../../src/core/types';

function build(rows: Cell[][], encoding = 'utf-8', opts = {}) {
  const table: RawTable = { file: 'out.csv', sheet: '', encoding, rows };
  const found = detectTable(rows);
  if (!found.ok) throw new Error(`not detected: ${found.code}`);
  return buildRows(table, found.type, found.headerRow, found.headers, found.columns, opts);
}

const HEAD = ['单据号', '日期', '客户', '产品名称', '数量', '单价', '结算日期', '业务员'];

describe('row accounting', () => {
  test('every row below the header is loaded, rejected, blank or totals', () => {
    const r = build([
      ['产品出库单列表'],
      HEAD,
      ['CK001', '2025-03-01', '甲', '泵', '2', '¥1,200.00', '', '张三'],
      ['', '', '', '', '', '', '', ''],
      ['CK002', '2025-02-30', '乙', '阀', '1', '10', '', '李四'],
      ['CK003', '2025-03-02', '丙', '阀', '', '10', '', '王五'],
      ['CK004', '2025-03-03', '丁', '电机', '3', '10', '2025-02-30', '赵六'],
      ['合计', '', '', '', '6', '', '', ''],
    ]);
    expect(r.counts).toEqual({ rows_read: 6, rows_loaded: 2, rows_rejected: 2, rows_blank: 1, rows_totals: 1 });
    expect(r.counts.rows_read).toBe(r.counts.rows_loaded + r.counts.rows_rejected + r.counts.rows_blank + r.counts.rows_totals);
    expect(r.rows.source_row).toEqual([3, 7]);
    expect(r.rows.columns.unit_price).toEqual(['1200', '10']);
    expect(r.rows.columns.settlement_date).toEqual([null, null]);
    expect(r.rejects.map((x) => [x.source_row, x.column, x.value])).toEqual([
      [5, '日期', '2025-02-30'],
      [6, '数量', ''],
      [7, '结算日期', '2025-02-30'],
    ]);
    expect(r.rejects[2].reason).toMatch(/^kept:/);
  });

  test('a text row with a non-empty cell beyond the header is rejected; empty extra cells are ignored', () => {
    const r = build([
      HEAD,
      ['CK001', '2025-03-01', '甲', '泵', '2', '10', '', '张三', '', ''],
      ['CK002', '2025-03-01', '甲', '泵', '2', '10', '', '张三', '', 'shifted'],
      ['CK003', '2025-03-01'],
    ]);
    expect(r.counts.rows_loaded).toBe(1);
    expect(r.counts.rows_rejected).toBe(2);
    expect(r.rejects[0]).toMatchObject({ source_row: 3, column: 'J', value: 'shifted' });
    expect(r.rejects.slice(1).map((x) => x.column)).toEqual(['产品名称', '数量']);
  });

  test('unknown columns are kept with the row as extras', () => {
    const r = build([[...HEAD, '备注'], ['CK001', '2025-03-01', '甲', '泵', '2', '10', '', '张三', '加急']]);
    expect(JSON.parse(r.rows.extras[0]!)).toEqual({ 备注: '加急' });
  });

  test('workbook cells beyond the header are kept by column letter', () => {
    const r = build([HEAD, ['CK001', '2025-03-01', '甲', '泵', 2, 10, '', '张三', '', 'note']], 'xlsx');
    expect(r.counts.rows_loaded).toBe(1);
    expect(JSON.parse(r.rows.extras[0]!)).toEqual({ J: 'note' });
  });

  test('ambiguous day/month dates are rejected unless a date order is given', () => {
    const rows: Cell[][] = [HEAD, ['CK001', '03/04/2025', '甲', '泵', '2', '10', '', '张三']];
    expect(build(rows).counts.rows_rejected).toBe(1);
    const dmy = build(rows, 'utf-8', { dateOrder: 'dmy' });
    expect(dmy.rows.columns.date).toEqual(['2025-04-03']);
  });

  test('column letters', () => {
    expect([0, 25, 26, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
});

test('an unknown value of an optional enumeration is kept as it is', () => {
  const r = build([[...HEAD, '销售类型'], ['CK001', '2025-03-01', '甲', '泵', '2', '10', '', '张三', '赠送'], ['CK002', '2025-03-01', '甲', '泵', '2', '10', '', '张三', '零售']]);
  expect(r.rows.columns.sale_type).toEqual(['赠送', 'retail']);
  expect(r.rejects).toEqual([]);
});
