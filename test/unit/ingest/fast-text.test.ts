/**
 * The bulk text path must give exactly what the row-by-row path gives: the same typed
 * rows (EXCEPT ALL both ways, provenance and extras included), the same rejects in the
 * same order, the same per-table counts. Checked on every text file of the sample data
 * and the fixtures, on generated benchmark data, and on awkward hand-made files.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine';
import { INPUT_HEAD_BYTES, type InputFile, type LoadOptions, type LoadReport } from '../../../src/core/audit/types';
import { loadFiles } from '../../../src/core/audit/load';
import { SLIP_TYPES } from '../../../src/core/schema/slip-types';
import { inPassWorker } from '../../../src/ui/file-pass';
import type { ByteRanges } from '../../../src/core/ingest/fast-utf8-scan';
import { ident } from '../../../src/core/sql/sql';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import { createWasmNodeEngine } from '../../../src/engine/duckdb-wasm-node';
import { tempDir } from '../../temp-dir';

const TEXT = /\.(csv|tsv|txt)$/i;

function filesIn(dir: string): InputFile[] {
  return readdirSync(dir).filter((f) => TEXT.test(f)).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

/**
 * The bytes of `ranges`, decoded from `label` a window at a time and encoded as UTF-8 into
 * `store` (what a platform without the browser's Blob-making worker would do): exactly the
 * text one decode of the whole gives (a streaming decoder gives the same).
 */
async function transcodeInto<S>(ranges: ByteRanges, store: { add(bytes: Uint8Array): void; done(): S }, label: string, window: number): Promise<S> {
  const decoder = new TextDecoder(label, { ignoreBOM: true });
  const encoder = new TextEncoder();
  const step = Math.min(window, ranges.size || 1);
  for (let at = 0; at < ranges.size; at += step) {
    const to = Math.min(ranges.size, at + step);
    store.add(encoder.encode(decoder.decode(await ranges.read(at, to), { stream: to < ranges.size })));
  }
  return store.done();
}

/** The same engine without the bulk text method: the row-by-row path. */
function rowByRow(engine: Engine): Engine {
  return { name: engine.name, loadColumns: (n, c, d) => engine.loadColumns(n, c, d), exec: (s) => engine.exec(s), query: (s) => engine.query(s), close: () => engine.close() };
}

interface Compared { fast: LoadReport; slow: LoadReport; loaded: number; streamed: number }

