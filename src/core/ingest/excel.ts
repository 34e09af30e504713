/**
 * Workbook reading: xlsx, xls (BIFF8 and BIFF5), xlsb, ods, and the "fake
 * .xls" (HTML table or SpreadsheetML 2003) that web systems export. Hostile
 * files are measured and refused before SheetJS allocates for them.
 */
import * as XLSX from '@e965/xlsx';
import type { RawTable, ReadResult, Refusal } from '../types';
import { listZipEntries, sniffFormat, type SniffedFormat, type ZipEntry } from './sniff';
import { checkInflate } from './inflate-check';
import { sheetRows } from './excel-cells';

export { serialToIso } from './excel-cells';

let codepages: Promise<void> | null = null;
let codepagesReady = false;

/**
 * Loads SheetJS's codepage tables, which old workbooks need (BIFF5 stores text in the writer's
 * ANSI codepage: 936 = GBK on Chinese Windows). Half a megabyte that takes ~0.15 s to load, so
 * it is loaded only when a workbook is read: await this before readFile or readWorkbook of one.
 */
export function loadCodepages(): Promise<void> {
  codepages ??= import('@e965/xlsx/dist/cpexcel.full').then((cptable) => {
    XLSX.set_cptable(cptable);
    codepagesReady = true;
  });
  return codepages;
}

/** Entry points SheetJS exports at run time but leaves out of its typings. */
interface SheetJsParsers {
  parse_zip(zip: unknown, opts: XLSX.ParsingOptions): XLSX.WorkBook;
  parse_xlscfb(cfb: unknown, opts: XLSX.ParsingOptions): XLSX.WorkBook;
}
const { parse_zip: parseZip, parse_xlscfb: parseXlsCfb } = XLSX as unknown as SheetJsParsers;

interface CfbEntry { name: string; content?: ArrayLike<number> | null }
interface CfbContainer { FileIndex: CfbEntry[]; FullPaths: string[] }

const LIMITS = {
  totalUncompressedBytes: 512 * 1024 * 1024,
  // Real workbook parts compress 4–15×. A large part packed tighter than this is a bomb:
  // 2.3 MB of zip holding 200 MB of shared strings (ratio 87) kept SheetJS busy 7 s and 1.8 GB.
  entryRatio: 40,
  entryRatioMinBytes: 50 * 1024 * 1024,
  rows: 2_000_000,
  columns: 16_384,
} as const;

const PARSE_OPTIONS: XLSX.ParsingOptions = {
  dense: true,
  cellHTML: false,
  cellFormula: false,
  cellStyles: false,
  cellText: false,
  // Number formats are what tell a date cell from a plain number.
  cellNF: true,
  cellDates: false,
  bookVBA: false,
  // One row past the limit is enough to know a sheet is over it.
  sheetRows: LIMITS.rows + 1,
};

type Failure = { ok: false; refusal: Refusal };

function refuse(code: Refusal['code'], detail?: Refusal['detail']): Failure {
  return { ok: false, refusal: detail ? { code, detail } : { code } };
}

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function failureFromThrow(e: unknown): Failure {
  const message = messageOf(e);
  if (/password|encrypt/i.test(message)) return refuse('password-protected');
  return refuse('corrupt', { message: message.slice(0, 300) });
}

// ---------------------------------------------------------------- cells

function tablesFromWorkbook(wb: XLSX.WorkBook, file: string, encoding: string): ReadResult {
  const date1904 = Boolean(wb.Workbook?.WBProps?.date1904);
  const tables: RawTable[] = [];
  const skippedSheets: { sheet: string; reason: string }[] = [];
  wb.SheetNames.forEach((sheet, i) => {
    const ws = wb.Sheets[sheet] as (XLSX.WorkSheet & { '!data'?: (XLSX.CellObject | undefined)[][]; '!type'?: string }) | undefined;
    const ref = ws?.['!fullref'] ?? ws?.['!ref'];
    if (ws && ref) {
      const range = XLSX.utils.decode_range(ref);
      const rowCount = range.e.r + 1;
      const colCount = range.e.c + 1;
      if (rowCount > LIMITS.rows || colCount > LIMITS.columns) {
        throw new TooLarge({ sheet, rows: rowCount, columns: colCount, maxRows: LIMITS.rows, maxColumns: LIMITS.columns });
      }
    }
    const rows = ws && ws['!type'] !== 'chart' ? sheetRows(ws['!data'], date1904) : [];
    if (rows.length === 0) {
      skippedSheets.push({ sheet, reason: 'empty' });
      return;
    }
    const hidden = (wb.Workbook?.Sheets?.[i]?.Hidden ?? 0) > 0;
    tables.push({ file, sheet, encoding, rows, date1904, hidden });
  });
  if (tables.length === 0) return refuse('no-table', { sheets: skippedSheets.map((s) => s.sheet) });
  return { ok: true, tables, skippedSheets };
}

