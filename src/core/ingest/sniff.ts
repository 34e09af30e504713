/**
 * Format sniffing by content. Users rename files freely and Chinese web systems
 * save HTML or XML as `.xls`, so magic bytes decide and the extension only
 * breaks ties.
 */

export type SniffedFormat =
  | 'text' | 'xlsx' | 'xlsb' | 'ods' | 'zip-other' | 'cfb' | 'biff'
  | 'html' | 'spreadsheetml' | 'binary' | 'empty';

/** One entry of a zip central directory, with the sizes its headers claim. */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** General-purpose flag bit 0: the entry is encrypted. */
  encrypted: boolean;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const ZIP64_EOCD_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
/** The end record sits in the last 22 bytes plus a comment of at most 65,535. */
const EOCD_SEARCH = 22 + 0xffff;
/** More entries than any real workbook has; a bound on the work done for a hostile directory. */
const MAX_ZIP_ENTRIES = 100_000;

function u16(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** 64-bit little-endian as a double; exact up to 2^53, which is all a size check needs. */
function u64(b: Uint8Array, i: number): number {
  return u32(b, i) + u32(b, i + 4) * 2 ** 32;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Reads ZIP64 sizes from an extra field, in the order the spec lists them. */
function zip64Sizes(b: Uint8Array, start: number, end: number, entry: ZipEntry): void {
  let i = start;
  while (i + 4 <= end) {
    const id = u16(b, i);
    const len = u16(b, i + 2);
    if (id === 0x0001) {
      let j = i + 4;
      if (entry.uncompressedSize === 0xffffffff && j + 8 <= end) { entry.uncompressedSize = u64(b, j); j += 8; }
      if (entry.compressedSize === 0xffffffff && j + 8 <= end) { entry.compressedSize = u64(b, j); j += 8; }
      if (entry.localHeaderOffset === 0xffffffff && j + 8 <= end) entry.localHeaderOffset = u64(b, j);
      return;
    }
    i += 4 + len;
  }
}

/**
 * Lists a zip's entries from its central directory without inflating anything,
 * so a zip bomb can be measured before any parser allocates for it. Also reads
 * each local header's uncompressed size, because SheetJS trusts that one.
 * Returns null when the bytes hold no readable central directory.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const n = bytes.length;
  if (n < 22) return null;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - EOCD_SEARCH); i--) {
    if (u32(bytes, i) === EOCD_SIG) { eocd = i; break; }
  }
  if (eocd < 0) return null;
  let count = u16(bytes, eocd + 10);
  let cdOffset = u32(bytes, eocd + 16);
  const loc = eocd - 20;
  if (loc >= 0 && u32(bytes, loc) === ZIP64_EOCD_LOCATOR_SIG) {
    const z64 = u64(bytes, loc + 8);
    if (z64 + 56 <= n && u32(bytes, z64) === ZIP64_EOCD_SIG) {
      count = u64(bytes, z64 + 32);
      cdOffset = u64(bytes, z64 + 48);
    }
  }
  if (count > MAX_ZIP_ENTRIES) return null;
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > n || u32(bytes, p) !== CD_SIG) return null;
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen > n) return null;
    const entry: ZipEntry = {
      name: latin1(bytes, p + 46, nameEnd),
      compressedSize: u32(bytes, p + 20),
      uncompressedSize: u32(bytes, p + 24),
      encrypted: (u16(bytes, p + 8) & 1) === 1,
      localHeaderOffset: u32(bytes, p + 42),
    };
    zip64Sizes(bytes, nameEnd, nameEnd + extraLen, entry);
    const lh = entry.localHeaderOffset;
    if (lh + 30 <= n && u32(bytes, lh) === LOCAL_SIG) {
      const local: ZipEntry = { ...entry, compressedSize: u32(bytes, lh + 18), uncompressedSize: u32(bytes, lh + 22) };
      const lNameLen = u16(bytes, lh + 26);
      const lExtraStart = lh + 30 + lNameLen;
      zip64Sizes(bytes, lExtraStart, Math.min(n, lExtraStart + u16(bytes, lh + 28)), local);
      entry.uncompressedSize = Math.max(entry.uncompressedSize, local.uncompressedSize);
    }
    entries.push(entry);
    p = nameEnd + extraLen + commentLen;
  }
  return entries;
}

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * A bare BIFF stream (Excel 2–5 saved without the OLE container): a BOF record
 * (0x0009, 0x0209, 0x0409 or 0x0809) with the length its version uses.
 */
function isBareBiff(b: Uint8Array): boolean {
  if (b.length < 8 || b[0] !== 0x09 || b[1] > 0x08 || (b[1] & 0xf1) !== 0) return false;
  const len = u16(b, 2);
  return len >= 4 && len <= 20;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The first few kilobytes as text, honouring a UTF-16 BOM, for markup sniffing. */
function headText(b: Uint8Array): string {
  const head = b.subarray(0, 8192);
  if (startsWith(head, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(head.subarray(2));
  if (startsWith(head, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(head.subarray(2));
  // Latin-1 keeps every byte one char, so ASCII markup is found in any ASCII-compatible encoding.
  return latin1(head, startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0, head.length);
}

function sniffMarkup(text: string, ext: string): SniffedFormat | null {
  const t = text.replace(/^[\s\u0000]+/, '').slice(0, 8192).toLowerCase();
  if (!t.startsWith('<')) return null;
  if (t.startsWith('<?xml') || t.startsWith('<?mso-application')) {
    if (t.includes('urn:schemas-microsoft-com:office:spreadsheet')) return 'spreadsheetml';
    if (t.includes('urn:oasis:names:tc:opendocument:xmlns:office')) return 'ods';
    if (/<html[\s>]/.test(t)) return 'html';
    return null;
  }
  if (/^<(!doctype\s+html|html|table|head|body|meta|style|title)[\s>/]/.test(t)) return 'html';
  // A comment or unknown tag first: markup all the same when the name says a spreadsheet or a page.
  if (/<table[\s>]/.test(t) && ['xls', 'htm', 'html', 'et'].includes(ext)) return 'html';
  return null;
}

/**
 * NULs (other than UTF-16's, all on one byte parity) or many control bytes
 * mean this is no text file.
 */
function looksBinary(b: Uint8Array): boolean {
  if (startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff])) return false;
  const n = Math.min(b.length, 65536);
  const nuls = [0, 0];
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) nuls[i & 1]++;
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1a && c !== 0x1b) control++;
  }
  if (nuls[0] > 0 && nuls[1] > 0) return true;
  if (nuls[0] + nuls[1] > 0) return false; // BOM-less UTF-16: the text reader tells which order
  return control > n / 100;
}

function sniffZip(bytes: Uint8Array, ext: string): SniffedFormat {
  const entries = listZipEntries(bytes);
  if (!entries) return ext === 'xlsb' ? 'xlsb' : ext === 'ods' ? 'ods' : ext === 'xlsx' || ext === 'xlsm' ? 'xlsx' : 'zip-other';
  const names = new Set(entries.map((e) => e.name.replace(/^\//, '').toLowerCase()));
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('xl/workbook.bin')) return 'xlsb';
  if (names.has('content.xml')) return 'ods';
  // A workbook part under another name: let the extension say which kind.
  if ([...names].some((n) => n.startsWith('xl/'))) return ext === 'xlsb' ? 'xlsb' : 'xlsx';
  return 'zip-other';
}

/**
 * Says what a file is from its bytes, so the right reader gets it whatever its
 * name claims.
 */
export function sniffFormat(name: string, bytes: Uint8Array): SniffedFormat {
  if (bytes.length === 0) return 'empty';
  const ext = extensionOf(name);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(bytes, ext);
  if (startsWith(bytes, CFB_MAGIC)) return 'cfb';
  if (isBareBiff(bytes)) return 'biff';
  const markup = sniffMarkup(headText(bytes), ext);
  if (markup) return markup;
  return looksBinary(bytes) ? 'binary' : 'text';
}
