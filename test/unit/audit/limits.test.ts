import { describe, expect, test } from 'vitest';
import { BROWSER_MAX_BYTES, BROWSER_MAX_ROWS, checkBrowserBudget, measureInput, measuring } from '../../../src/core/audit/limits';

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

describe('measuring (a file read a piece at a time)', () => {
  test('counts what measureInput counts, whatever the pieces', () => {
    const enc = new TextEncoder();
    const files = [
      enc.encode('a,b\nc,d\r\ne,f\n'), enc.encode('a,b\rc,d\re,f\r'), enc.encode('no line break'), new Uint8Array(0),
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x0a, 0x0a, 0x0d]), new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0x0a]),
      enc.encode('x\ry\rz\n'), enc.encode('\n'.repeat(1000) + '\r'.repeat(10)),
    ];
    for (const bytes of files) {
      for (const chunk of [1, 2, 3, 5, 64, 1 << 20]) {
        const m = measuring();
        for (let at = 0; at < bytes.length; at += chunk) m.add(bytes.slice(at, at + chunk));
        const got = m.done(bytes.length);
        expect(got, `${bytes.length} bytes in pieces of ${chunk}`).toEqual(measureInput(bytes));
      }
    }
  });
});
