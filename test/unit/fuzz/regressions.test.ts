/** Bugs the fuzzers and the giants found in the ingest code, each named after what broke. */
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInflate } from '../../../src/core/ingest/inflate-check';
import { readFile } from '../../../src/core/ingest/read-file';
import { buildRows } from '../../../src/core/ingest/build';
import { detectTable } from '../../../src/core/ingest/header';
import { loadFiles } from '../../../src/core/audit/load';
import type { Engine } from '../../../src/core/engine';
import type { RawTable } from '../../../src/core/types';
import { mutant, sampleSeeds } from './mutate';
import { loadCodepages } from '../../../src/core/ingest/excel';

// Workbooks are read below: the codepage tables first, as the loader does.
beforeAll(loadCodepages);

describe('an xlsx with a few flipped bits hung SheetJS inflating a damaged deflate stream', () => {
  it('is refused as corrupt at once (fuzz seed 42, input 709)', () => {
    const m = mutant(sampleSeeds('sample-data'), 42, 709);
    const started = performance.now();
    const r = readFile(m.name, m.bytes);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(r).toMatchObject({ ok: false, refusal: { code: 'corrupt' } });
  });

  it('checkInflate walks what zlib writes, at every level, to the exact size and end', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(0, 1, 6, 9), fc.nat(3), (raw, level, repeat) => {
      const data = Buffer.concat(Array.from({ length: repeat + 1 }, () => Buffer.from(raw)));
      const packed = deflateRawSync(data, { level });
      expect(checkInflate(packed, Infinity)).toEqual({ ok: true, size: data.length, consumed: packed.length });
    }), { numRuns: 300 });
  });

  it('checkInflate ends on any damaged stream, and caps the output', () => {
    const packed = deflateRawSync(readFileSync('sample-data/产品出库单_2025Q1.csv'));
    fc.assert(fc.property(fc.nat(packed.length - 1), fc.nat(7), fc.nat(packed.length), (at, bit, cut) => {
      const bad = Uint8Array.from(packed.subarray(0, Math.max(1, cut)));
      if (at < bad.length) bad[at] ^= 1 << bit;
      const r = checkInflate(bad, 1 << 20);
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 500 });
    expect(checkInflate(deflateRawSync(Buffer.alloc(100_000)), 1000)).toMatchObject({ ok: false, reason: 'too-large' });
  });
});

describe('a 10 MB header cell went whole into the report and into every row', () => {
  const huge = 'H'.repeat(1_000_000);

  it('an unrecognised table lists its headers cut short', async () => {
    const engine = { exec: async () => {}, query: async () => [], loadColumns: async () => {}, close: async () => {}, name: 'none' } as Engine;
    const csv = `${huge},b,c\n1,2,3\n`;
    const load = await loadFiles(engine, [{ name: 'x.csv', bytes: new TextEncoder().encode(csv) }]);
    expect(load.tables[0].status).toBe('refused');
    expect(load.tables[0].reason.length).toBeLessThan(500);
    expect(load.tables[0].headers![0]).toHaveLength(101);
  });

  it('an extra column under a huge header is kept under a short key', () => {
    const header = ['出库单号', '日期', '产品名称', '数量', huge];
    const table: RawTable = { file: 'x.csv', sheet: '', encoding: 'utf-8', rows: [header, ['CK1', '2025-03-18', 'p', '1', 'v']] };
    const d = detectTable(table.rows);
    if (!d.ok) throw new Error(d.code);
    const built = buildRows(table, d.type, d.headerRow, d.headers, d.columns, {});
    expect(built.rows.extras[0]!.length).toBeLessThan(200);
    expect(Object.values(JSON.parse(built.rows.extras[0]!))).toEqual(['v']);
  });
});

describe('two extra columns under one header lost the first value', () => {
  it('keeps both, the later one marked with its column letter', () => {
    const header = ['出库单号', '日期', '产品名称', '数量', '备注', '备注', ''];
    const table: RawTable = { file: 'x.xlsx', sheet: 'S', encoding: 'xlsx', rows: [header, ['CK1', '2025-03-18', 'p', '1', 'a', 'b', 'c', 'd']] };
    const d = detectTable(table.rows);
    if (!d.ok) throw new Error(d.code);
    const built = buildRows(table, d.type, d.headerRow, d.headers, d.columns, {});
    expect(JSON.parse(built.rows.extras[0]!)).toEqual({ 备注: 'a', '备注 (F)': 'b', G: 'c', H: 'd' });
  });
});
