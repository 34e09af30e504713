import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/core/ingest/decode';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
/** UTF-16 by hand: each code unit as two bytes. */
function utf16(s: string, order: 'le' | 'be'): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out.push(...(order === 'le' ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]));
  }
  return out;
}
/** `单据号` in GBK (and so in GB18030). */
const GBK_SLIP_NO = [0xb5, 0xa5, 0xbe, 0xdd, 0xba, 0xc5];
/** `数量` in GBK. */
const GBK_QTY = [0xca, 0xfd, 0xc1, 0xbf];

describe('decodeText', () => {
  const ok: [string, Uint8Array, string, string][] = [
    ['ASCII is UTF-8', utf8('a,b\n1,2\n'), 'a,b\n1,2\n', 'utf-8'],
    ['UTF-8 without BOM', utf8('单据号,数量\n'), '单据号,数量\n', 'utf-8'],
    ['UTF-8 BOM is stripped', bytes([0xef, 0xbb, 0xbf], utf8('单据号')), '单据号', 'utf-8-bom'],
    ['only the first BOM is stripped', bytes([0xef, 0xbb, 0xbf], utf8('\ufeffa')), '\ufeffa', 'utf-8-bom'],
    ['GBK', bytes(GBK_SLIP_NO, utf8(','), GBK_QTY, utf8('\r\n')), '单据号,数量\r\n', 'gb18030'],
    ['GB18030 four-byte sequence', bytes([0x81, 0x30, 0x81, 0x30], utf8(',1')), '\u0080,1', 'gb18030'],
    ['UTF-16LE with BOM', bytes([0xff, 0xfe], utf16('单据号\t数量\r\n', 'le')), '单据号\t数量\r\n', 'utf-16le'],
    ['UTF-16BE with BOM', bytes([0xfe, 0xff], utf16('单据号\t数量\r\n', 'be')), '单据号\t数量\r\n', 'utf-16be'],
    ['UTF-16LE without BOM', bytes(utf16('slip_no\tqty\r\nCK1\t5\r\n', 'le')), 'slip_no\tqty\r\nCK1\t5\r\n', 'utf-16le'],
    ['UTF-16BE without BOM', bytes(utf16('单据号,qty\nCK00012,10\n', 'be')), '单据号,qty\nCK00012,10\n', 'utf-16be'],
    ['form feed and DOS end-of-file mark are text', utf8('a,b\f\n1,2\x1a'), 'a,b\f\n1,2\x1a', 'utf-8'],
  ];
  it.each(ok)('%s', (_name, input, text, encoding) => {
    expect(decodeText(input)).toEqual({ ok: true, text, encoding });
  });

  it('decodes Latin-1 as GB18030 mojibake, as documented', () => {
    const r = decodeText(bytes(utf8('M'), [0xfc], utf8('ller,1')));
    expect(r).toMatchObject({ ok: true, encoding: 'gb18030' });
    expect(r.ok && r.text).not.toContain('ü');
  });

  it('really decodes GBK bytes from a table of known characters', () => {
    const r = decodeText(Uint8Array.from(GBK_SLIP_NO));
    expect(r.ok && r.text).toBe('单据号');
  });

  const refused: [string, Uint8Array, string][] = [
    ['zero bytes', new Uint8Array(0), 'empty'],
    ['whitespace only', utf8(' \r\n\t\n'), 'empty'],
    ['ideographic spaces only', utf8('\u3000\u3000\n'), 'empty'],
    ['a UTF-8 BOM and nothing else', bytes([0xef, 0xbb, 0xbf]), 'empty'],
    ['a UTF-16 BOM and blank lines', bytes([0xff, 0xfe], utf16('\r\n\r\n', 'le')), 'empty'],
    ['a NUL byte in a UTF-8 file', utf8('a,b\n1,\u00002\n'), 'not-text'],
    ['a zip archive (an .xlsx renamed .csv)', bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], utf8('[Content_Types].xml')), 'not-text'],
    ['control characters', utf8('a\x01b\x02c\x03d\x04e,f\n'), 'not-text'],
    ['UTF-16 that decodes to control characters', bytes([0xff, 0xfe], utf16('\u0001\u0002\u0003abc', 'le')), 'not-text'],
  ];
  it.each(refused)('refuses %s', (_name, input, code) => {
    expect(decodeText(input)).toEqual({ ok: false, refusal: { code } });
  });

  it('refuses random binary noise', () => {
    let seed = 42;
    const noise = new Uint8Array(4096).map(() => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >> 16) & 0xff;
    });
    expect(decodeText(noise)).toEqual({ ok: false, refusal: { code: 'not-text' } });
  });

  it('keeps invalid UTF-8 from becoming a silent UTF-8 guess', () => {
    // 0xB5 0xA5 is not UTF-8 but is GBK 单.
    expect(decodeText(bytes(utf8('a,'), [0xb5, 0xa5]))).toMatchObject({ ok: true, encoding: 'gb18030', text: 'a,单' });
  });
});
