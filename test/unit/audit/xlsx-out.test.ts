import { describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { toXlsx } from '../../../src/core/audit/xlsx-out';

const sheetOf = (bytes: Uint8Array) => {
  const wb = XLSX.read(bytes, { type: 'array' });
  return wb.Sheets[wb.SheetNames[0]];
};

describe('toXlsx', () => {
  it('writes numeric columns as numbers and every other cell as a string, never a formula', () => {
    const ws = sheetOf(toXlsx(['slip_no', 'amount', 'note'], [
      { slip_no: '=HYPERLINK("http://x","y")', amount: '-12.50', note: '+1' },
      { slip_no: 'CK001', amount: 3, note: '@SUM(A1)' },
      { slip_no: '007', amount: 'n/a', note: null },
    ], new Set(['amount'])));
    expect(ws.A2).toMatchObject({ t: 's', v: '\'=HYPERLINK("http://x","y")' });
    expect(ws.B2).toMatchObject({ t: 'n', v: -12.5 });
    expect(ws.C2).toMatchObject({ t: 's', v: "'+1" });
    expect(ws.B3).toMatchObject({ t: 'n', v: 3 });
    expect(ws.C3).toMatchObject({ t: 's', v: "'@SUM(A1)" });
    expect(ws.A4).toMatchObject({ t: 's', v: '007' });
    expect(ws.B4).toMatchObject({ t: 's', v: 'n/a' });
    expect(ws.C4).toBeUndefined();
    expect(Object.values(ws).some((c) => typeof c === 'object' && c !== null && 'f' in c)).toBe(false);
  });

  it('uses the given headings and sheet name, and keeps the range over empty trailing cells', () => {
    const wb = XLSX.read(toXlsx(['a', 'b'], [{ a: 'x', b: null }], new Set(), { headers: ['甲', 'B'], sheet: 'findings' }), { type: 'array' });
    expect(wb.SheetNames).toEqual(['findings']);
    const ws = wb.Sheets.findings;
    expect(XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 })).toEqual([['甲', 'B'], ['x']]);
    expect(ws['!ref']).toBe('A1:B2');
  });
});
