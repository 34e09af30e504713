import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from '../../../src/core/ingest/read-file';
import type { ReadResult } from '../../../src/core/types';
import { loadCodepages } from '../../../src/core/ingest/excel';

// Workbooks are read below: the codepage tables first, as the loader does.
beforeAll(loadCodepages);

const fixture = (dir: string, f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${dir}/${f}`, import.meta.url)));

describe('readFile dispatch', () => {
  it('workbooks go to the workbook reader, whatever their name says', () => {
    const r = readFile('出库单.csv', fixture('excel', 'outbound.xls'));
    expect(r.ok && r.tables.map((t) => [t.sheet, t.encoding])).toEqual([['outbound', 'xls (BIFF8)']]);
  });

  it('a GBK CSV goes to the text reader', () => {
    const r = readFile('outbound-gbk.csv', fixture('text', 'outbound-gbk.csv'));
    expect(r.ok && r.tables[0].encoding).toBe('gb18030');
    expect(r.ok && r.tables[0].rows[0]).toEqual(['产品出库单列表']);
  });

  it('UTF-16LE "Unicode text" goes to the text reader', () => {
    const r = readFile('outbound-utf16le.txt', fixture('text', 'outbound-utf16le.txt'));
    expect(r.ok && r.tables[0].encoding).toBe('utf-16le');
  });

  it('HTML "fake .xls" goes to the workbook reader', () => {
    const r = readFile('outbound-html-gbk.xls', fixture('excel', 'outbound-html-gbk.xls'));
    expect(r.ok && r.tables[0].encoding).toBe('html');
  });

  it('empty and binary files are refused with their codes', () => {
    expect(readFile('a.csv', new Uint8Array(0))).toEqual({ ok: false, refusal: { code: 'empty' } });
    expect(readFile('a.csv', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ ok: false, refusal: { code: 'not-text' } });
  });

  it('files over 1 GB are refused before anything reads them', () => {
    // A view claiming 1 GB + 1 without allocating it: only the length is looked at.
    const huge = { length: 1024 * 1024 * 1024 + 1 } as unknown as Uint8Array;
    const r = readFile('big.csv', huge);
    expect(!r.ok && r.refusal.code).toBe('too-large');
  });
});

/** The conformance corpus beside the repository; absent on machines that do not have it. */
const CORPUS = fileURLToPath(new URL('../../../../shared/fixtures/real-world/', import.meta.url));
const hasCorpus = existsSync(CORPUS);

type Expect = { refused: string } | { sheets: string[]; check?: (r: ReadResult & { ok: true }) => void };

const EXPECTED: Record<string, Expect> = {
  'password.xls': { refused: 'password-protected' },
  'xor-encryption-abc.xls': { refused: 'password-protected' },
  'password_2002_40_xor.xls': { refused: 'password-protected' },
  'protected_passtika.xlsx': { refused: 'password-protected' },
  'poc-xmlbomb-empty.xlsx': { refused: 'xml-bomb' },
  'clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5025401116950528.xlsx': { refused: 'corrupt' },
  'phpexcel_bad_cfb_dir.xls': { sheets: ['Sayfa1'] },
  'empty.xls': { refused: 'no-table' },
  'blankworkbook.xls': { refused: 'no-table' },
  'empty.csv': { refused: 'empty' },
  // No cells: its double-byte text is in the page header, which LibreOffice does not show as cells either.
  'DBCSHeader.xls': { refused: 'no-table' },
  'author_snowman.xls5': { refused: 'no-table' },
  'date.xlsb': { sheets: ['Sheet1'], check: (r) => expect(r.tables[0].rows).toEqual([['2013-01-12']]) },
  'chinese-provinces.xls': { sheets: ['provinces'], check: (r) => expect(r.tables[0].rows[1]).toEqual(['Anhui', '安徽省']) },
  'testEXCEL_95.xls': { sheets: ['Feuil1'], check: (r) => expect(r.tables[0].encoding).toBe('xls (BIFF5)') },
  'biff5-text_and_numbers.xls': { sheets: ['Sheet1'], check: (r) => expect(r.tables[0].rows[0]).toEqual(['English', 'Hello', 'World']) },
  '1904DateWindowing.xls': { sheets: ['Sheet1'], check: (r) => expect(r.tables[0]).toMatchObject({ date1904: true, rows: [['2000-01-01', '2000-01-01']] }) },
  'SampleSS.strict.xlsx': { sheets: ['First Sheet', 'Sheet Number 2'], check: (r) => expect(r.tables[0].rows[0]).toEqual(['Test spreadsheet']) },
  'crlf.htm': { sheets: ['Sheet1'], check: (r) => expect(r.tables[0].encoding).toBe('html') },
  'wps-write.et': { sheets: ['Sheet1'], check: (r) => expect(r.tables[0].rows[0]).toEqual([1, 2, 3]) },
  'merge_cells.xlsx': { sheets: ['Merge'] },
  'merged-cells.xls': { sheets: ['Лист1'] },
  'multiline-headers.xlsx': { sheets: ['Лист1'] },
  'sheet_visibility.xlsx': {
    sheets: ['Visible', 'Hidden', 'VeryHidden'],
    check: (r) => expect(r.tables.map((t) => t.hidden)).toEqual([false, true, true]),
  },
};

describe.skipIf(!hasCorpus)('readFile on the real-world corpus (../shared/fixtures/real-world)', () => {
  it.each(Object.entries(EXPECTED))('%s', (file, expected) => {
    const bytes = new Uint8Array(readFileSync(CORPUS + file));
    const t0 = performance.now();
    const r = readFile(file, bytes);
    expect(performance.now() - t0).toBeLessThan(5000);
    if ('refused' in expected) {
      expect(r.ok ? 'read' : r.refusal.code).toBe(expected.refused);
    } else {
      if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.refusal)}`);
      expect(r.tables.map((t) => t.sheet)).toEqual(expected.sheets);
      expected.check?.(r);
    }
  });
});
