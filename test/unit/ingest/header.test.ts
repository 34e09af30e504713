import { describe, expect, test } from 'vitest';
import { detectTable, mapColumns } from '../../../src/core/ingest/header';
import { SLIP_TYPES } from '../../../src/core/schema/slip-types';
import type { Cell, SlipTypeId } from '../../../src/core/types';

/** Headers of a realistic export per type: its first alias for every field. */
function firstAliasHeaders(type: SlipTypeId): string[] {
  return SLIP_TYPES.find((t) => t.id === type)!.fields.map((f) => f.aliases[0]);
}

describe('type detection', () => {
  test.each(SLIP_TYPES.map((t) => t.id))('%s from its full Chinese header set', (type) => {
    const found = detectTable([firstAliasHeaders(type)]);
    expect(found).toMatchObject({ ok: true, type, headerRow: 0 });
  });

  test.each(SLIP_TYPES.map((t) => t.id))('%s from its English headers', (type) => {
    const headers = SLIP_TYPES.find((t) => t.id === type)!.fields.map((f) => f.aliases[f.aliases.length - 1]);
    expect(detectTable([headers])).toMatchObject({ ok: true, type });
  });

  test('header row below a title and an export-date row', () => {
    const rows: Cell[][] = [['产品出库单列表'], ['导出日期：2025-04-01', '', ''], [], firstAliasHeaders('outbound'), ['CK001']];
    expect(detectTable(rows)).toMatchObject({ ok: true, type: 'outbound', headerRow: 3 });
  });

  test('aliases match ignoring case, spaces, * and a trailing colon', () => {
    const rows: Cell[][] = [[' *单据号 ', '日 期：', 'PRODUCT NAME', 'qty:', '客户', '销售类型']];
    const found = detectTable(rows);
    expect(found).toMatchObject({ ok: true, type: 'outbound' });
    if (found.ok) expect(found.columns).toEqual(['slip_no', 'date', 'product_name', 'qty', 'customer', 'sale_type']);
  });

  test('only fields shared by two types is ambiguous, never a guess', () => {
    const found = detectTable([['单据号', '日期', '产品名称', '数量']]);
    expect(found).toMatchObject({ ok: false, code: 'ambiguous-type' });
    if (!found.ok) expect(found.candidates).toEqual(expect.arrayContaining(['fg_receipt', 'outbound']));
  });

  test('a table of no slip type reports the headers it found', () => {
    const found = detectTable([['Name', 'Age', 'City'], ['a', '1', 'x']]);
    expect(found).toMatchObject({ ok: false, code: 'unknown-type', headers: ['Name', 'Age', 'City'] });
  });

  test('a type must match all its required fields', () => {
    // exit pass without the related slip number: pass_no, date, guard, issued_by match but slip_no is required
    const found = detectTable([['出门证号', '开具日期', '门卫', '开具人']]);
    expect(found.ok).toBe(false);
  });

  test('a forced type with its required columns missing is refused with the missing names', () => {
    const found = detectTable([['出门证号', '开具日期', '门卫']], { type: 'exit_pass' });
    expect(found).toMatchObject({ ok: false, code: 'missing-columns', missing: ['slip_no'] });
  });

  test('a user mapping makes unknown headers a table', () => {
    const rows: Cell[][] = [['NO.', 'WHEN', 'WHAT', 'HOW MANY'], ['CK1', '2025-01-02', 'pump', '3']];
    const found = detectTable(rows, { type: 'outbound', mapping: { 'NO.': 'slip_no', WHEN: 'date', WHAT: 'product_name', 'HOW MANY': 'qty' } });
    expect(found).toMatchObject({ ok: true, type: 'outbound', headerRow: 0 });
  });

  test('the first column naming a field wins; a repeated one stays an extra column', () => {
    expect(mapColumns(['单据号', '日期', '单号'], 'outbound')).toEqual(['slip_no', 'date', null]);
  });
});
