/**
 * The byte pre-pass must decide exactly what the text pre-pass decides on the decoded text:
 * the same records (at the matching offsets), the same status for each, the same tally; and it
 * must call bytes UTF-8 exactly when TextDecoder's fatal mode does.
 */
import { describe, expect, test } from 'vitest';
import { newTally, scanRecords, type Piece } from '../../../src/core/ingest/fast-text-scan';
import { inMemory, NOT_UTF8, scanUtf8Ranges, scanUtf8Records } from '../../../src/core/ingest/fast-utf8-scan';
import { mulberry32 as rng } from '../../../scripts/lib/prng';

const enc = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Pieces of text the records are made of: every case the scanners tell apart. */
const TOKENS = [
  'CK1', '2025-01-02', '泵', '甲公司', ' ', '  ', ',', ',', ',', ';', '\t', '"', '""', '"a,b"', '"引""号"', '"多\n行"', '\n', '\n', '\r\n', '\r',
  '合计', ' 合计 ', '总计:', 'Total', 'TOTAL', 'ｔｏｔａｌ', 'ＴＯＴＡＬ', '计', 'tea', '\u3000', '\u00a0', '\u2007', '\u202f', '\ufeff', 'İ', '\u212a',
  '\u0001', '\u001f', '😀', '𠀀', 'é', 'Ω', '\u0800', '\uffff', '\u07ff', '1,234.50', '"x"y',
];

/** Byte sequences that are not UTF-8, or are on its edges. */
const BYTES = [
  [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xed, 0xa0, 0x80], [0xed, 0x9f, 0xbf],
  [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x90, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf5, 0x80, 0x80, 0x80], [0xff],
  [0xe8, 0xae], [0xe8, 0x22, 0xa1], [0xc2, 0x2c],
];

function randomBytes(next: () => number, invalid: boolean): Uint8Array {
  const parts: number[] = [];
  const n = 1 + Math.floor(next() * 60);
  for (let k = 0; k < n; k++) {
    if (invalid && next() < 0.03) parts.push(...BYTES[Math.floor(next() * BYTES.length)]);
    else parts.push(...enc.encode(TOKENS[Math.floor(next() * TOKENS.length)]));
  }
  return new Uint8Array(parts);
}

/** What a piece decided, with each record as its text, for comparing the two scanners. */
function decided(piece: Piece, text: (from: number, to: number) => string) {
  const records = [];
  for (let k = 0; k < piece.count; k++) records.push([text(piece.starts[k], piece.ends[k]), piece.status[k]]);
  return { first: piece.first, count: piece.count, records };
}

function check(bytes: Uint8Array, delimiter: string, headerRow: number, width: number): 'utf8' | 'not' {
  let text: string | null = null;
  try {
    text = strict.decode(bytes);
  } catch {
    text = null;
  }
  const byteTally = newTally();
  const byBytes = scanUtf8Records(bytes, delimiter, headerRow, width, byteTally);
  if (text === null) {
    expect(byBytes).toBe(NOT_UTF8);
    return 'not';
  }
  const textTally = newTally();
  const byText = scanRecords(text, delimiter, headerRow, width, textTally, true, true);
  expect(byBytes).not.toBe(NOT_UTF8);
  expect(byText).not.toBeNull();
  const b = byBytes as Piece;
  const t = byText as Piece;
  expect(decided(b, (from, to) => strict.decode(bytes.subarray(from, to)))).toEqual(decided(t, (from, to) => text.slice(from, to)));
  expect(byteTally).toEqual(textTally);
  expect(b.consumed).toBe(bytes.length);
  return 'utf8';
}

describe('byte pre-pass = text pre-pass on the decoded text', () => {
  test('20,000 random texts of every awkward piece, three delimiters, header rows and widths', () => {
    const next = rng(20261126);
    for (let k = 0; k < 20_000; k++) {
      const delimiter = [',', ';', '\t'][k % 3];
      expect(check(randomBytes(next, false), delimiter, k % 4, 1 + (k % 7))).toBe('utf8');
    }
  });

  test('bytes that are not UTF-8 are named so, wherever they are (cells, quotes, after a quote, an unclosed quote)', () => {
    const next = rng(7);
    let not = 0;
    for (let k = 0; k < 20_000; k++) if (check(randomBytes(next, true), ',', k % 3, 4) === 'not') not++;
    expect(not).toBeGreaterThan(5_000);
    for (const bad of BYTES) {
      for (const wrap of [(x: number[]) => x, (x: number[]) => [0x22, ...x, 0x22], (x: number[]) => [0x22, 0x61, 0x22, ...x], (x: number[]) => [0x22, ...x]]) {
        check(new Uint8Array([...enc.encode('a,b\n'), ...wrap(bad), ...enc.encode(',c\n')]), ',', 0, 3);
      }
    }
  });

  test('every awkward character sends its record to the builder, in plain and quoted cells', () => {
    for (const ch of ['\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0130', '\u212a']) {
      for (const cell of [`a${ch}`, `"${ch}b"`]) {
        const tally = newTally();
        const piece = scanUtf8Records(enc.encode(`h1,h2\nx,${cell}\n`), ',', 0, 2, tally) as Piece;
        expect(tally.js, JSON.stringify(ch)).toEqual([1]);
        expect(piece.status[1]).toBe(1);
      }
    }
  });

  test('a cell longer than the row parser takes gives up, counted in bytes', () => {
    const long = enc.encode(`h\n"${'甲'.repeat(400_000)}"\n`);
    expect(scanUtf8Records(long, ',', 0, 1, newTally())).toBeNull();
  });
});

describe('byte pre-pass over a file read in windows = over the whole file', () => {
  test('8,000 random files (some not UTF-8), windows of 1 byte to the whole file', async () => {
    const next = rng(20261127);
    const seen = new Set<string>();
    for (let k = 0; k < 8_000; k++) {
      const delimiter = [',', ';', '\t'][k % 3];
      const bytes = new Uint8Array([...randomBytes(next, k % 5 === 0), ...randomBytes(next, false), ...randomBytes(next, false)]);
      const window = 1 + Math.floor(next() * (bytes.length + 2));
      const wholeTally = newTally();
      const whole = scanUtf8Records(bytes, delimiter, k % 4, 1 + (k % 7), wholeTally);
      const rangedTally = newTally();
      const ranged = await scanUtf8Ranges(inMemory(bytes), delimiter, k % 4, 1 + (k % 7), rangedTally, window);
      if (whole === NOT_UTF8 || whole === null) {
        expect(ranged).toBe(whole);
        seen.add(String(whole));
        continue;
      }
      expect(ranged).not.toBe(NOT_UTF8);
      const text = (from: number, to: number) => Array.from(bytes.subarray(from, to)).join(' ');
      expect(decided(ranged as Piece, text)).toEqual(decided(whole, text));
      expect(rangedTally).toEqual(wholeTally);
      expect((ranged as Piece).consumed).toBe(bytes.length);
      seen.add('piece');
    }
    expect([...seen].sort()).toEqual(['not-utf8', 'piece']);
  });

  test('a NUL byte anywhere is named, as textLayout names it in the whole file', async () => {
    const bytes = enc.encode('a,b\n1,2\n3,\u0000\n');
    expect(await scanUtf8Ranges(inMemory(bytes), ',', 0, 2, newTally(), 4)).toBe('nul');
  });
});
