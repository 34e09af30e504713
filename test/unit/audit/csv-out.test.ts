import { describe, expect, test } from 'vitest';
import { neutraliseFormula, toCsv } from '../../../src/core/audit/csv-out';

describe('formula-safe CSV', () => {
  test.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['王无忌', '王无忌'],
  ])('%j', (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
  });

  test('negative numbers in numeric columns stay numbers; text is quoted and neutralised', () => {
    const csv = toCsv(['a', 'n'], [{ a: '=1+1', n: '-100.50' }, { a: 'x,"y"', n: '=2' }, { a: null, n: -3 }], new Set(['n']));
    expect(csv).toBe('\uFEFFa,n\r\n\'=1+1,-100.50\r\n"x,""y""",\'=2\r\n,-3\r\n');
  });
});
