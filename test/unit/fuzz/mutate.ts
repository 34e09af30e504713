/**
 * Seeded byte-level mutations of real exports: the inputs a truncated download, a
 * bad disk, a careless script or an attacker produce. Deterministic for a seed, so
 * every failure the fuzzer prints can be replayed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { mulberry32 } from '../../../scripts/lib/prng';

/** Seeded randomness for mutations. */
export const rng = mulberry32;

export interface Seed { name: string; bytes: Uint8Array }

const SEED_EXTENSIONS = new Set(['.csv', '.txt', '.tsv', '.xlsx', '.xls']);

/** The sample exports (CSV, TXT, XLSX, XLS) the mutations start from. */
export function sampleSeeds(dir: string): Seed[] {
  return readdirSync(dir)
    .filter((n) => SEED_EXTENSIONS.has(extname(n).toLowerCase()))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
}

export interface Mutant { name: string; bytes: Uint8Array; how: string }

type Mutation = (b: Uint8Array, r: () => number, other: Uint8Array) => { bytes: Uint8Array; how: string };

const int = (r: () => number, n: number) => Math.floor(r() * n);

/** Interesting bytes: delimiters, quotes, line breaks, NUL, high bytes, zip/BIFF magic. */
const SPECIAL = [0x00, 0x0a, 0x0d, 0x22, 0x2c, 0x3b, 0x09, 0x3c, 0x50, 0x4b, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0x80, 0x7f, 0x09, 0x08];

const MUTATIONS: Record<string, Mutation> = {
  bitflips(b, r) {
    const out = b.slice();
    const k = 1 + int(r, 8);
    for (let i = 0; i < k && out.length; i++) out[int(r, out.length)] ^= 1 << int(r, 8);
    return { bytes: out, how: `${k} bit flips` };
  },
  insert(b, r) {
    const at = int(r, b.length + 1);
    const n = 1 + int(r, 64);
    const ins = Uint8Array.from({ length: n }, () => (r() < 0.5 ? SPECIAL[int(r, SPECIAL.length)] : int(r, 256)));
    const out = new Uint8Array(b.length + n);
    out.set(b.subarray(0, at));
    out.set(ins, at);
    out.set(b.subarray(at), at + n);
    return { bytes: out, how: `insert ${n} at ${at}` };
  },
  delete(b, r) {
    const at = int(r, b.length);
    const n = 1 + int(r, Math.max(1, Math.min(4096, b.length - at)));
    const out = new Uint8Array(b.length - Math.min(n, b.length - at));
    out.set(b.subarray(0, at));
    out.set(b.subarray(at + n), at);
    return { bytes: out, how: `delete ${n} at ${at}` };
  },
  duplicate(b, r) {
    const at = int(r, b.length);
    const n = 1 + int(r, Math.max(1, Math.min(8192, b.length - at)));
    const chunk = b.subarray(at, at + n);
    const times = 1 + int(r, 4);
    const to = int(r, b.length + 1);
    const out = new Uint8Array(b.length + chunk.length * times);
    out.set(b.subarray(0, to));
    for (let k = 0; k < times; k++) out.set(chunk, to + k * chunk.length);
    out.set(b.subarray(to), to + chunk.length * times);
    return { bytes: out, how: `duplicate ${chunk.length}×${times} from ${at} to ${to}` };
  },
  truncate(b, r) {
    const at = int(r, b.length);
    return { bytes: b.slice(0, at), how: `truncate at ${at}` };
  },
  splice(b, r, other) {
    const at = int(r, b.length);
    const from = int(r, other.length);
    const out = new Uint8Array(at + other.length - from);
    out.set(b.subarray(0, at));
    out.set(other.subarray(from), at);
    return { bytes: out, how: `splice at ${at} with other from ${from}` };
  },
  overwrite(b, r) {
    const out = b.slice();
    const at = int(r, out.length);
    const n = Math.min(out.length - at, 1 + int(r, 16));
    const v = r() < 0.5 ? 0xff : 0x00;
    out.fill(v, at, at + n);
    return { bytes: out, how: `overwrite ${n} at ${at} with ${v}` };
  },
};

const NAMES = Object.keys(MUTATIONS);

/**
 * The `index`-th mutant for a run seeded with `seed`: one to three stacked
 * mutations of one seed file, under that file's name (the extension matters to
 * the readers), so it is replayable from (seed, index) alone.
 */
export function mutant(seeds: readonly Seed[], seed: number, index: number): Mutant {
  const r = rng((seed * 1_000_003 + index * 7919) >>> 0);
  const base = seeds[index % seeds.length];
  let bytes = base.bytes;
  const hows: string[] = [];
  const stacked = 1 + int(r, 3);
  for (let k = 0; k < stacked; k++) {
    const m = NAMES[int(r, NAMES.length)];
    const other = seeds[int(r, seeds.length)].bytes;
    const step = MUTATIONS[m](bytes, r, other);
    bytes = step.bytes;
    hows.push(step.how);
  }
  return { name: `m${index}-${base.name}`, bytes, how: `${base.name}: ${hows.join(', ')}` };
}