class TooLarge extends Error {
  constructor(readonly detail: Record<string, string | number>) {
    super('too large');
  }
}

function finish(file: string, encoding: string, parse: () => XLSX.WorkBook): ReadResult {
  let wb: XLSX.WorkBook;
  try {
    wb = parse();
  } catch (e) {
    return failureFromThrow(e);
  }
  try {
    return tablesFromWorkbook(wb, file, encoding);
  } catch (e) {
    if (e instanceof TooLarge) return refuse('too-large', e.detail);
    return failureFromThrow(e);
  }
}

// ---------------------------------------------------------------- zip packages

/** Refuses zip bombs from the sizes the headers claim, before anything is inflated. */
function checkZipSizes(entries: ZipEntry[]): Failure | null {
  let total = 0;
  for (const e of entries) {
    if (e.encrypted) return refuse('password-protected');
    total += e.uncompressedSize;
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize > LIMITS.entryRatioMinBytes && ratio > LIMITS.entryRatio) {
      return refuse('too-large', { entry: e.name, uncompressedBytes: e.uncompressedSize, ratio: Math.round(ratio) });
    }
  }
  if (total > LIMITS.totalUncompressedBytes) {
    return refuse('too-large', { uncompressedBytes: total, maxBytes: LIMITS.totalUncompressedBytes });
  }
  return null;
}

/**
 * Walks every deflated entry where SheetJS will inflate it (the local header the central
 * directory points at, whatever its signature), so that a corrupt stream, on which
 * SheetJS's inflater never returns, is refused instead.
 */
