import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureInput } from '../../../src/core/audit/limits';
import { hashFiles, measureFiles } from '../../../src/ui/file-content';
import { inPassWorker, transferables, WHOLE_HASH_BYTES } from '../../../src/ui/file-pass';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('measuring the user\'s files before loading them', () => {
  it('gives each file its size and line breaks, and its SHA-256 whole or in pieces, in the order given, Files and bytes alike', async () => {
    const files = readdirSync('sample-data').filter((f) => f !== 'README.md').map((f) => new Uint8Array(readFileSync(join('sample-data', f))));
    files.push(new Uint8Array(0), new TextEncoder().encode('a,b\r\nc,d'));
    // Every other one as a Blob (what the browser hands over), the rest as bytes (Node).
    const contents = files.map((b, i) => (i % 2 ? new Blob([b as Uint8Array<ArrayBuffer>]) : b));
    expect(await measureFiles(contents)).toEqual(files.map((b) => measureInput(b)));
    expect(await hashFiles(contents)).toEqual(files.map(node));
    expect(await hashFiles(contents, true)).toEqual(files.map(node));
  });

  it('hashes files larger than one read a piece at a time, and still answers each in its place', async () => {
    const big = (n: number, seed: number) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i += 4096) b.fill(i % 7 === 0 ? 0x0a : 0x41 + ((i / 4096 + seed) % 26), i, Math.min(n, i + 4096));
      return b;
    };
    const files = [new TextEncoder().encode('a\nb\n'), big(WHOLE_HASH_BYTES + 3, 1), big(WHOLE_HASH_BYTES + 5_000_000, 2), new Uint8Array(0)];
    const blobs = files.map((b) => new Blob([b as Uint8Array<ArrayBuffer>]));
    expect(await measureFiles(blobs)).toEqual(files.map((b) => measureInput(b)));
    expect(await hashFiles(blobs)).toEqual(files.map(node));
  }, 60_000);

  it('makes a GB18030 file UTF-8 as one decode of the whole does, whatever the buffer and wherever the pieces end', async () => {
    // Random GB18030: ASCII and line breaks, two-byte and four-byte (BMP and supplementary) characters, and bytes that are no character.
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const bytes: number[] = [];
    while (bytes.length < 300_000) {
      const k = rnd(10);
      if (k < 4) bytes.push(k === 0 ? 0x0a : 0x41 + rnd(26));
      else if (k < 7) bytes.push(0x81 + rnd(0x7e), 0x40 + rnd(0x3f));
      else if (k < 8) bytes.push(0x81 + rnd(4), 0x30 + rnd(10), 0x81 + rnd(0x7e), 0x30 + rnd(10));
      else if (k < 9) bytes.push(0x90 + rnd(4), 0x30 + rnd(10), 0x81 + rnd(0x7e), 0x30 + rnd(10));
      else bytes.push(0x80 + rnd(2) * 0x7f);
    }
    const gb = new Uint8Array(bytes);
    const whole = new TextEncoder().encode(new TextDecoder('gb18030', { ignoreBOM: true }).decode(gb));
    expect(whole.length).toBeGreaterThan(gb.length);
    // Node streams a Blob a part at a time: parts of odd sizes end pieces inside characters.
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < gb.length; at += 997) parts.push(gb.slice(at, at + 997));
    for (const window of [1, 5, 4096, 1 << 20]) {
      const utf8 = await inPassWorker({ kind: 'utf8', blob: new Blob(parts), label: 'gb18030', window });
      expect(node(new Uint8Array(await utf8.arrayBuffer())), `window ${window}`).toBe(node(whole));
    }
    const empty = await inPassWorker({ kind: 'utf8', blob: new Blob([]), label: 'gb18030', window: 4096 });
    expect(empty.size).toBe(0);
  }, 60_000);

  it('a pass that fails says why', async () => {
    await expect(inPassWorker({ kind: 'utf8', blob: new Blob(['a']), label: 'no-such-encoding', window: 1 })).rejects.toThrow(/no-such-encoding/);
  });

  it('hands the pre-pass\'s record offsets back without copying them', () => {
    const piece = { first: 0, count: 1, starts: new Int32Array(4), ends: new Int32Array(4), status: new Uint8Array(4), consumed: 3 };
    const tally = { records: 1, widestSql: 1, widestAll: 1, blank: 0, totals: 0, js: [], verbatim: true, lineEnd: 1, padded: [] };
    expect(transferables({ scan: { piece, tally } })).toEqual([piece.starts.buffer, piece.ends.buffer, piece.status.buffer]);
    expect(transferables({ scan: { piece: 'nul', tally } })).toEqual([]);
    expect(transferables({ count: [] })).toEqual([]);
  });
});
