/**
 * SHA-256: Web Crypto for bytes in hand (the browser and Node 20 both provide it as
 * globalThis.crypto; it is the fastest, but has no streaming digest and copies its input),
 * and an incremental hash for bytes that come a piece at a time, so that a file need never
 * be held whole to be hashed. The incremental one is hash-wasm's (WebAssembly, ~300 MB/s on
 * the development machine, about three times a TypeScript implementation's speed).
 */
import { createSHA256 } from 'hash-wasm';

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (bytes.length >= WEB_CRYPTO_MAX_BYTES) return (await sha256Stream()).update(bytes).hex();
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Node's Web Crypto refuses inputs from this length on. */
const WEB_CRYPTO_MAX_BYTES = 2 ** 31 - 1;

/** An incremental SHA-256: update with bytes as they come, then hex() once. */
export interface Sha256Stream {
  update(bytes: Uint8Array): Sha256Stream;
  hex(): string;
}

export async function sha256Stream(): Promise<Sha256Stream> {
  const hasher = await createSHA256();
  hasher.init();
  const stream: Sha256Stream = {
    update(bytes) { hasher.update(bytes); return stream; },
    hex() { return hasher.digest('hex'); },
  };
  return stream;
}

/**
 * SHA-256 of text given in parts (UTF-8), as if joined: one string for Web Crypto while the
 * whole is small, else part by part (a file of several hundred MB need never be one string).
 */
export async function sha256Parts(parts: readonly string[]): Promise<string> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  if (length < 2 ** 26) return sha256Hex(parts.join(''));
  const hash = await sha256Stream();
  const encoder = new TextEncoder();
  for (const part of parts) hash.update(encoder.encode(part));
  return hash.hex();
}
