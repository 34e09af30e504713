import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256Parts, sha256Stream } from '../../../src/core/audit/hash';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);

describe('SHA-256', () => {
  it('the incremental digest equals Node\'s at every padding boundary', async () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_537]) {
      const b = bytes(n, n);
      expect((await sha256Stream()).update(b).hex(), `${n} bytes`).toBe(node(b));
    }
    expect((await sha256Stream()).update(new TextEncoder().encode('abc')).hex())
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('Web Crypto\'s digest of bytes and of text is Node\'s', async () => {
    const b = bytes(1_000_003, 5);
    expect(await sha256Hex(b)).toBe(node(b));
    expect(await sha256Hex('出库单')).toBe(node(new TextEncoder().encode('出库单')));
  });

  it('hashes in parts as if joined, whatever the cut', async () => {
    const b = bytes(10_000, 3);
    for (const cuts of [[0], [1, 63, 64, 65], [100, 5000, 9999], [64, 128, 192]]) {
      const h = await sha256Stream();
      let at = 0;
      for (const c of [...cuts, b.length]) { h.update(b.subarray(at, c)); at = c; }
      expect(h.hex()).toBe(node(b));
    }
    const parts = ['\ufeffa,b\r\n', '出库,1\r\n'.repeat(1000), ''];
    expect(await sha256Parts(parts)).toBe(node(new TextEncoder().encode(parts.join(''))));
    const big = ['x'.repeat(2 ** 25), '出'.repeat(2 ** 25)];
    expect(await sha256Parts(big)).toBe(createHash('sha256').update(big.join('')).digest('hex'));
  }, 60_000);

  it('two streams at once keep apart', async () => {
    const [a, b] = [bytes(5000, 1), bytes(7000, 2)];
    const [ha, hb] = [await sha256Stream(), await sha256Stream()];
    for (let at = 0; at < 7000; at += 1000) { ha.update(a.subarray(at, at + 1000)); hb.update(b.subarray(at, at + 1000)); }
    expect([ha.hex(), hb.hex()]).toEqual([node(a), node(b)]);
  });
});
