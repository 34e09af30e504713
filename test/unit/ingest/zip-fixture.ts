/**
 * A minimal zip writer for hostile test files: stored entries whose headers
 * may claim any size, which no real zip library would write.
 */

export interface FakeEntry {
  name: string;
  data: Uint8Array | string;
  /** Uncompressed size the headers claim; defaults to the real one. */
  claimedSize?: number;
  encrypted?: boolean;
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function makeZip(entries: FakeEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [];
  const central: number[] = [];
  for (const e of entries) {
    const name = enc.encode(e.name);
    const data = typeof e.data === 'string' ? enc.encode(e.data) : e.data;
    const claimed = e.claimedSize ?? data.length;
    const flags = e.encrypted ? 1 : 0;
    const offset = out.length;
    const common = [...u16(20), ...u16(flags), ...u16(0), ...u16(0), ...u16(0x21), ...u32(0), ...u32(data.length), ...u32(claimed), ...u16(name.length), ...u16(0)];
    out.push(...u32(0x04034b50), ...common, ...name, ...data);
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...name);
  }
  const cdOffset = out.length;
  out.push(...central);
  out.push(...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(entries.length), ...u16(entries.length), ...u32(central.length), ...u32(cdOffset), ...u16(0));
  return Uint8Array.from(out);
}

export const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
export const WORKBOOK_XML = '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>';
