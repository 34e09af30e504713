import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { declaresEntities, decodeMarkup, inspectBiff, readWorkbook, serialToIso } from '../../../src/core/ingest/excel';
import type { Cell, RawTable, ReadResult } from '../../../src/core/types';
import { CONTENT_TYPES, WORKBOOK_XML, makeZip } from './zip-fixture';
import { loadCodepages } from '../../../src/core/ingest/excel';

// Workbooks are read below: the codepage tables first, as the loader does.
beforeAll(loadCodepages);

const fixture = (f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/excel/${f}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

function tables(r: ReadResult): RawTable[] {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.refusal)}`);
  return r.tables;
}

const HEADER = ['出库单号', '出库日期', '客户名称', '产品编码', '产品名称', '规格型号', '数量', '单价', '金额', '销售类型', '业务员', '质检确认', '出门证号', '收款日期'];
/** The outbound table as LibreOffice saved it: numbers as numbers, date cells as ISO text. */
const OUTBOUND_ROWS: Cell[][] = [
  ['产品出库单列表'],
  ['导出日期', '2025-04-01'],
  HEADER,
  ['CK2025030001', '2025-03-03', '华东机电有限公司', '0620401', '高强度外壳6204', 'φ62×20', 120, 35.5, 4260, '经销', '张伟', '是', 'CMZ0301', '2025-03-10'],
  ['CK2025030001', '2025-03-03', '华东机电有限公司', '0620402', '密封圈', 'M20', 300, 1.25, 375, '经销', '张伟', '是', 'CMZ0301', '2025-03-10'],
  ['CK2025030002', '2025-03-05', '苏州恒远贸易', '0630101', '轴承座6301', null, 40, 88, 3520, '零星销售', '李娜', '否'],
  [],
  ['CK2025030003', '2025-03-07', '宁波东升', '0620401', '高强度外壳6204', 'φ62×20', 3, 12.35, 37.05, '售后', '王强', '是', 'CMZ0307'],
  ['CK2025030004', '2025-03-12', '杭州联拓', '0710001', '减速机总成', 'JSJ-710', 2, 15800, 31600, '经销', '张伟', '√', 'CMZ0312', '2025-03-20'],
  ['CK2025030005', '2025-03-18', '华东机电有限公司', '0620402', '密封圈', 'M20', 1000, 1.2, 1200, '批发', '李娜', '是', 'CMZ0318', '2025-03-31'],
  ['合计', null, null, null, null, null, 1465, null, 40992.05],
];
const EXIT_ROWS: Cell[][] = [
  ['出门证号', '开具日期', '关联单号', '开具人', '门卫', '出门时间'],
  ['CMZ0301', '2025-03-03', 'CK2025030001', '赵敏', '孙师傅', '2025-03-03 16:45:00'],
  ['CMZ0307', '2025-03-07', 'CK2025030003', '赵敏', null, '2025-03-08 08:05:30'],
  ['CMZ0312', '2025-03-12', 'CK2025030004', '赵敏', '孙师傅', '2025-03-12 10:20:00'],
];

describe('readWorkbook on LibreOffice-made outbound slips', () => {
  it.each([
    ['outbound.xlsx', 'xlsx'],
    ['outbound.xls', 'xls (BIFF8)'],
    ['outbound-biff5.xls', 'xls (BIFF5)'],
    ['outbound-spreadsheetml.xls', 'spreadsheetml'],
  ])('%s: every cell exact, dates as ISO text, title/blank/totals rows in place', (file, encoding) => {
    const [t] = tables(readWorkbook(file, fixture(file)));
    expect(t).toMatchObject({ file, sheet: 'outbound', encoding, date1904: false, hidden: false });
    expect(t.rows).toEqual(OUTBOUND_ROWS);
  });

  it('BIFF5 text is decoded with its codepage (936), not as Latin-1 or ???', () => {
    const [t] = tables(readWorkbook('outbound-biff5.xls', fixture('outbound-biff5.xls')));
    expect(t.rows[0]).toEqual(['产品出库单列表']);
    expect(t.rows[3][5]).toBe('φ62×20');
  });

  it('GBK HTML "fake .xls": Chinese decoded, cells kept as the page shows them', () => {
    const r = readWorkbook('outbound-html-gbk.xls', fixture('outbound-html-gbk.xls'));
    const [t] = tables(r);
    expect(t.encoding).toBe('html');
    expect(t.rows[0]).toEqual(['产品出库单列表']);
    expect(t.rows[2]).toEqual(HEADER);
    expect(t.rows[3]).toEqual(['CK2025030001', '2025-03-03', '华东机电有限公司', '0620401', '高强度外壳6204', 'φ62×20', '120', '35.5', '4260', '经销', '张伟', '是', 'CMZ0301', '2025-03-10']);
    expect(t.rows.at(-1)).toEqual(['合计', null, null, null, null, null, '1465', null, '40992.05']);
  });

  it('two slip sheets, an empty sheet skipped, a hidden sheet flagged', () => {
    const r = readWorkbook('outbound-and-exit-passes.xlsx', fixture('outbound-and-exit-passes.xlsx'));
    expect(r.ok && r.skippedSheets).toEqual([{ sheet: 'Sheet3', reason: 'empty' }]);
    const ts = tables(r);
    expect(ts.map((t) => [t.sheet, t.hidden])).toEqual([['出库单', false], ['出门证', false], ['旧数据', true]]);
    expect(ts[0].rows).toEqual(OUTBOUND_ROWS);
    expect(ts[1].rows).toEqual(EXIT_ROWS);
  });

  it.each(['date1904.xlsx', 'date1904.xls'])('%s: 1904 date system gives the same calendar dates', (file) => {
    const [t] = tables(readWorkbook(file, fixture(file)));
    expect(t.date1904).toBe(true);
    expect(t.rows).toEqual(EXIT_ROWS);
  });

  it('LibreOffice password-protected xls is refused as such', () => {
    expect(readWorkbook('encrypted.xls', fixture('encrypted.xls'))).toEqual({ ok: false, refusal: { code: 'password-protected' } });
  });
});

describe('readWorkbook on hostile and odd input', () => {
  it('XML entity bomb inside an xlsx part', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>';
    const zip = makeZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'xl/workbook.xml', data: WORKBOOK_XML }, { name: 'xl/sharedStrings.xml', data: bomb }]);
    const t0 = performance.now();
    const r = readWorkbook('bomb.xlsx', zip);
    expect(r).toEqual({ ok: false, refusal: { code: 'xml-bomb', detail: { part: 'xl/sharedStrings.xml' } } });
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('XML entity bomb in SpreadsheetML', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">&a;</Data></Cell></Row></Table></Worksheet></Workbook>';
    expect(readWorkbook('x.xls', utf8(xml))).toEqual({ ok: false, refusal: { code: 'xml-bomb' } });
  });

  it('zip bomb: headers claiming more than 512 MB in all', () => {
    const zip = makeZip([{ name: 'xl/workbook.xml', data: WORKBOOK_XML }, { name: 'xl/worksheets/sheet1.xml', data: '<x/>', claimedSize: 600 * 1024 * 1024 }]);
    const r = readWorkbook('bomb.xlsx', zip);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.refusal.code).toBe('too-large');
  });

  it('zip bomb: one entry inflating 60 MB from a few bytes', () => {
    const zip = makeZip([{ name: 'xl/workbook.xml', data: WORKBOOK_XML }, { name: 'xl/worksheets/sheet1.xml', data: '<x/>', claimedSize: 60 * 1024 * 1024 }]);
    const r = readWorkbook('bomb.xlsx', zip);
    expect(!r.ok && r.refusal).toMatchObject({ code: 'too-large', detail: { entry: 'xl/worksheets/sheet1.xml' } });
  });

  it('zip with encrypted entries', () => {
    const zip = makeZip([{ name: 'xl/workbook.xml', data: WORKBOOK_XML, encrypted: true }]);
    expect(readWorkbook('a.xlsx', zip)).toEqual({ ok: false, refusal: { code: 'password-protected' } });
  });

  it('encrypted OOXML (a CFB with EncryptionInfo and EncryptedPackage)', () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptionInfo', Uint8Array.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', new Uint8Array(64));
    const bytes = new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as number[]);
    expect(readWorkbook('secret.xlsx', bytes)).toEqual({ ok: false, refusal: { code: 'password-protected' } });
  });

  it('a CFB without a workbook stream (a Word file named .xls) is unsupported, a WPS name says et', () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, '/WordDocument', new Uint8Array(64));
    const bytes = new Uint8Array(XLSX.CFB.write(cfb, { type: 'array' }) as number[]);
    expect(readWorkbook('a.xls', bytes)).toEqual({ ok: false, refusal: { code: 'unsupported-format', detail: { format: 'cfb' } } });
    expect(readWorkbook('a.et', bytes)).toEqual({ ok: false, refusal: { code: 'unsupported-format', detail: { format: 'et' } } });
  });

  it('truncated xlsx is corrupt, not a crash', () => {
    const good = fixture('outbound.xlsx');
    const r = readWorkbook('cut.xlsx', good.subarray(0, Math.floor(good.length / 2)));
    expect(!r.ok && r.refusal.code).toBe('corrupt');
  });

  it('garbage after a CFB signature is corrupt', () => {
    const bytes = new Uint8Array(4096).fill(0x41);
    bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const r = readWorkbook('x.xls', bytes);
    expect(!r.ok && r.refusal.code).toBe('corrupt');
  });

  it('a zip that is no workbook is unsupported', () => {
    expect(readWorkbook('a.zip', makeZip([{ name: 'readme.txt', data: 'hi' }]))).toEqual({ ok: false, refusal: { code: 'unsupported-format', detail: { format: 'zip' } } });
  });

  it('a workbook whose sheets hold nothing is no-table, its sheets listed', () => {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([]), 'A');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[null, '']]), 'B');
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
    expect(readWorkbook('e.xlsx', bytes)).toEqual({ ok: false, refusal: { code: 'no-table', detail: { sheets: ['A', 'B'] } } });
  });

  it('xlsb and ods are read', () => {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['单据号', '数量'], ['CK00012', 5]]), '出库');
    for (const bookType of ['xlsb', 'ods'] as const) {
      const out = new Uint8Array(XLSX.write(wb, { type: 'array', bookType }) as ArrayBuffer);
      const [t] = tables(readWorkbook(`a.${bookType}`, out));
      expect([t.encoding, t.sheet, t.rows]).toEqual([bookType, '出库', [['单据号', '数量'], ['CK00012', 5]]]);
    }
  });

  it('a sheet wider than 16,384 columns is too large', () => {
    const cells = Array.from({ length: 16_385 }, (_, i) => `<td>${i}</td>`).join('');
    const r = readWorkbook('wide.xls', utf8(`<table><tr>${cells}</tr></table>`));
    expect(!r.ok && r.refusal).toMatchObject({ code: 'too-large', detail: { columns: 16_385 } });
  });

  it('booleans and errors from SpreadsheetML cells', () => {
    const xml = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="Boolean">1</Data></Cell><Cell><Data ss:Type="Boolean">0</Data></Cell><Cell><Data ss:Type="Error">#DIV/0!</Data></Cell><Cell><Data ss:Type="Number">7</Data></Cell></Row></Table></Worksheet></Workbook>';
    expect(tables(readWorkbook('b.xls', utf8(xml)))[0].rows).toEqual([['TRUE', 'FALSE', '', 7]]);
  });
});

describe('serialToIso', () => {
  it.each<[number, boolean, string, string | number]>([
    [1, false, 'yyyy-mm-dd', '1900-01-01'],
    [59, false, 'yyyy-mm-dd', '1900-02-28'],
    [60, false, 'yyyy-mm-dd', '1900-02-29'],
    [61, false, 'yyyy-mm-dd', '1900-03-01'],
    [45719, false, 'yyyy-mm-dd', '2025-03-03'],
    [45719.6979166667, false, 'yyyy-mm-dd hh:mm:ss', '2025-03-03 16:45:00'],
    [45719.999999999, false, 'yyyy-mm-dd hh:mm', '2025-03-04'],
    [0, true, 'yyyy-mm-dd', '1904-01-01'],
    [44257, true, 'yyyy-mm-dd', '2025-03-03'],
    [0.5, false, 'hh:mm', '12:00:00'],
    [1.5, false, '[h]:mm:ss', '36:00:00'],
    [45719.5, false, 'hh:mm', '2025-03-03 12:00:00'],
    [45719, false, 'yyyy"年"m"月"d"日"', '2025-03-03'],
    [-1, false, 'yyyy-mm-dd', -1],
    [3_000_000, false, 'yyyy-mm-dd', 3_000_000],
  ])('%d (1904: %s, %s) → %s', (serial, d1904, fmt, expected) => {
    expect(serialToIso(serial, d1904, fmt)).toBe(expected);
  });
});

describe('declaresEntities', () => {
  it.each([
    ['<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>', true],
    ['\ufeff<?xml version="1.0"?>\n<!-- c --><!doctype a [ <!entity x "y"> ]><a/>', true],
    ['<?xml version="1.0"?><!DOCTYPE a SYSTEM "a.dtd"><a>&lt;!ENTITY</a>', false],
    ['<?xml version="1.0"?><a><!ENTITY not in a prolog></a>', false],
    ['PK binary that mentions <!DOCTYPE [<!ENTITY', false],
  ])('%s → %s', (xml, expected) => {
    expect(declaresEntities(utf8(xml))).toBe(expected);
  });
});

describe('inspectBiff', () => {
  it('reads the BIFF version and finds FILEPASS before the globals EOF', () => {
    const bof8 = [0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00, ...new Array(12).fill(0)];
    const filepass = [0x2f, 0x00, 0x02, 0x00, 0x00, 0x00];
    const eof = [0x0a, 0x00, 0x00, 0x00];
    expect(inspectBiff(Uint8Array.from([...bof8, ...eof]))).toEqual({ version: 'BIFF8', filePass: false });
    expect(inspectBiff(Uint8Array.from([...bof8, ...filepass, ...eof]))).toEqual({ version: 'BIFF8', filePass: true });
    expect(inspectBiff(Uint8Array.from([...bof8, ...eof, ...filepass]))).toEqual({ version: 'BIFF8', filePass: false });
    expect(inspectBiff(Uint8Array.from([0x09, 0x08, 0x08, 0x00, 0x00, 0x05, 0x05, 0x00, ...eof]))).toEqual({ version: 'BIFF5', filePass: false });
    expect(inspectBiff(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBeNull();
  });
});

describe('decodeMarkup', () => {
  /** `出库` in GBK. */
  const GBK = [0xb3, 0xf6, 0xbf, 0xe2];
  const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));
  it.each([
    ['meta charset=gbk', bytes('<meta charset="gbk"><td>', GBK), '<meta charset="gbk"><td>出库'],
    ['http-equiv gb2312', bytes('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><td>', GBK), '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><td>出库'],
    ['undeclared GBK', bytes('<td>', GBK), '<td>出库'],
    ['undeclared UTF-8', bytes('<td>出库'), '<td>出库'],
    ['UTF-8 BOM beats a wrong meta', bytes([0xef, 0xbb, 0xbf], '<meta charset="gbk"><td>出库'), '<meta charset="gbk"><td>出库'],
  ])('%s', (_label, input, expected) => {
    expect(decodeMarkup(input)).toBe(expected);
  });
});
