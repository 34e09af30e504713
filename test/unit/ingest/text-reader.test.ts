import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../../src/core/ingest/text-reader';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/text/${name}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('readTextFile', () => {
  it('reads a GBK CSV with CRLF, a title line, a blank row and a totals row, untouched', () => {
    expect(readTextFile('outbound-gbk.csv', fixture('outbound-gbk.csv'))).toEqual({
      ok: true,
      skippedSheets: [],
      tables: [{
        file: 'outbound-gbk.csv',
        sheet: '',
        encoding: 'gb18030',
        rows: [
          ['产品出库单列表'],
          ['单据号', '日期', '客户', '产品名称', '数量', '金额', '质检确认'],
          ['CK00012', '2025/3/18', '华东机电, 有限公司', '高强度外壳6204', '10', '1,234.50', '是'],
          ['', '', '', '', '', '', ''],
          ['合计', '', '', '', '10', '1,234.50', ''],
        ],
      }],
    });
  });

  it('reads an Excel "Unicode text" file: UTF-16LE with BOM, tab-separated', () => {
    const r = readTextFile('outbound-utf16le.txt', fixture('outbound-utf16le.txt'));
    expect(r).toMatchObject({ ok: true, tables: [{ encoding: 'utf-16le', rows: [['单据号', '日期', '数量'], ['CK00013', '2025-03-19', '-5']] }] });
  });

  it('keeps spaces and blank lines for the table builder to count', () => {
    const r = readTextFile('a.csv', utf8('单据号,数量\n CK1 , 5 \n\n'));
    expect(r).toMatchObject({ ok: true, tables: [{ encoding: 'utf-8', rows: [['单据号', '数量'], [' CK1 ', ' 5 '], ['']] }] });
  });

  it('names the table by the base name of the file', () => {
    const r = readTextFile('exports\\2025-03\\a.csv', utf8('a,b\n'));
    expect(r.ok && r.tables[0].file).toBe('a.csv');
  });

  it('sniffs the delimiter from content', () => {
    const r = readTextFile('a.csv', utf8('单据号;数量\nCK1;"1,5"\n'));
    expect(r.ok && r.tables[0].rows).toEqual([['单据号', '数量'], ['CK1', '1,5']]);
  });

  it('prefers tab for .tsv and .txt when the content does not decide', () => {
    const r = readTextFile('a.txt', utf8('a,b\tc\n'));
    expect(r.ok && r.tables[0].rows).toEqual([['a,b', 'c']]);
    const csv = readTextFile('a.csv', utf8('a,b\tc\n'));
    expect(csv.ok && csv.tables[0].rows).toEqual([['a', 'b\tc']]);
  });

  it('honours and hides an Excel sep= line', () => {
    const r = readTextFile('a.csv', utf8('sep=;\r\n单据号;名称\r\nCK1;a,b,c,d\r\n'));
    expect(r.ok && r.tables[0].rows).toEqual([['单据号', '名称'], ['CK1', 'a,b,c,d']]);
  });

  const refused: [string, Uint8Array, object][] = [
    ['an empty file', new Uint8Array(0), { code: 'empty' }],
    ['a file of blank lines', utf8('\r\n \r\n'), { code: 'empty' }],
    ['a file of delimiters only', utf8(',,,\n,,,\n'), { code: 'empty' }],
    ['binary noise', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), { code: 'not-text' }],
    ['a row wider than any sheet', utf8(`a,b\n${','.repeat(20_000)}\n`), { code: 'too-large', detail: { limit: 'cells-per-row', row: 2, size: 16_385, max: 16_384 } }],
    ['a quote that never closes', utf8(`a,b\n"${'x'.repeat(1_000_001)}`), { code: 'too-large', detail: { limit: 'cell-chars', row: 2, size: 1_000_001, max: 1_000_000 } }],
  ];
  it.each(refused)('refuses %s', (_name, bytes, refusal) => {
    expect(readTextFile('bad.csv', bytes)).toEqual({ ok: false, refusal });
  });
});
