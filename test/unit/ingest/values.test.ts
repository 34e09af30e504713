import { describe, expect, it } from 'vitest';
import { isBlankRow, isTotalsRow, normaliseHeader, parseValue } from '../../../src/core/ingest/values';
import { SLIP_TYPES } from '../../../src/core/schema/slip-types';
import type { Cell, FieldDef, FieldKind, ParseOptions } from '../../../src/core/types';

const field = (kind: FieldKind, extra: Partial<FieldDef> = {}): FieldDef => ({ name: `a_${kind}`, kind, aliases: [], ...extra });
const schemaField = (type: string, name: string): FieldDef => {
  const f = SLIP_TYPES.find((t) => t.id === type)?.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${type}.${name}`);
  return f;
};

type Case = [Cell, string | null];
type Bad = [Cell, string];

function table(kind: FieldKind, good: Case[], bad: Bad[], opts: ParseOptions = {}, def: FieldDef = field(kind)) {
  describe(`${kind}${def.name === `a_${kind}` ? '' : ` (${def.name})`}`, () => {
    it.each(good)('%j → %j', (cell, value) => {
      expect(parseValue(def, cell, opts)).toEqual({ ok: true, value });
    });
    if (bad.length > 0) {
      it.each(bad)('%j is refused: %s', (cell, reason) => {
        expect(parseValue(def, cell, opts)).toEqual({ ok: false, reason });
      });
    }
  });
}

table('text', [
  ['CK00012', 'CK00012'],
  ['  CK00012 ', 'CK00012'],
  ['\u3000高强度外壳6204\u3000', '高强度外壳6204'],
  ['', null],
  ['   ', null],
  [null, null],
  [12, '12'],
  [1e21, '1000000000000000000000'],
  ['-', '-'],
], []);

table('signature', [
  ['张三', '张三'],
  [' 张三 ', '张三'],
  ['王无忌', '王无忌'],
  ['无名氏', '无名氏'],
  ['Nadia', 'Nadia'],
  ['', null],
  [null, null],
  ['-', null],
  ['--', null],
  ['—', null],
  ['——', null],
  ['－', null],
  ['/', null],
  ['／', null],
  ['无', null],
  [' 无 ', null],
  ['N/A', null],
  ['n/a', null],
  ['Ｎ／Ａ', null],
  ['NA', null],
  ['na', null],
  ['null', null],
  ['NULL', null],
  ['未签', null],
  ['待签', null],
  ['待审', null],
  ['未签字', null],
  ['待审核', null],
], []);

table('flag', [
  ...['是', 'Y', 'y', 'yes', 'Yes', 'YES', 'TRUE', 'true', '1', '√', '✓', '已', '有', '已盖章', '合格', '已确认', '已审核', '已回签', ' 是 ', 'Ｙ', '✔']
    .map((s): Case => [s, 'true']),
  ...['否', 'N', 'n', 'no', 'No', 'FALSE', 'false', '0', '×', '✗', '无', '未', '未盖章', '未确认', '不合格']
    .map((s): Case => [s, 'false']),
  ['', 'false'],
  ['  ', 'false'],
  [null, 'false'],
  [1, 'true'],
  [0, 'false'],
], [
  ['张三', 'unknown flag value'],
  ['maybe', 'unknown flag value'],
  [2, 'unknown flag value'],
]);

table('enum', [
  ['经销', 'normal'],
  ['批发', 'normal'],
  ['普通销售', 'normal'],
  ['零星销售', 'retail'],
  ['零售', 'retail'],
  ['售后', 'after_sales'],
  ['以旧换新', 'after_sales'],
  [' 以旧换新 ', 'after_sales'],
  ['Retail', 'retail'],
  ['NORMAL', 'normal'],
  ['After_Sales', 'after_sales'],
  ['', 'normal'],
  [null, 'normal'],
], [
  ['赠送', 'unknown value for sale_type'],
  [3, 'unknown value for sale_type'],
], {}, schemaField('outbound', 'sale_type'));

table('enum', [
  ['质量问题', 'quality'],
  ['调换货', 'business'],
  ['', null],
], [
  ['其他', 'unknown value for reason_type'],
], {}, schemaField('sales_return', 'reason_type'));

table('number', [
  ['1234.5', '1234.5'],
  ['1,234.50', '1234.5'],
  ['¥1,234.50', '1234.5'],
  ['￥1234.5', '1234.5'],
  ['RMB 1234.5', '1234.5'],
  ['rmb1234.5', '1234.5'],
  ['CNY 8', '8'],
  ['1234.5元', '1234.5'],
  ['(100)', '-100'],
  ['(1,234.50)', '-1234.5'],
  ['(¥1,234.50)', '-1234.5'],
  ['-100', '-100'],
  ['-¥100', '-100'],
  ['¥-100', '-100'],
  ['+7', '7'],
  ['１２３', '123'],
  ['１，２３４．５０', '1234.5'],
  ['－５', '-5'],
  ['（１００）', '-100'],
  ['  42  ', '42'],
  ['\u300042\u3000', '42'],
  ['007', '7'],
  ['0.50', '0.5'],
  ['.5', '0.5'],
  ['5.', '5'],
  ['100.00', '100'],
  ['-0', '0'],
  ['-0.00', '0'],
  ['0.1', '0.1'],
  ['1.5E+3', '1500'],
  ['1.23457E+11', '123457000000'],
  ['2.5e-3', '0.0025'],
  ['12345678901234.5678', '12345678901234.5678'],
  ['', null],
  ['   ', null],
  [null, null],
  ['-', null],
  ['—', null],
  ['--', null],
  [1234.5, '1234.5'],
  [-100, '-100'],
  [0, '0'],
  [-0, '0'],
  [0.1 + 0.2, '0.30000000000000004'],
  [1e-7, '0.0000001'],
  [-1.5e-10, '-0.00000000015'],
  [123456789012, '123456789012'],
], [
  ['abc', 'invalid number'],
  ['1.2.3', 'invalid number'],
  ['1,2345', 'invalid number'],
  ['12,34', 'invalid number'],
  ['1 234', 'invalid number'],
  ['(-100)', 'invalid number'],
  ['5%', 'invalid number'],
  ['.', 'invalid number'],
  ['¥', 'invalid number'],
  ['--5', 'invalid number'],
  ['100 pcs', 'invalid number'],
  [Number.NaN, 'invalid number'],
  [Number.POSITIVE_INFINITY, 'invalid number'],
  ['123456789012345', 'number out of range'],
  [1e21, 'number out of range'],
]);

table('duration', [
  ['90', '90'],
  ['90.5', '90.5'],
  ['１２０', '120'],
  ['1:30', '90'],
  ['01:30', '90'],
  ['75:10', '4510'],
  ['0:05', '5'],
  ['1:02:03', '3723'],
  ['01:02:03', '3723'],
  ['10:00:00', '36000'],
  ['1:02:03.5', '3723.5'],
  ['１：３０', '90'],
  [' 1:30 ', '90'],
  ['', null],
  ['-', null],
  [null, null],
  [125, '125'],
  [0, '0'],
], [
  ['1:60', 'invalid duration'],
  ['1:2:60', 'invalid duration'],
  ['1:75:00', 'invalid duration'],
  ['-5', 'invalid duration'],
  [-5, 'invalid duration'],
  ['abc', 'invalid duration'],
  ['1:30:', 'invalid duration'],
  ['1分30秒', 'invalid duration'],
]);

table('date', [
  ['2025-03-18', '2025-03-18'],
  ['2025/3/18', '2025-03-18'],
  ['2025/03/08', '2025-03-08'],
  ['2025.3.18', '2025-03-18'],
  ['2025年3月18日', '2025-03-18'],
  ['2025 年 3 月 18 日', '2025-03-18'],
  ['20250318', '2025-03-18'],
  ['２０２５－０３－１８', '2025-03-18'],
  ['2025／3／18', '2025-03-18'],
  [' 2025-03-18 ', '2025-03-18'],
  ['2025-03-18 14:30', '2025-03-18'],
  ['2025-03-18 14:30:05', '2025-03-18'],
  ['2025-03-18T14:30', '2025-03-18'],
  ['2025/3/18 9:05', '2025-03-18'],
  ['2025年3月18日 14:30', '2025-03-18'],
  ['2025年3月18日14:30', '2025-03-18'],
  ['20250318 14:30:05', '2025-03-18'],
  ['2025-03-18 14:30:05.123', '2025-03-18'],
  ['2024-02-29', '2024-02-29'],
  ['2000-02-29', '2000-02-29'],
  ['2025-12-31', '2025-12-31'],
  ['', null],
  ['-', null],
  ['—', null],
  [null, null],
  // Excel serials (1900 system) and yyyymmdd numbers
  [45734, '2025-03-18'],
  [45734.6041666667, '2025-03-18'],
  [1, '1900-01-01'],
  [59, '1900-02-28'],
  [61, '1900-03-01'],
  [2958465, '9999-12-31'],
  [20250318, '2025-03-18'],
], [
  ['2025-02-29', 'invalid date'],
  ['2025-02-30', 'invalid date'],
  ['1900-02-29', 'invalid date'],
  ['2025-13-01', 'invalid date'],
  ['2025-04-31', 'invalid date'],
  ['2025-00-10', 'invalid date'],
  ['2025-03-00', 'invalid date'],
  ['2025-3/18', 'invalid date'],
  ['25-3-18', 'invalid date'],
  ['03/04/25', 'invalid date'],
  ['0202-03-18', 'invalid date'],
  ['2025-03-18 25:00', 'invalid date'],
  ['2025-03-18 14:60', 'invalid date'],
  ['2025-03-18 noon', 'invalid date'],
  ['2025年3月1814:30', 'invalid date'],
  ['2025-03-1814:30', 'invalid date'],
  ['2025031', 'invalid date'],
  ['20250230', 'invalid date'],
  ['45734', 'invalid date'],
  ['March 18, 2025', 'invalid date'],
  ['03/04/2025', 'ambiguous date (set the date order)'],
  ['18/03/2025', 'ambiguous date (set the date order)'],
  ['12/12/2025', 'ambiguous date (set the date order)'],
  ['3.4.2025', 'ambiguous date (set the date order)'],
  [60, 'invalid date (1900-02-29 does not exist)'],
  [0, 'date serial out of range'],
  [-1, 'date serial out of range'],
  [0.5, 'date serial out of range'],
  [2958466, 'date serial out of range'],
  [Number.NaN, 'date serial out of range'],
  [20250230, 'invalid date'],
]);

table('date', [
  ['03/04/2025', '2025-04-03'],
  ['18/03/2025', '2025-03-18'],
  ['3.4.2025', '2025-04-03'],
  ['29/02/2024 08:00', '2024-02-29'],
], [
  ['03/18/2025', 'invalid date'],
  ['29/02/2025', 'invalid date'],
], { dateOrder: 'dmy' }, field('date', { name: 'date_dmy' }));

table('date', [
  ['03/04/2025', '2025-03-04'],
  ['03/18/2025', '2025-03-18'],
  ['2025-03-18', '2025-03-18'],
], [
  ['18/03/2025', 'invalid date'],
], { dateOrder: 'mdy' }, field('date', { name: 'date_mdy' }));

table('date', [
  [0, '1904-01-01'],
  [44272, '2025-03-18'],
  [2957003, '9999-12-31'],
  [20250318, '2025-03-18'],
], [
  [-1, 'date serial out of range'],
  [2957004, 'date serial out of range'],
], { date1904: true }, field('date', { name: 'date_1904' }));

table('datetime', [
  ['2025-03-18 14:30', '2025-03-18 14:30:00'],
  ['2025-03-18 14:30:05', '2025-03-18 14:30:05'],
  ['2025-03-18T14:30:05', '2025-03-18 14:30:05'],
  ['2025-03-18 9:05', '2025-03-18 09:05:00'],
  ['2025/3/18 00:00', '2025-03-18 00:00:00'],
  ['2025.3.18 23:59:59', '2025-03-18 23:59:59'],
  ['2025年3月18日 14:30', '2025-03-18 14:30:00'],
  ['20250318 14:30', '2025-03-18 14:30:00'],
  ['2025-03-18', '2025-03-18 00:00:00'],
  ['２０２５－０３－１８　１４：３０', '2025-03-18 14:30:00'],
  ['2025-03-18 14:30:05.999', '2025-03-18 14:30:05'],
  ['', null],
  [null, null],
  [45734.6041666667, '2025-03-18 14:30:00'],
  [45734.5, '2025-03-18 12:00:00'],
  [45734, '2025-03-18 00:00:00'],
  [45734.99999999, '2025-03-19 00:00:00'],
  [20250318, '2025-03-18 00:00:00'],
], [
  ['2025-03-18 24:00', 'invalid datetime'],
  ['2025-02-29 10:00', 'invalid datetime'],
  ['14:30', 'invalid datetime'],
  ['03/04/2025 14:30', 'ambiguous date (set the date order)'],
]);

table('date', [], [
  ['03/04/2025', 'ambiguous date (set the date order)'],
], { dateOrder: 'ymd' }, field('date', { name: 'date_ymd' }));

table('datetime', [
  ['03/04/2025 14:30', '2025-04-03 14:30:00'],
], [], { dateOrder: 'dmy' }, field('datetime', { name: 'datetime_dmy' }));

describe('every field of the schema parses an empty cell', () => {
  const fields = SLIP_TYPES.flatMap((t) => t.fields);
  it.each(fields.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    expect(parseValue(f, '', {}).ok).toBe(true);
  });
});

describe('normaliseHeader', () => {
  const cases: [string, string][] = [
    ['单据号', '单据号'],
    [' 单据号 ', '单据号'],
    ['*单据号', '单据号'],
    ['单据号*', '单据号'],
    ['单 据 号', '单据号'],
    ['单\u3000据\u3000号', '单据号'],
    ['单据号:', '单据号'],
    ['单据号：', '单据号'],
    ['单据号 ：', '单据号'],
    ['单据号::', '单据号:'],
    ['Slip No', 'slipno'],
    ['SLIP  NO', 'slipno'],
    ['Slip\tNo\n', 'slipno'],
    ['通话时长（秒）', '通话时长(秒)'],
    ['Ｑｔｙ', 'qty'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(normaliseHeader(input)).toBe(expected);
  });

  it('maps every alias of the schema to a non-empty key', () => {
    for (const t of SLIP_TYPES) for (const f of t.fields) for (const a of f.aliases) expect(normaliseHeader(a)).not.toBe('');
  });
});

describe('isBlankRow', () => {
  const cases: [Cell[], boolean][] = [
    [[], true],
    [[''], true],
    [['', ' ', '\u3000', null], true],
    [[null, null], true],
    [['', 'x'], false],
    [[0], false],
    [['', '', '-'], false],
  ];
  it.each(cases)('%j → %s', (cells, expected) => {
    expect(isBlankRow(cells)).toBe(expected);
  });
});

describe('isTotalsRow', () => {
  const cases: [Cell[], boolean][] = [
    [['合计', '', '100'], true],
    [['', ' 小计 ', 5], true],
    [[null, '总计'], true],
    [['Total', 3], true],
    [['TOTAL'], true],
    [['subtotal'], true],
    [['Subtotal:'], true],
    [['合计：', 10], true],
    [['合计:'], true],
    [['合　计', 10], true],
    [['Grand Total', 10], true],
    [['CK00012', '合计'], false],
    [['合计金额'], false],
    [['本页合计'], false],
    [[1, '合计'], false],
    [['', ''], false],
    [[], false],
  ];
  it.each(cases)('%j → %s', (cells, expected) => {
    expect(isTotalsRow(cells)).toBe(expected);
  });
});
