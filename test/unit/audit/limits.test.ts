import { describe, expect, test } from 'vitest';
import { BROWSER_MAX_BYTES, BROWSER_MAX_ROWS, checkBrowserBudget } from '../../../src/core/audit/limits';

const lines = (n: number, eol = '\n') => new TextEncoder().encode('a,b,c'.concat(eol).repeat(n));

describe('checkBrowserBudget', () => {
  test('small files fit', () => {
    expect(checkBrowserBudget([{ name: 'a.csv', bytes: lines(1000) }])).toBeNull();
  });

  test('too many rows across files: refused, naming the limit and the command line', () => {
    const half = lines(BROWSER_MAX_ROWS / 2 + 1);
    const r = checkBrowserBudget([{ name: 'a.csv', bytes: half }, { name: 'b.csv', bytes: half }]);
    expect(r?.code).toBe('too-large');
    expect(r?.detail).toMatchObject({ limit: 'browser', maxRows: BROWSER_MAX_ROWS, rows: BROWSER_MAX_ROWS + 2, use: 'cli' });
  });

  test('lone-CR line endings count as rows', () => {
    expect(checkBrowserBudget([{ name: 'a.csv', bytes: lines(BROWSER_MAX_ROWS + 1, '\r') }])?.code).toBe('too-large');
  });

  test('workbooks count by bytes, not line feeds', () => {
    const zip = new Uint8Array(1000).fill(0x0a);
    zip.set([0x50, 0x4b, 3, 4]);
    expect(checkBrowserBudget([{ name: 'a.xlsx', bytes: zip }])).toBeNull();
    const big = { name: 'big.xlsx', bytes: zip, get length() { return 0; } };
    Object.defineProperty(big.bytes, 'length', { value: BROWSER_MAX_BYTES + 1 });
    expect(checkBrowserBudget([big])?.detail).toMatchObject({ bytes: BROWSER_MAX_BYTES + 1, maxBytes: BROWSER_MAX_BYTES });
  });

  test('rows already loaded count towards the limit', () => {
    const few = lines(10);
    expect(checkBrowserBudget([{ name: 'a.csv', bytes: few }], { bytes: 0, rows: BROWSER_MAX_ROWS - 20 })).toBeNull();
    expect(checkBrowserBudget([{ name: 'a.csv', bytes: few }], { bytes: 0, rows: BROWSER_MAX_ROWS - 5 })?.code).toBe('too-large');
  });
});
