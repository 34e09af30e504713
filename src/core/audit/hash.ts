/**
 * SHA-256 through Web Crypto, which both the browser and Node 20 provide as globalThis.crypto.
 * Node's Web Crypto refuses inputs of 2 GiB or more, and it has no streaming digest, so
 * larger inputs are hashed here in TypeScript (several seconds per GB; the CLI hashes
 * with Node's own hash and hands the result to the loader).
 */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (bytes.length >= WEB_CRYPTO_MAX_BYTES) return sha256Js(bytes);
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return hex(new Uint8Array(digest));
}

/** Node's Web Crypto refuses inputs from this length on. */
const WEB_CRYPTO_MAX_BYTES = 2 ** 31 - 1;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 SHA-256 of `bytes`, in hex. */
export function sha256Js(bytes: Uint8Array): string {
  return new Sha256().update(bytes).hex();
}

/**
 * SHA-256 of text given in parts (UTF-8), as if joined: one string for Web Crypto while the
 * whole is small, else part by part here (a file of several hundred MB need never be one string).
 */
export async function sha256Parts(parts: readonly string[]): Promise<string> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  if (length < 2 ** 26) return sha256Hex(parts.join(''));
  const hash = new Sha256();
  const encoder = new TextEncoder();
  for (const part of parts) hash.update(encoder.encode(part));
  return hash.hex();
}

/** Incremental SHA-256: update with bytes as they come, then hex() once. */
export class Sha256 {
  private readonly h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private readonly w = new Uint32Array(64);
  /** Bytes of an unfinished block. */
  private readonly pending = new Uint8Array(64);
  private held = 0;
  private length = 0;

  update(bytes: Uint8Array): this {
    let at = 0;
    this.length += bytes.length;
    if (this.held > 0) {
      const take = Math.min(64 - this.held, bytes.length);
      this.pending.set(bytes.subarray(0, take), this.held);
      this.held += take;
      at = take;
      if (this.held < 64) return this;
      block(this.h, this.w, this.pending, 0);
      this.held = 0;
    }
    for (; at + 64 <= bytes.length; at += 64) block(this.h, this.w, bytes, at);
    this.pending.set(bytes.subarray(at));
    this.held = bytes.length - at;
    return this;
  }

  hex(): string {
    // The tail: the last partial block, a 1 bit, zeros, and the length in bits (big-endian, 64 bits).
    const tailLength = this.held < 56 ? 64 : 128;
    const tail = new Uint8Array(tailLength);
    tail.set(this.pending.subarray(0, this.held));
    tail[this.held] = 0x80;
    const bits = this.length * 8;
    const view = new DataView(tail.buffer);
    view.setUint32(tailLength - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tailLength - 4, bits >>> 0);
    for (let at = 0; at < tailLength; at += 64) block(this.h, this.w, tail, at);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(i * 4, this.h[i]);
    return hex(out);
  }
}

function block(h: Uint32Array, w: Uint32Array, b: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
  }
  h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}
