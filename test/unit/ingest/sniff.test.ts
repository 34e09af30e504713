import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { listZipEntries, sniffFormat } from '../../../src/core/ingest/sniff';
import { CONTENT_TYPES, WORKBOOK_XML, makeZip } from './zip-fixture';

const excel = (f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/excel/${f}`, import.meta.url)));
const text = (f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/text/${f}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('sniffFormat on files made by spreadsheet programs', () => {
  it.each([
    ['outbound.xlsx', 'xlsx'],
    ['outbound.xls', 'cfb'],
    ['outbound-biff5.xls', 'cfb'],
    ['encrypted.xls', 'cfb'],
    ['outbound-html-gbk.xls', 'html'],
    ['outbound-spreadsheetml.xls', 'spreadsheetml'],
  ])('%s → %s', (file, format) => {
    expect(sniffFormat(file, excel(file))).toBe(format);
  });

  it('content wins over the name: an xlsx renamed .csv is still xlsx', () => {
    expect(sniffFormat('export.csv', excel('outbound.xlsx'))).toBe('xlsx');
  });

  it('GBK CSV and UTF-16LE "Unicode text" are text', () => {
    expect(sniffFormat('outbound-gbk.csv', text('outbound-gbk.csv'))).toBe('text');
    expect(sniffFormat('outbound-utf16le.txt', text('outbound-utf16le.txt'))).toBe('text');
  });
});

describe('sniffFormat by magic bytes', () => {
  const cases: [string, string, Uint8Array, string][] = [
    ['nothing', 'a.csv', new Uint8Array(0), 'empty'],
    ['plain CSV', 'a.csv', utf8('单据号,数量\n1,2\n'), 'text'],
    ['BOM-less UTF-16LE', 'a.txt', Uint8Array.from([0x61, 0, 0x09, 0, 0x62, 0, 0x0a, 0]), 'text'],
    ['NULs on both parities', 'a.csv', Uint8Array.from([0, 0, 1, 2, 0, 5, 0, 0, 3]), 'binary'],
    ['PNG', 'a.xls', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'binary'],
    ['HTML with doctype and BOM', 'a.xls', utf8('\ufeff  <!DOCTYPE html><html><body><table></table></body></html>'), 'html'],
    ['bare <table>', 'a.xls', utf8('<table><tr><td>1</td></tr></table>'), 'html'],
    ['a comment before the table, named .xls', 'a.xls', utf8('<!-- export --><table><tr><td>1</td></tr></table>'), 'html'],
    ['SpreadsheetML 2003', 'a.xls', utf8('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'), 'spreadsheetml'],
    ['other XML is text', 'a.xml', utf8('<?xml version="1.0"?><root/>'), 'text'],
    ['CFB magic', 'a.et', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'cfb'],
    ['bare BIFF5 BOF', 'a.xls', Uint8Array.from([0x09, 0x08, 0x08, 0x00, 0x00, 0x05, 0x10, 0x00, 0, 0, 0, 0]), 'biff'],
  ];
  it.each(cases)('%s', (_label, name, bytes, format) => {
    expect(sniffFormat(name, bytes)).toBe(format);
  });

  it('tells xlsx, xlsb, ods and other zips apart by their entries', () => {
    expect(sniffFormat('a.zip', makeZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'xl/workbook.xml', data: WORKBOOK_XML }]))).toBe('xlsx');
    expect(sniffFormat('a.xlsx', makeZip([{ name: 'xl/workbook.bin', data: 'x' }]))).toBe('xlsb');
    expect(sniffFormat('a.xlsx', makeZip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet' }, { name: 'content.xml', data: '<x/>' }]))).toBe('ods');
    expect(sniffFormat('a.xlsx', makeZip([{ name: 'word/document.xml', data: '<x/>' }]))).toBe('zip-other');
  });

  it('sees the xlsb and ods that SheetJS writes', () => {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['单据号'], ['CK1']]), 'S');
    expect(sniffFormat('x', new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsb' }) as ArrayBuffer))).toBe('xlsb');
    expect(sniffFormat('x', new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'ods' }) as ArrayBuffer))).toBe('ods');
  });
});

describe('listZipEntries', () => {
  it('lists the parts of a LibreOffice xlsx with their sizes', () => {
    const entries = listZipEntries(excel('outbound.xlsx'));
    expect(entries?.map((e) => e.name)).toContain('xl/workbook.xml');
    const sheet = entries?.find((e) => e.name === 'xl/worksheets/sheet1.xml');
    expect(sheet?.uncompressedSize).toBeGreaterThan(sheet?.compressedSize ?? Infinity);
  });

  it('takes the larger of the central and local uncompressed sizes', () => {
    const zip = makeZip([{ name: 'a.xml', data: 'abc', claimedSize: 999 }]);
    // Shrink the central directory's claim to 3; the local header still says 999.
    const cd = zip.findIndex((_, i) => zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x01 && zip[i + 3] === 0x02);
    zip.set([3, 0, 0, 0], cd + 24);
    expect(listZipEntries(zip)?.[0].uncompressedSize).toBe(999);
  });

  it('returns null for truncated or non-zip bytes', () => {
    const zip = excel('outbound.xlsx');
    expect(listZipEntries(zip.subarray(0, zip.length - 30))).toBeNull();
    expect(listZipEntries(utf8('PK\x03\x04 not really'))).toBeNull();
  });
});