/** Loads `files` both ways into one engine and compares the typed tables there. */
async function compare(
  engine: Engine, files: InputFile[], dateOrder?: 'dmy', textStreaming?: LoadOptions['textStreaming'], textPartBytes?: number,
): Promise<Compared> {
  for (const t of SLIP_TYPES) {
    await engine.exec(`DROP TABLE IF EXISTS ${ident(t.id)}`);
    await engine.exec(`DROP TABLE IF EXISTS ${ident(`slow_${t.id}`)}`);
  }
  const slow = await loadFiles(rowByRow(engine), files, { dateOrder });
  const present = [];
  for (const t of SLIP_TYPES) {
    const exists = await engine.query(`SELECT 1 FROM information_schema.tables WHERE table_name = '${t.id}'`);
    if (exists.length) {
      await engine.exec(`ALTER TABLE ${ident(t.id)} RENAME TO ${ident(`slow_${t.id}`)}`);
      present.push(t.id);
    }
  }
  let streamed = 0;
  const counted: Engine = { ...engine, registerTextChunks: async (chunks) => { streamed++; return engine.registerTextChunks!(chunks); } };
  const fast = await loadFiles(counted, files, { dateOrder, textStreaming, textPartBytes });
  let loaded = 0;
  for (const id of present) {
    const diff = await engine.query<{ n: number }>(`SELECT (SELECT count(*) FROM (SELECT * FROM ${ident(id)} EXCEPT ALL SELECT * FROM ${ident(`slow_${id}`)}))::INTEGER
      + (SELECT count(*) FROM (SELECT * FROM ${ident(`slow_${id}`)} EXCEPT ALL SELECT * FROM ${ident(id)}))::INTEGER AS n`);
    expect(Number(diff[0].n), `typed table ${id}`).toBe(0);
    const order = await engine.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ident(id)}`);
    loaded += Number(order[0].n);
  }
  expect(fast.rejects).toEqual(slow.rejects);
  expect(fast.tables).toEqual(slow.tables);
  return { fast, slow, loaded, streamed };
}

/** An engine that records whether the bulk path was taken. */
function counting(engine: Engine): { engine: Engine; used: () => number } {
  let used = 0;
  const registerText = engine.registerText!.bind(engine);
  return {
    engine: { ...rowByRow(engine), registerText: async (text: string) => { used++; return registerText(text); } },
    used: () => used,
  };
}

const enc = (s: string) => new TextEncoder().encode(s);
const HEADER = '出库单号,出库日期,客户名称,产品编码,产品名称,数量,单价,金额,销售类型,业务员,质检确认,出门证号,收款日期,备注';

/** Hand-made files for each awkward case of SLIPS §1, §2 and §4. */
const AWKWARD: InputFile[] = [
  { name: 'title-rows.csv', bytes: enc(`产品出库单列表\n导出日期：2025-04-02,,\n${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,10.50,31.5,销售,张三,是,CM1,,\nCK2,2025/1/3,乙,P2,阀,"1,234.50",¥2.5,-,售后,李四,否,,2025.1.9,x\n合计,,,,,,,31.5,,,,,,\n`) },
  { name: 'quoted-newline.csv', bytes: enc(`${HEADER}\nCK1,2025-01-02,"甲\n公司",P1,泵,3,1,3,销售,张三,√,,,\nCK2,2025-01-02,乙,P1,泵,3,1,3,销售,张三,√,,,"多\r\n行"\n`) },
  { name: 'cr-only.csv', bytes: enc(`${HEADER}\rCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,Y,,,\r\rCK2,2025-01-02,乙,P1,泵,3,1,3,销售,张三,N,,,\r`) },
  { name: 'crlf-bom.csv', bytes: enc(`\uFEFF${HEADER}\r\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,Y,,,\r\n,,,,\r\n  ,\r\nCK3,20250105,甲,P1,泵,3,1,3,sales,张三,yes,,,\r\n`) },
  { name: 'sep-line.csv', bytes: enc(`sep=;\n${HEADER.replaceAll(',', ';')}\nCK1;2025-01-02;甲;P1;泵;3;1,5;3;销售;张三;是;;;\n`) },
  { name: 'ragged.csv', bytes: enc(`${HEADER}\nCK1,2025-01-02,甲,P1,泵,3\nCK2,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,,,,\nCK3,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,,溢出\nCK4,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,备注,\n`) },
  { name: 'no-trailing-newline.csv', bytes: enc(`${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,`) },
  { name: 'bad-values.csv', bytes: enc(`${HEADER}\nCK1,2025-02-30,甲,P1,泵,3,1,3,销售,张三,是,,,\nCK2,2025-01-02,甲,P1,泵,abc,1,3,销售,张三,是,,2025-13-01,\n,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\nCK4,03/04/2025,甲,P1,泵,3,1,3,销售,张三,也许,,,\nCK5,2025-01-02,甲,P1,泵,(100),RMB 5,12e2,销售,张三,是,,,\nCK6,2025-01-02,甲,P1,泵,１２３,￥5,1 000,销售,Ｎ／Ａ,是,,,\n`) },
  { name: 'awkward-space.csv', bytes: enc(`${HEADER}\nCK1 , 2025-01-02 ,\u3000甲\u3000,P1,泵, 3 ,1,3,销售,\u00a0张三,是,,,\t\nCK2,2025-01-02,合　计,P1,泵,3,1,3,销售,张三,是,,,\n 合计 :,,,\nＴＯＴＡＬ,,\nCK3,2025-01-02,"引""号""",P1,"泵"x,3,1,3,销售,张三,是,,,"a\\b"\nCK4,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,İ\u212a\n`) },
  // Spaces alone, which SQL trims as the builder does: padded cells in clean records, in some columns and not others.
  { name: 'padded.csv', bytes: enc(`${HEADER}\nCK1 ,2025-01-02, 甲 ,P1,泵,3,1,3,销售,张三,是,,,\nCK2,2025-01-02,"  乙",P1,泵 ,3,1,3,销售, 张三,是,   ,,\nCK3,2025-01-02,丙,P1,泵,3,1,3,销售,张三,是,,,"备注 "\n  CK4,2025-01-02,丁,P1,泵,3,1,3,销售,张三,是,,, \n`) },
  { name: 'unclosed-quote.csv', bytes: enc(`${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\nCK2,2025-01-02,"甲,P1,泵,3,1,3\nCK3,x\n`) },
  { name: 'numeric-headers.csv', bytes: enc(`${HEADER},2025,1,备注,\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,a,b,c,d,\nCK2,2025-01-02,甲,P1,泵,0003.10,-0,"1,234,567.123456",销售,张三,是,,,,,,"q""",\n`) },
  { name: 'exit.tsv', bytes: enc('出门证号\t开具日期\t关联单号\t开具人\t门卫\t出门时间\nCM1\t2025-01-01\tCK1\t杨帆\t-\t2025-01-01 14:27\nCM2\t2025-01-01\tCK2\t无\tN/A\t2025-01-01 24:00\nCM3\t2025-01-01\tCK3\t杨帆\t韩冰\t2025/1/1 9:05:03.9\nCM4\t2025-01-01\tCK4\t杨帆\t韩冰\t2025-01-01T09:05\n') },
];

/**
 * A file whose records and quoted cells straddle every small piece boundary: multi-line quoted
 * cells (LF and CRLF inside), CRLF line ends, doubled quotes, Chinese text, blank and totals
 * rows, rows for the builder, and a long record.
 */
function straddling(): InputFile {
  const lines = [HEADER];
  for (let i = 0; i < 400; i++) {
    const note = i % 7 === 0 ? `"第${i}行\r\n备注""引""\n结束"` : i % 11 === 0 ? '"a,b"' : '';
    const qty = i % 13 === 0 ? 'abc' : i % 5 === 0 ? '"1,234.50"' : String(i);
    const date = i % 17 === 0 ? '2025/2/30' : `2025-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(`CK${i},${date},客户${i % 9},P${i % 4},泵,${qty},1,3,销售,张三,是,,,${note}`);
    if (i % 50 === 0) lines.push(',,,,');
    if (i % 97 === 0) lines.push(`合计,,,,,,,${i},,,,,,`);
    if (i === 200) lines.push(`CK-long,2025-01-02,${'长'.repeat(9000)},P1,泵,3,1,3,销售,张三,是,,,`);
  }
  return { name: 'straddling.csv', bytes: enc(lines.join('\r\n') + '\r\n') };
}

let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await createNodeEngine();
  dir = tempDir('fast-text-');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-data.ts', '--rows', '10000', '--out', dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
}, 180_000);

afterAll(async () => { await engine.close(); });

describe('bulk text path gives the row-by-row answers (native)', () => {
  test('sample data', async () => {
    const { loaded } = await compare(engine, filesIn('sample-data'));
    expect(loaded).toBeGreaterThan(100);
  }, 60_000);

  test('text fixtures', async () => {
    await compare(engine, filesIn('test/fixtures/text'));
  }, 60_000);

  test('benchmark data, 10k outbound lines, UTF-8 and GBK', async () => {
    const files = filesIn(dir);
    const { loaded } = await compare(engine, files.filter((f) => f.name !== 'outbound-gbk.csv'));
    expect(loaded).toBeGreaterThan(15_000);
    await compare(engine, files.filter((f) => f.name === 'outbound-gbk.csv'));
  }, 120_000);

  test.each(AWKWARD.map((f) => [f.name, f] as const))('%s', async (_name, file) => {
    await compare(engine, [file]);
    await compare(engine, [file], 'dmy');
  }, 30_000);

  test('the files compared above take the bulk path (workbooks and unrecognised files do not)', async () => {
    const c = counting(engine);
    const text = [...filesIn('sample-data'), ...AWKWARD, ...filesIn(dir)];
    const report = await loadFiles(c.engine, [...text, ...filesIn('test/fixtures/text'),
      { name: 'outbound.xlsx', bytes: new Uint8Array(readFileSync('test/fixtures/excel/outbound.xlsx')) }]);
    expect(c.used()).toBe(text.length + 1);
    expect(report.tables.filter((t) => t.status === 'loaded').length).toBe(text.length + 2);
  }, 60_000);
});

describe('what DuckDB is handed', () => {
  test('a UTF-8 file without BOM or sep= line as its own bytes, any other text encoded again', async () => {
    const calls: string[] = [];
    const spy: Engine = {
      ...engine,
      registerText: async (text) => { calls.push('text'); return engine.registerText!(text); },
      registerBytes: async (bytes) => { calls.push('bytes'); return engine.registerBytes!(bytes); },
    };
    const pick = (name: string) => AWKWARD.find((f) => f.name === name)!;
    for (const [file, want] of [
      [pick('no-trailing-newline.csv'), 'bytes'], [pick('crlf-bom.csv'), 'text'], [pick('sep-line.csv'), 'text'],
      [filesIn(dir).find((f) => f.name === 'outbound-gbk.csv')!, 'text'],
    ] as const) {
      calls.length = 0;
      await compare(spy, [file]);
      expect(calls, file.name).toEqual([want]);
    }
  }, 60_000);
});

describe('bulk text path in small parts gives the same answers (native)', () => {
  test('the awkward files in parts of 100 bytes; sample data, text fixtures and the straddling file in parts of 4,096', async () => {
    await compare(engine, AWKWARD, undefined, undefined, 100);
    await compare(engine, [...filesIn('sample-data'), ...filesIn('test/fixtures/text'), straddling()], undefined, undefined, 4096);
  }, 120_000);

  test('benchmark data, UTF-8 and GBK, in parts of 64 kB', async () => {
    const { loaded } = await compare(engine, filesIn(dir), undefined, undefined, 65_536);
    expect(loaded).toBeGreaterThan(15_000);
  }, 120_000);

  test('each part is its own range of the file (and DuckDB reads one part at a time)', async () => {
    const ranges: number[] = [];
    const spy: Engine = {
      ...engine,
      registerBytes: async (bytes, keep) => { ranges.push(bytes.length); return engine.registerBytes!(bytes, keep); },
    };
    const file = filesIn(dir).find((f) => f.name === 'outbound.csv')!;
    await compare(spy, [file], undefined, undefined, 256 * 1024);
    expect(ranges.length).toBeGreaterThan(3);
    expect(Math.max(...ranges)).toBeLessThan(256 * 1024 + 1024);
    expect(ranges.reduce((a, b) => a + b, 0)).toBeLessThan(file.bytes.length);
  }, 60_000);
});

describe('a file DuckDB reads itself, begun while the pre-pass runs, gives the same answers (native)', () => {
  /** The files on disk with their path as the handle, as the command line hands them over. */
  const onDisk = (files: InputFile[]): InputFile[] => {
    const at = tempDir('fast-text-disk-');
    return files.map((f) => { const path = join(at, f.name); writeFileSync(path, f.bytes); return { ...f, handle: path }; });
  };
  /** The engine, counting the CSV reads of files. */
  const counting = (reads: string[]): Engine => ({ ...engine, exec: (sql) => { if (/read_csv\('[^']*fast-text-disk/.test(sql)) reads.push(sql); return engine.exec(sql); } });

  test('sample data, text fixtures, the awkward files, the straddling file and benchmark data', async () => {
    await compare(engine, onDisk([...filesIn('sample-data'), ...filesIn('test/fixtures/text'), straddling()]));
    for (const f of onDisk(AWKWARD)) await compare(engine, [f]);
    const { loaded } = await compare(engine, onDisk(filesIn(dir)));
    expect(loaded).toBeGreaterThan(15_000);
  }, 120_000);

  test.each([
    ['is as its head shows: one read', `${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\nCK2,2025-01-03,乙,P1,泵,3,1,3,销售,张三,是,,,\n`, 1],
    ['has CRLF after a first LF: read line by line', `${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\r\nCK2,2025-01-03,乙,P1,泵,3,1,3,销售,张三,是,,,\r\n`, 1],
    ['has a row wider than its header: read again', `${HEADER}\nCK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\nCK2,2025-01-03,乙,P1,泵,3,1,3,销售,张三,是,,,,溢出\n`, 2],
    ['has a quoted line break: read line by line', `${HEADER}\nCK1,2025-01-02,"甲\n公司",P1,泵,3,1,3,销售,张三,是,,,\n`, 1],
  ] as const)('a file that %s', async (_case, text, reads) => {
    const seen: string[] = [];
    const [file] = onDisk([{ name: 'early.csv', bytes: enc(text) }]);
    await compare(counting(seen), [file]);
    expect(seen.length).toBe(reads);
  });
});

describe('bulk text path read piece by piece gives the same answers (native)', () => {
  const tiny = { minBytes: 0, chunkBytes: 4096 };

  test('pieces are written, not one string', async () => {
    let pieces = 0;
    const streamed: Engine = { ...rowByRow(engine), registerText: engine.registerText!.bind(engine), registerTextChunks: (chunks) => {
      const counted = function* () { for (const c of chunks) { pieces++; yield c; } };
      return engine.registerTextChunks!(counted());
    } };
    const report = await loadFiles(streamed, [straddling()], { textStreaming: tiny });
    expect(report.tables[0].status).toBe('loaded');
    expect(pieces).toBeGreaterThan(10);
  });

  test('sample data and text fixtures', async () => {
    const sample = filesIn('sample-data');
    const { loaded, streamed } = await compare(engine, sample, undefined, tiny);
    expect(loaded).toBeGreaterThan(100);
    expect(streamed).toBe(sample.length);
    await compare(engine, filesIn('test/fixtures/text'), undefined, tiny);
  }, 60_000);

  test('benchmark data, UTF-8 and GBK', async () => {
    const files = filesIn(dir);
    const utf8 = files.filter((f) => f.name !== 'outbound-gbk.csv');
    const { loaded, streamed } = await compare(engine, utf8, undefined, { minBytes: 0, chunkBytes: 65_536 });
    expect(loaded).toBeGreaterThan(15_000);
    expect(streamed).toBe(utf8.length);
    const gbk = await compare(engine, files.filter((f) => f.name === 'outbound-gbk.csv'), undefined, tiny);
    expect(gbk.fast.tables[0].encoding).toBe('gb18030');
    expect(gbk.streamed).toBe(1);
  }, 120_000);

  test('a byte that is not UTF-8 after the head: read again as GB18030, as the row parser reads it', async () => {
    const row = 'CK1,2025-01-02,甲,P1,泵,3,1,3,销售,张三,是,,,\n';
    const body = enc(`${HEADER}\n${row.repeat(Math.ceil((4.2 * 1024 * 1024) / enc(row).length))}`);
    const bytes = new Uint8Array(body.length + 1);
    bytes.set(body);
    bytes[body.length] = 0xff;
    const { fast, streamed } = await compare(engine, [{ name: 'late-gbk.csv', bytes }], undefined, { minBytes: 0, chunkBytes: 1024 * 1024 });
    expect(streamed).toBe(1);
    expect(fast.tables[0].encoding).toBe('gb18030');
  }, 60_000);

  test.each([...AWKWARD, straddling()].map((f) => [f.name, f] as const))('%s', async (_name, file) => {
    for (const chunkBytes of [4096, 61, 7]) {
      expect((await compare(engine, [file], undefined, { minBytes: 0, chunkBytes })).streamed).toBe(1);
      expect((await compare(engine, [file], 'dmy', { minBytes: 0, chunkBytes })).streamed).toBe(1);
    }
  }, 60_000);
});

/**
 * The file as the browser hands it over: its head, its bytes read a range at a time (each
 * read's length logged), its hash; with `scanned`, its pre-pass done by the reader as the
 * browser's worker does it (file-pass.ts), each file scanned so logged by name.
 */
function ranged(file: InputFile, reads: number[] = [], spilled: number[] = [], scanned?: string[]): InputFile {
  const { bytes } = file;
  const read = async (from: number, to: number) => { reads.push(to - from); return bytes.slice(from, to); };
  const scanOf = (all: Uint8Array) => scanned && (async (delimiter: string, headerRow: number, width: number, window: number) => {
    scanned.push(file.name);
    return inPassWorker({ kind: 'scan', blob: new Blob([all as Uint8Array<ArrayBuffer>]), delimiter, headerRow, width, window });
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const readBack = (all: Uint8Array) => ({ size: all.length, read: async (from: number, to: number) => { reads.push(to - from); return all.slice(from, to); }, fresh: true, scan: scanOf(all) });
  // A GB18030 file made UTF-8 into a store like the browser's Blob (pieces added, then read back
  // in ranges), here; with `scanned`, by the pass the browser's worker runs.
  const transcode = async (label: string, window: number) => {
    if (scanned) {
      scanned.push(`utf8:${file.name}`);
      const utf8 = await inPassWorker({ kind: 'utf8', blob: new Blob([bytes as Uint8Array<ArrayBuffer>]), label, window });
      return { ranges: readBack(new Uint8Array(await utf8.arrayBuffer())) };
    }
    const pieces: Uint8Array[] = [];
    const store = {
      add: (piece: Uint8Array) => { pieces.push(piece.slice()); spilled.push(piece.length); },
      done: () => {
        const all = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
        pieces.reduce((at, p) => { all.set(p, at); return at + p.length; }, 0);
        return { ranges: readBack(all) };
      },
    };
    return transcodeInto({ size: bytes.length, read, fresh: true }, store, label, window);
  };
  return { name: file.name, bytes: bytes.slice(0, INPUT_HEAD_BYTES), ranges: { size: bytes.length, read, fresh: true, scan: scanOf(bytes), transcode }, sha256 };
}

describe('bulk text path over a file read in ranges gives the same answers', () => {
  test('the awkward files in parts of 100 bytes; sample data, text fixtures and the straddling file in parts of 4,096', async () => {
    await compare(engine, AWKWARD.map((f) => ranged(f)), undefined, undefined, 100);
    await compare(engine, [...filesIn('sample-data'), ...filesIn('test/fixtures/text'), straddling()].map((f) => ranged(f)), undefined, undefined, 4096);
  }, 120_000);

  test('benchmark data in parts of 64 kB (GBK: the text path reads it whole to decode it)', async () => {
    const files = filesIn(dir);
    const { loaded } = await compare(engine, files.filter((f) => f.name !== 'outbound-gbk.csv').map((f) => ranged(f)), undefined, undefined, 65_536);
    expect(loaded).toBeGreaterThan(15_000);
    await compare(engine, files.filter((f) => f.name === 'outbound-gbk.csv').map((f) => ranged(f)), undefined, undefined, 65_536);
  }, 120_000);

  test('the pre-pass and the making of UTF-8 done by the reader (the browser\'s own worker) give the same answers', async () => {
    const scanned: string[] = [];
    const files = [...AWKWARD, ...filesIn('sample-data'), ...filesIn('test/fixtures/text'), straddling(), ...filesIn(dir)];
    await compare(engine, files.map((f) => ranged(f, [], [], scanned)), undefined, undefined, 65_536);
    // The bulk path's files were scanned there (a BOM, title rows, UTF-16 or a workbook take other paths).
    expect(scanned).toEqual(expect.arrayContaining(['outbound.csv', 'utf8:outbound-gbk.csv', 'outbound-gbk.csv', '产品出库单_2025Q1.csv', 'straddling.csv']));
    expect(new Set(scanned).size).toBeGreaterThan(files.length / 2);
  }, 120_000);

  test('a GB18030 file is made UTF-8 a window at a time and loads as the text path loads it', async () => {
    const gbk = [...filesIn(dir), ...filesIn('sample-data')].filter((f) => {
      if ((f.bytes[0] === 0xff && f.bytes[1] === 0xfe) || (f.bytes[0] === 0xfe && f.bytes[1] === 0xff)) return false;
      try { new TextDecoder('utf-8', { fatal: true }).decode(f.bytes); return false; } catch { return true; }
    });
    expect(gbk.map((f) => f.name)).toContain('outbound-gbk.csv');
    const spilled: number[] = [];
    const { fast } = await compare(engine, gbk.map((f) => ranged(f, [], spilled)), undefined, undefined, 65_536);
    expect(fast.tables.map((t) => [t.name, t.encoding, t.status])).toEqual(gbk.map((f) => [f.name, 'gb18030', 'loaded']));
    // Every GB18030 file went through the store, a window at a time (UTF-8 grows by half at most).
    expect(spilled.length).toBeGreaterThan(gbk.length);
    expect(Math.max(...spilled)).toBeLessThanOrEqual(65_536 * 1.5);
  }, 120_000);

  test('a 7 MB file is never read whole by the bulk path: its head, then windows and parts of 1 MB', async () => {
    const outbound = filesIn(dir).find((f) => f.name === 'outbound.csv')!.bytes;
    const body = outbound.subarray(outbound.indexOf(0x0a) + 1);
    const big = new Uint8Array(outbound.length + 4 * body.length);
    big.set(outbound);
    for (let k = 0; k < 4; k++) big.set(body, outbound.length + k * body.length);
    const reads: number[] = [];
    await compare(engine, [ranged({ name: 'outbound.csv', bytes: big }, reads)], undefined, undefined, 1024 * 1024);
    // compare's row-by-row run reads it whole once; the bulk run never does.
    expect(reads.filter((n) => n === big.length)).toHaveLength(1);
    expect(Math.max(...reads.filter((n) => n !== big.length))).toBeLessThan(4.5 * 1024 * 1024);
  }, 120_000);

  test('an engine that copies a handle\'s parts before reading them is told each next part while it reads one', async () => {
    const outbound = filesIn(dir).find((f) => f.name === 'outbound.csv')!;
    const handle = { file: 'outbound.csv' };
    const asked: string[] = [];
    const copying: Engine = {
      ...engine,
      async registerHandle(h, range) {
        if (h !== handle || !range) return null;
        asked.push(`read ${range.join('-')}`);
        return engine.registerBytes!(outbound.bytes.slice(range[0], range[1]));
      },
      prepareHandle(h, range) {
        expect(h).toBe(handle);
        asked.push(`prepare ${range.join('-')}`);
      },
    };
    const file = { ...ranged(outbound), handle };
    await compare(copying, [file], undefined, undefined, 256 * 1024);
    const reads = asked.filter((a) => a.startsWith('read ')).map((a) => a.slice(5));
    const prepared = asked.filter((a) => a.startsWith('prepare ')).map((a) => a.slice(8));
    expect(reads.length).toBeGreaterThan(4);
    // Every part but the first was announced, before the part ahead of it was read, and read as announced.
    expect(prepared).toEqual(reads.slice(1));
    for (const [k, range] of reads.slice(1).entries()) {
      expect(asked.indexOf(`prepare ${range}`)).toBeLessThan(asked.indexOf(`read ${reads[k]}`));
    }
    // The parts cover the file below its header, one after another.
    const spans = reads.map((r) => r.split('-').map(Number));
    for (let k = 1; k < spans.length; k++) expect(spans[k][0]).toBe(spans[k - 1][1]);
    expect(spans[spans.length - 1][1]).toBe(outbound.bytes.length);
  }, 120_000);

  test('on DuckDB-WASM, in parts of 256 kB', async () => {
    const wasm = await createWasmNodeEngine();
    try {
      await compare(wasm, filesIn(dir).filter((f) => f.name === 'outbound.csv').map((f) => ranged(f)), undefined, undefined, 256 * 1024);
    } finally {
      await wasm.close();
    }
  }, 120_000);
});

describe('bulk text path on DuckDB-WASM', () => {
  let wasm: Engine;
  beforeAll(async () => { wasm = await createWasmNodeEngine(); }, 60_000);
  afterAll(async () => { await wasm.close(); });

  test('sample data and the awkward files', async () => {
    await compare(wasm, filesIn('sample-data'));
    for (const f of AWKWARD) await compare(wasm, [f]);
  }, 120_000);

  test('in parts: sample data, and benchmark data in parts of 256 kB', async () => {
    await compare(wasm, filesIn('sample-data'), undefined, undefined, 4096);
    await compare(wasm, filesIn(dir).filter((f) => f.name === 'outbound.csv' || f.name === 'outbound-gbk.csv'), undefined, undefined, 256 * 1024);
  }, 120_000);
});
