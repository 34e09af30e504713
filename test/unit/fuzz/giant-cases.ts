/**
 * Hostile and oversized inputs, built in memory (nothing this large is kept in the
 * repository): zip and XML bombs, absurd row and cell shapes. Each is run alone in a
 * child process by giants.test.ts, so its peak memory can be measured.
 */
import { crc32, deflateRawSync } from 'node:zlib';

const MB = 1024 * 1024;

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

interface Part { name: string; data: Buffer | string; claimedSize?: number }

/** A real deflated zip, whose headers may understate an entry's size, as a crafted bomb's do. */
export function deflatedZip(parts: Part[]): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const raw = typeof p.data === 'string' ? Buffer.from(p.data) : p.data;
    const packed = deflateRawSync(raw, { level: 1 });
    const common = [...u16(20), ...u16(0), ...u16(8), ...u16(0), ...u16(0x21), ...u32(crc32(raw)), ...u32(packed.length), ...u32(p.claimedSize ?? raw.length), ...u16(name.length), ...u16(0)];
    const local = Buffer.from([...u32(0x04034b50), ...common]);
    chunks.push(local, name, packed);
    central.push(Buffer.from([...u32(0x02014b50), ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset)]), name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.from([...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(parts.length), ...u16(parts.length), ...u32(cd.length), ...u32(offset), ...u16(0)]);
  return new Uint8Array(Buffer.concat([...chunks, cd, end]));
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A one-sheet xlsx whose cells are shared strings 0..n-1 in column A, with the given sharedStrings part. */
function xlsxWithStrings(sst: Buffer | string, cells: number, claimedSize?: number): Uint8Array {
  const rows = Array.from({ length: cells }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c></row>`).join('');
  return deflatedZip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>' },
    { name: 'xl/workbook.xml', data: `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/_rels/workbook.xml.rels', data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>` },
    { name: 'xl/worksheets/sheet1.xml', data: `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>${rows}</sheetData></worksheet>` },
    { name: 'xl/sharedStrings.xml', data: sst, claimedSize },
  ]);
}

/** `n` bytes of shared strings: 600-character strings told apart by a counter, so they compress about 90×, not 1000×. */
function manyStrings(bytes: number): Buffer {
  const one = Buffer.from(`<si><t>${'A'.repeat(600)}</t></si>`);
  const n = Math.floor(bytes / one.length);
  const out = Buffer.alloc(n * one.length);
  for (let i = 0; i < n; i++) {
    one.copy(out, i * one.length);
    out.write(i.toString(36).padStart(6, '0'), i * one.length + 7);
  }
  return Buffer.concat([Buffer.from(`<?xml version="1.0"?><sst xmlns="${NS}">`), out, Buffer.from('</sst>')]);
}

function oneString(bytes: number): Buffer {
  return Buffer.concat([Buffer.from(`<?xml version="1.0"?><sst xmlns="${NS}"><si><t>`), Buffer.alloc(bytes, 'A'), Buffer.from('</t></si></sst>')]);
}

const LAUGHS = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) =>
  `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`;

const OUTBOUND_HEADER = '出库单号,日期,客户,产品名称,规格,数量,单价,金额,业务员,质检确认,出门证号';

export interface GiantCase {
  /** What the file is, for the test's name. */
  what: string;
  name: string;
  build: () => Uint8Array;
  /** Refusal codes accepted; empty = it must load. */
  refused: string[];
}

const text = (s: string) => new Uint8Array(Buffer.from(s));

export const GIANTS: Record<string, GiantCase> = {
  'zip-bomb': {
    what: 'xlsx: 100 MB of shared strings in a 100 kB zip (ratio 1000)', name: 'bomb.xlsx',
    build: () => xlsxWithStrings(oneString(100 * MB), 1), refused: ['too-large'],
  },
  'zip-bomb-moderate': {
    what: 'xlsx: 120 MB of distinct shared strings at ratio ~90', name: 'bomb2.xlsx',
    build: () => xlsxWithStrings(manyStrings(120 * MB), 3), refused: ['too-large'],
  },
  'zip-bomb-lying': {
    what: 'xlsx: 100 MB of shared strings whose headers claim 1 kB', name: 'bomb3.xlsx',
    build: () => xlsxWithStrings(oneString(100 * MB), 1, 1000), refused: ['no-table', 'corrupt', 'too-large', 'unknown-type'],
  },
  'xml-bomb-xlsx': {
    what: 'xlsx: a billion laughs in the shared strings', name: 'laughs.xlsx',
    build: () => xlsxWithStrings(`<?xml version="1.0"?>${LAUGHS}<sst xmlns="${NS}"><si><t>&lol9;</t></si></sst>`, 1), refused: ['xml-bomb'],
  },
  'xml-bomb-spreadsheetml': {
    what: 'SpreadsheetML .xls: a billion laughs', name: 'laughs.xls',
    build: () => text(`<?xml version="1.0"?>${LAUGHS}<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell><Data ss:Type="String">&lol9;</Data></Cell></Row></Table></Worksheet></Workbook>`),
    refused: ['xml-bomb'],
  },
  'million-columns': {
    what: 'CSV: a row of a million cells', name: 'wide.csv',
    build: () => text(`${OUTBOUND_HEADER}\nCK1,2025-03-18,c,p,s,1,1,1,x,是,${',x'.repeat(1_000_000)}\n`), refused: ['too-large'],
  },
  'ten-mb-cell-csv': {
    what: 'CSV: one 10 MB cell', name: 'cell.csv',
    build: () => text(`${OUTBOUND_HEADER}\nCK1,2025-03-18,c,"${'长'.repeat(10 * MB / 3)}",s,1,1,1,x,是,\n`), refused: ['too-large'],
  },
  'ten-mb-cell-xlsx': {
    what: 'xlsx: one 10 MB shared string', name: 'cell.xlsx',
    build: () => xlsxWithStrings(oneString(10 * MB), 1), refused: ['no-table', 'unknown-type', 'too-large'],
  },
  'only-separators': {
    what: 'CSV: 10 MB of nothing but separators and line breaks', name: 'seps.csv',
    build: () => text(',,,\r\n,\n\r,,,,,\n'.repeat(10 * MB / 16)), refused: ['empty'],
  },
  'mixed-separators': {
    what: 'CSV: 20 MB of commas, semicolons, tabs and line breaks', name: 'seps2.csv',
    build: () => text(',;\t,\r\n;;\t,,\n'.repeat(20 * MB / 12)), refused: ['unknown-type'],
  },
  'fifty-mb-line': {
    what: 'CSV: a 50 MB line with no line break', name: 'line.csv',
    build: () => text('x'.repeat(50 * MB)), refused: ['too-large'],
  },
  'fifty-mb-quote': {
    what: 'CSV: a header, then a quote that never closes for 50 MB', name: 'quote.csv',
    build: () => text(`${OUTBOUND_HEADER}\n"${'x,\n'.repeat(50 * MB / 3)}`), refused: ['too-large'],
  },
};
