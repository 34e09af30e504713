import { describe, expect, it } from 'vitest';
import {
  compactMapping, duplicateFields, headerKey, missingRequired, parseProfiles, sampleKind, suggestMapping, suggestType,
} from '../../../src/ui/mapping';

describe('column mapping', () => {
  it('keys a header set regardless of order, case and spacing', () => {
    expect(headerKey(['NO.', ' When ', 'WHAT', ''])).toBe(headerKey(['what', 'no.', 'when']));
    expect(headerKey(['NO.', 'WHEN'])).not.toBe(headerKey(['NO.', 'WHEN', 'WHAT']));
  });

  it('tells dates, numbers and text apart in sample values', () => {
    expect(sampleKind(['2025-03-01', '2025/3/2', ''])).toBe('date');
    expect(sampleKind(['2025年3月1日'])).toBe('date');
    expect(sampleKind(['1,200.50', '-3'])).toBe('number');
    expect(sampleKind(['CK001', '12'])).toBe('text');
    expect(sampleKind(['', ' '])).toBeNull();
  });

  it('starts from the loader candidate, else from the best alias score, else nothing', () => {
    expect(suggestType(['x'], ['exit_pass'])).toBe('exit_pass');
    expect(suggestType(['出库单号', '日期', '客户'], [])).toBe('outbound');
    expect(suggestType(['NO.', 'WHEN'], [])).toBe('');
  });

  it('pre-fills from aliases first, then from what the values look like', () => {
    const headers = ['NO.', 'WHEN', '产品名称', 'HOW MANY', 'PRICE', 'WHO'];
    const samples = [['U-1', '2025-03-01', 'gear', '4', '12.5', 'Li'], ['U-2', '2025-03-02', 'shaft', '2', '30', 'Li']];
    expect(suggestMapping('outbound', headers, samples)).toEqual({
      'NO.': 'slip_no', WHEN: 'date', 产品名称: 'product_name', 'HOW MANY': 'qty', PRICE: 'unit_price', WHO: '',
    });
  });

  it('requires every required field once before the mapping can be applied', () => {
    expect(missingRequired('outbound', { a: 'slip_no', b: 'date' })).toEqual(['product_name', 'qty']);
    expect(missingRequired('', {})).toEqual([]);
    expect(duplicateFields({ a: 'date', b: 'date', c: '' })).toEqual(['date']);
    expect(compactMapping({ a: 'date', b: '' })).toEqual({ a: 'date' });
  });

  it('drops malformed saved profiles instead of trusting them', () => {
    const ok = { name: 'n', key: 'k', type: 'outbound', mapping: { a: 'slip_no' } };
    expect(parseProfiles(JSON.stringify([ok, { ...ok, type: 'nope' }, { ...ok, mapping: { a: 1 } }, null]))).toEqual([ok]);
    expect(parseProfiles('{broken')).toEqual([]);
    expect(parseProfiles(null)).toEqual([]);
  });
});