function checkDeflateStreams(bytes: Uint8Array, entries: ZipEntry[]): Failure | null {
  const u16 = (i: number) => bytes[i] | (bytes[i + 1] << 8);
  for (const e of entries) {
    const lh = e.localHeaderOffset;
    if (lh + 30 > bytes.length) return refuse('corrupt', { message: `local header of ${e.name} is outside the file` });
    if (u16(lh + 8) !== 8) continue;
    const start = lh + 30 + u16(lh + 26) + u16(lh + 28);
    const walked = checkInflate(bytes.subarray(Math.min(start, bytes.length)), LIMITS.totalUncompressedBytes);
    if (!walked.ok && walked.reason === 'too-large') {
      return refuse('too-large', { entry: e.name, uncompressedBytes: walked.size, maxBytes: LIMITS.totalUncompressedBytes });
    }
    if (!walked.ok) return refuse('corrupt', { message: `deflate stream of ${e.name} is damaged` });
  }
  return null;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

function matchAt(b: ArrayLike<number>, i: number, word: string): boolean {
  if (i + word.length > b.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(b[i + k]) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * An XML part declares entities in a DOCTYPE before its root element; SheetJS
 * does not expand them, but no spreadsheet writer emits one, so its presence
 * marks a crafted file. Only the prolog is scanned.
 */
export function declaresEntities(b: ArrayLike<number>): boolean {
  const n = b.length;
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (i < n && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  if (b[i] !== 0x3c) return false; // not XML: media, binary records
  while (i < n) {
    if (b[i] !== 0x3c) { i++; continue; }
    const next = b[i + 1];
    if (next === 0x3f) { i += 2; continue; } // <?xml … ?>
    if (next !== 0x21) return false; // the root element: the prolog is over
    if (matchAt(b, i, '<!doctype')) {
      let depth = 0; // inside the `[ … ]` internal subset
      for (let j = i + 9; j < n; j++) {
        const c = b[j];
        if (c === 0x5b) depth++;
        else if (c === 0x5d) depth--;
        else if (c === 0x3c && matchAt(b, j, '<!entity')) return true;
        else if (c === 0x3e && depth <= 0) return false;
      }
      return false;
    }
    i += 2;
  }
  return false;
}

function zipEncoding(format: SniffedFormat, strict: boolean): string {
  if (format === 'xlsb') return 'xlsb';
  if (format === 'ods') return 'ods';
  return strict ? 'xlsx (strict)' : 'xlsx';
}

function readZip(file: string, bytes: Uint8Array, format: SniffedFormat): ReadResult {
  const entries = listZipEntries(bytes);
  if (!entries) return refuse('corrupt', { message: 'zip central directory not found' });
  const sizeRefusal = checkZipSizes(entries);
  if (sizeRefusal) return sizeRefusal;
  if (format === 'zip-other') return refuse('unsupported-format', { format: 'zip' });
  const streamRefusal = checkDeflateStreams(bytes, entries);
  if (streamRefusal) return streamRefusal;

  let zip: CfbContainer;
  try {
    zip = XLSX.CFB.read(bytes, { type: 'buffer' }) as CfbContainer;
  } catch (e) {
    return failureFromThrow(e);
  }
  let strict = false;
  for (let k = 0; k < zip.FileIndex.length; k++) {
    const content = zip.FileIndex[k].content;
    if (!content || content.length === 0) continue;
    if (declaresEntities(content)) return refuse('xml-bomb', { part: (zip.FullPaths[k] ?? zip.FileIndex[k].name).replace(/^Root Entry\//, '') });
    if (/xl\/workbook\.xml$/i.test(zip.FullPaths[k] ?? '')) strict = containsAscii(content, 'purl.oclc.org/ooxml/spreadsheetml/main');
  }
  const encoding = zipEncoding(format, strict);
  const result = finish(file, encoding, () => parseZip(zip, { ...PARSE_OPTIONS }));
  if (!result.ok && result.refusal.code === 'corrupt') {
    if (format === 'xlsb') return refuse('unsupported-format', { format: 'xlsb' });
    if (strict) return refuse('unsupported-format', { format: 'strict-ooxml' });
  }
  return result;
}

function containsAscii(b: ArrayLike<number>, word: string): boolean {
  const n = Math.min(b.length, 65_536);
  for (let i = 0; i < n; i++) if (b[i] === word.charCodeAt(0) && matchAt(b, i, word)) return true;
  return false;
}

// ---------------------------------------------------------------- BIFF in OLE2 containers

interface BiffInfo { version: string; filePass: boolean }

const BIFF_VERSIONS: Record<number, string> = { 0x0009: 'BIFF2', 0x0209: 'BIFF3', 0x0409: 'BIFF4' };

/**
 * Reads the workbook-globals records up to their EOF: the BOF says the BIFF
 * version, a FILEPASS record says the stream is encrypted.
 */
export function inspectBiff(b: ArrayLike<number>): BiffInfo | null {
  if (b.length < 8) return null;
  const bofType = b[0] | (b[1] << 8);
  let version = BIFF_VERSIONS[bofType];
  if (bofType === 0x0809) {
    const v = b[4] | (b[5] << 8);
    version = v === 0x0600 ? 'BIFF8' : v === 0x0500 ? 'BIFF5' : (b[2] | (b[3] << 8)) >= 16 ? 'BIFF8' : 'BIFF5';
  }
  if (!version) return null;
  let i = 0;
  for (let records = 0; i + 4 <= b.length && records < 100_000; records++) {
    const type = b[i] | (b[i + 1] << 8);
    const len = b[i + 2] | (b[i + 3] << 8);
    if (type === 0x002f) return { version, filePass: true };
    if (type === 0x000a) break;
    i += 4 + len;
  }
  return { version, filePass: false };
}

function findStream(cfb: CfbContainer, name: string): CfbEntry | null {
  const wanted = name.toLowerCase();
  for (let k = 0; k < cfb.FileIndex.length; k++) {
    if (cfb.FileIndex[k].name.toLowerCase() === wanted) return cfb.FileIndex[k];
  }
  return null;
}

function readCfb(file: string, bytes: Uint8Array): ReadResult {
  let cfb: CfbContainer;
  try {
    cfb = XLSX.CFB.read(bytes, { type: 'buffer' }) as CfbContainer;
  } catch (e) {
    return failureFromThrow(e);
  }
  if (findStream(cfb, 'EncryptionInfo') || findStream(cfb, 'EncryptedPackage') || findStream(cfb, 'encryption')) {
    return refuse('password-protected');
  }
  const ext = extensionOf(file);
  const stream = findStream(cfb, 'Workbook') ?? findStream(cfb, 'Book');
  const info = stream?.content ? inspectBiff(stream.content) : null;
  if (!info) return refuse('unsupported-format', { format: ext === 'et' ? 'et' : 'cfb' });
  if (info.filePass) return refuse('password-protected');
  const encoding = `${ext === 'et' ? 'et' : 'xls'} (${info.version})`;
  const result = finish(file, encoding, () => parseXlsCfb(cfb, { ...PARSE_OPTIONS }));
  if (!result.ok && result.refusal.code === 'corrupt' && ext === 'et') return refuse('unsupported-format', { format: 'et' });
  return result;
}

function readBareBiff(file: string, bytes: Uint8Array): ReadResult {
  const info = inspectBiff(bytes);
  if (!info) return refuse('corrupt', { message: 'no BIFF BOF record' });
  if (info.filePass) return refuse('password-protected');
  return finish(file, `xls (${info.version})`, () => XLSX.read(bytes, { ...PARSE_OPTIONS, type: 'array' }));
}

// ---------------------------------------------------------------- markup ("fake .xls")

function labelDecoder(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label.toLowerCase() === 'gb2312' || label.toLowerCase() === 'gbk' ? 'gb18030' : label);
  } catch {
    return null;
  }
}

/**
 * Markup text with its declared or detected encoding: BOM, then a `<meta
 * charset>` or XML `encoding=`, then strict UTF-8, then GB18030 (what Chinese
 * web systems write when they declare nothing).
 */
export function decodeMarkup(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const declared = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1];
  const decoder = declared ? labelDecoder(declared) : null;
  if (decoder) return decoder.decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readMarkup(file: string, bytes: Uint8Array, format: 'html' | 'spreadsheetml' | 'ods'): ReadResult {
  const text = decodeMarkup(bytes);
  if (format !== 'html') {
    const root = text.search(/<[A-Za-z]/);
    const prolog = root < 0 ? text : text.slice(0, root);
    if (/<!DOCTYPE[\s\S]*<!ENTITY/i.test(prolog)) return refuse('xml-bomb');
  }
  // HTML cells are text as the page shows it: `raw` keeps `00123` and `2025-03-18` from being guessed into numbers.
  const options: XLSX.ParsingOptions = { ...PARSE_OPTIONS, type: 'string', raw: format === 'html' };
  return finish(file, format === 'ods' ? 'fods' : format, () => XLSX.read(text, options));
}

// ---------------------------------------------------------------- entry point

/**
 * Reads every sheet of a workbook into raw cell grids, refusing encrypted,
 * oversized and crafted files with a stable code instead of crashing or
 * exhausting memory.
 */
export function readWorkbook(name: string, bytes: Uint8Array): ReadResult {
  if (!codepagesReady) throw new Error('readWorkbook: await loadCodepages() first');
  const file = baseName(name);
  const format = sniffFormat(name, bytes);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  switch (format) {
    case 'xlsx': case 'xlsb': case 'zip-other':
      return readZip(file, bytes, format);
    case 'ods':
      return isZip ? readZip(file, bytes, format) : readMarkup(file, bytes, format);
    case 'cfb':
      return readCfb(file, bytes);
    case 'biff':
      return readBareBiff(file, bytes);
    case 'html': case 'spreadsheetml':
      return readMarkup(file, bytes, format);
    case 'empty':
      return refuse('empty');
    case 'text': case 'binary':
      return refuse('unsupported-format', { format });
  }
}
