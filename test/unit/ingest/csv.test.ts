import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDelimited, parseDelimitedBounded, sniffDelimiter } from '../../../src/core/ingest/csv';

const spectrumDir = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
/** Its expected JSON describes a different file (phone number and encoding differ). */
const SPECTRUM_EXCEPTIONS = new Set(['location_coordinates']);

describe('parseDelimited on csv-spectrum', () => {
  const names = readdirSync(join(spectrumDir, 'csvs'))
    .filter((f) => f.endsWith('.csv'))
    .map((f) => basename(f, '.csv'))
    .filter((n) => !SPECTRUM_EXCEPTIONS.has(n));

  it('finds the whole suite', () => {
    expect(names.length).toBeGreaterThanOrEqual(11);
  });

  it.each(names)('%s', (name) => {
    const text = readFileSync(join(spectrumDir, 'csvs', `${name}.csv`), 'utf8');
    const expected: Record<string, string>[] = JSON.parse(readFileSync(join(spectrumDir, 'json', `${name}.json`), 'utf8'));
    const [header, ...records] = parseDelimited(text, ',');
    const objects = records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(objects).toEqual(expected);
    for (const r of records) expect(r).toHaveLength(header.length);
  });
});

describe('parseDelimited', () => {
  const cases: [string, string, string, string[][]][] = [
    ['empty text', '', ',', []],
    ['one field', 'a', ',', [['a']]],
    ['LF', 'a,b\n1,2\n', ',', [['a', 'b'], ['1', '2']]],
    ['CRLF', 'a,b\r\n1,2\r\n', ',', [['a', 'b'], ['1', '2']]],
    ['lone CR', 'a,b\r1,2\r', ',', [['a', 'b'], ['1', '2']]],
    ['mixed line endings', 'a\r\nb\nc\rd', ',', [['a'], ['b'], ['c'], ['d']]],
    ['no trailing newline', 'a,b\n1,2', ',', [['a', 'b'], ['1', '2']]],
    ['blank lines are kept as records', 'a\n\nb\n\n', ',', [['a'], [''], ['b'], ['']]],
    ['a lone line break is one empty record', '\n', ',', [['']]],
    ['CR LF split across blank line', 'a\r\r\nb', ',', [['a'], [''], ['b']]],
    ['empty fields', ',,\n', ',', [['', '', '']]],
    ['trailing delimiter', 'a,\n', ',', [['a', '']]],
    ['quoted delimiter', '"a,b",c', ',', [['a,b', 'c']]],
    ['doubled quotes', '"say ""hi""",x', ',', [['say "hi"', 'x']]],
    ['only a doubled quote', '""""', ',', [['"']]],
    ['empty quoted field', '"",""', ',', [['', '']]],
    ['embedded LF', '"a\nb",c\n', ',', [['a\nb', 'c']]],
    ['embedded CRLF kept as is', '"a\r\nb"\r\nc', ',', [['a\r\nb'], ['c']]],
    ['embedded lone CR', '"a\rb"', ',', [['a\rb']]],
    ['quote inside an unquoted field is literal', 'ab"c,d"e', ',', [['ab"c', 'd"e']]],
    ['inch mark', '12" pipe,3', ',', [['12" pipe', '3']]],
    ['text after a closing quote is kept', '"ab"cd,e', ',', [['abcd', 'e']]],
    ['unterminated quote runs to the end', '"ab,c\nd', ',', [['ab,c\nd']]],
    ['spaces are not trimmed', ' a , b ', ',', [[' a ', ' b ']]],
    ['space before a quote makes it unquoted', ' "a,b"', ',', [[' "a', 'b"']]],
    ['tab', 'a\tb,c\n1\t"2\t3"', '\t', [['a', 'b,c'], ['1', '2\t3']]],
    ['semicolon', 'a;b\n"1;5";2,5', ';', [['a', 'b'], ['1;5', '2,5']]],
    ['ragged rows', 'a,b,c\n1\n1,2,3,4', ',', [['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']]],
    ['CJK', '单据号,数量\nCK00012,"1,234.50"', ',', [['单据号', '数量'], ['CK00012', '1,234.50']]],
  ];
  it.each(cases)('%s', (_name, text, delimiter, expected) => {
    expect(parseDelimited(text, delimiter)).toEqual(expected);
  });

  it('refuses a delimiter it cannot honour', () => {
    expect(() => parseDelimited('a', ',,')).toThrow();
    expect(() => parseDelimited('a', '"')).toThrow();
    expect(() => parseDelimited('a', '\n')).toThrow();
  });

  it('reads back what an RFC 4180 writer wrote', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '中', ',', ';', '\t', '"', '\n', '\r', ' ', '1') });
    const row = fc.array(cell, { minLength: 1, maxLength: 6 });
    const delimiter = fc.constantFrom(',', '\t', ';');
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), delimiter, eol, fc.boolean(), (rows, d, nl, trailing) => {
        const quote = (c: string, only: boolean) =>
          /[",;\t\r\n]/.test(c) || (only && c === '') ? `"${c.replaceAll('"', '""')}"` : c;
        const text = rows.map((r) => r.map((c) => quote(c, r.length === 1)).join(d)).join(nl) + (trailing && rows.length ? nl : '');
        expect(parseDelimited(text, d)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDelimitedBounded', () => {
  const limits = { maxCellsPerRow: 3, maxCellChars: 5 };

  it('passes text within the limits', () => {
    expect(parseDelimitedBounded('a,b,c\n12345', ',', limits)).toEqual({ ok: true, rows: [['a', 'b', 'c'], ['12345']] });
  });

  it('stops at the first row too wide, 1-based', () => {
    expect(parseDelimitedBounded('a\nb,c,d,e,f', ',', limits)).toEqual({ ok: false, limit: 'cells-per-row', row: 2, size: 4, max: 3 });
  });

  it('stops at a cell too long, quoted or not', () => {
    expect(parseDelimitedBounded('123456', ',', limits)).toMatchObject({ ok: false, limit: 'cell-chars', row: 1, size: 6 });
    expect(parseDelimitedBounded('a\nb\n"never closed,\n\n\n', ',', limits)).toMatchObject({ ok: false, limit: 'cell-chars', row: 3 });
  });
});

describe('sniffDelimiter', () => {
  const cases: [string, string, ',' | '\t' | ';' | undefined, string][] = [
    ['comma', 'a,b,c\n1,2,3\n', undefined, ','],
    ['tab', 'a\tb\tc\n1\t2\t3\n', undefined, '\t'],
    ['semicolon', 'a;b;c\n1;2;3\n', undefined, ';'],
    ['commas inside quotes do not count', 'a;b\n"1,2,3,4";x\n"5,6,7,8";y\n', undefined, ';'],
    ['commas in tab-separated text', '名称\t地址\t数量\nA\t上海, 浦东\t1\nB\t北京\t2\nC\t广州, 天河, 黄埔\t3\n', undefined, '\t'],
    ['semicolons with decimal commas', 'name;qty;price\nx;1,5;2,5\ny;3;4,25\n', undefined, ';'],
    ['a title line above the header', '产品出库单列表\n\n单据号,日期,数量\nCK1,2025-03-18,1\nCK2,2025-03-18,2\n', undefined, ','],
    ['one column: the prior', '单据号\nCK1\n', '\t', '\t'],
    ['one column, no prior: comma', '单据号\nCK1\n', undefined, ','],
    ['a tie goes to the prior', 'a,b\tc\n', '\t', '\t'],
    ['a tie without prior goes to comma', 'a,b\tc\n', undefined, ','],
    ['content beats the prior', 'a,b,c\n1,2,3\n', '\t', ','],
  ];
  it.each(cases)('%s', (_name, text, prior, expected) => {
    expect(sniffDelimiter(text, prior)).toBe(expected);
  });

  it('looks only at the head of a long text', () => {
    const head = 'a;b;c\n'.repeat(20);
    const tail = 'x,y,z,w\n'.repeat(100_000);
    expect(sniffDelimiter(head + tail)).toBe(';');
  });
});
