/**
 * Walks a raw DEFLATE stream (RFC 1951) to the end of its final block without keeping
 * the output, only counting it. SheetJS inflates zip entries with its own decoder, which
 * spins forever on some corrupt streams (a Huffman code that maps to nothing does not
 * advance its read head): a few flipped bits in an .xlsx hung the load. Every deflated
 * entry is walked here first, and only streams that decode cleanly reach SheetJS.
 *
 * The decoder follows zlib's `puff.c`: canonical Huffman codes decoded bit by bit, which
 * is slow per bit but needs no tables and costs time in proportion to the compressed
 * size, never the output size.
 */

export type InflateCheck =
  | { ok: true; size: number; consumed: number }
  | { ok: false; reason: 'corrupt' | 'too-large'; size: number };

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class Corrupt extends Error {}

interface Huffman { counts: Uint16Array; symbols: Uint16Array }

/** Canonical code from code lengths; an over-subscribed set is corrupt. */
function huffman(lengths: ArrayLike<number>, n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let s = 0; s < n; s++) counts[lengths[s]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - counts[len];
    if (left < 0) throw new Corrupt();
  }
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(n);
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  return { counts, symbols };
}

const FIXED = (() => {
  const lit = new Uint8Array(288);
  lit.fill(8, 0, 144);
  lit.fill(9, 144, 256);
  lit.fill(7, 256, 280);
  lit.fill(8, 280, 288);
  return { lit: huffman(lit, 288), dist: huffman(new Uint8Array(30).fill(5), 30) };
})();

/** Walks `data` from its first byte; output beyond `maxSize` bytes is reported as too large. */
export function checkInflate(data: Uint8Array, maxSize: number): InflateCheck {
  let pos = 0;
  let bitBuf = 0;
  let bitCount = 0;
  let size = 0;

  const bits = (need: number): number => {
    let val = bitBuf;
    while (bitCount < need) {
      if (pos >= data.length) throw new Corrupt();
      val |= data[pos++] << bitCount;
      bitCount += 8;
    }
    bitBuf = val >>> need;
    bitCount -= need;
    return val & ((1 << need) - 1);
  };

  const decode = (h: Huffman): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const count = h.counts[len];
      if (code - count < first) return h.symbols[index + (code - first)];
      index += count;
      first = (first + count) * 2;
      code *= 2;
    }
    throw new Corrupt();
  };

  const codes = (lit: Huffman, dist: Huffman): void => {
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        size++;
      } else if (sym === 256) {
        return;
      } else {
        const l = sym - 257;
        if (l >= 29) throw new Corrupt();
        const length = LEN_BASE[l] + bits(LEN_EXTRA[l]);
        const d = decode(dist);
        if (d >= 30) throw new Corrupt();
        const distance = DIST_BASE[d] + bits(DIST_EXTRA[d]);
        if (distance > size) throw new Corrupt();
        size += length;
      }
      if (size > maxSize) throw new TooLarge();
    }
  };

  const dynamic = (): void => {
    const nlen = bits(5) + 257;
    const ndist = bits(5) + 1;
    const ncode = bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new Corrupt();
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CLEN_ORDER[i]] = bits(3);
    const lencode = huffman(lengths, 19);
    lengths.fill(0);
    let i = 0;
    while (i < nlen + ndist) {
      const sym = decode(lencode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new Corrupt();
        value = lengths[i - 1];
        repeat = 3 + bits(2);
      } else if (sym === 17) {
        repeat = 3 + bits(3);
      } else {
        repeat = 11 + bits(7);
      }
      if (i + repeat > nlen + ndist) throw new Corrupt();
      while (repeat--) lengths[i++] = value;
    }
    if (lengths[256] === 0) throw new Corrupt();
    codes(huffman(lengths, nlen), huffman(lengths.subarray(nlen), ndist));
  };

  try {
    let last = 0;
    while (!last) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = 0;
        bitCount = 0;
        if (pos + 4 > data.length) throw new Corrupt();
        const len = data[pos] | (data[pos + 1] << 8);
        const nlen = data[pos + 2] | (data[pos + 3] << 8);
        if (len !== (~nlen & 0xffff)) throw new Corrupt();
        pos += 4;
        if (pos + len > data.length) throw new Corrupt();
        pos += len;
        size += len;
        if (size > maxSize) throw new TooLarge();
      } else if (type === 1) {
        codes(FIXED.lit, FIXED.dist);
      } else if (type === 2) {
        dynamic();
      } else {
        throw new Corrupt();
      }
    }
  } catch (e) {
    if (e instanceof Corrupt) return { ok: false, reason: 'corrupt', size };
    if (e instanceof TooLarge) return { ok: false, reason: 'too-large', size };
    throw e;
  }
  return { ok: true, size, consumed: pos };
}

class TooLarge extends Error {}
