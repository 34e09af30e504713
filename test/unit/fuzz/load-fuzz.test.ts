/**
 * Byte-level fuzzing of the whole load: mutated sample exports (bit flips, inserted,
 * deleted and duplicated chunks, truncation, splices of two files) go through
 * `loadFiles` on native DuckDB. None may throw, take more than 5 s, or lose a row.
 * A fixed seed keeps this set stable; `npm run fuzz` explores further.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { checkLoad } from './load-check';
import { mutant, sampleSeeds, type Seed } from './mutate';

const SEED = 20250318;
const COUNT = 150;
const LIMIT_MS = 5_000;

let engine: Engine;
let seeds: Seed[];

beforeAll(async () => {
  engine = await createNodeEngine();
  seeds = sampleSeeds('sample-data');
});
afterAll(async () => engine?.close());

describe('load fuzz (fixed seed)', () => {
  it('seeds cover CSV, TXT, XLSX and XLS', () => {
    const exts = new Set(seeds.map((s) => s.name.slice(s.name.lastIndexOf('.') + 1)));
    expect([...exts].sort()).toEqual(['csv', 'txt', 'xls', 'xlsx']);
  });

  it('unmutated sample files load and reconcile', async () => {
    for (const s of seeds) {
      const out = await checkLoad(engine, [{ name: s.name, bytes: s.bytes }], LIMIT_MS);
      expect(out.problems, s.name).toEqual([]);
      expect(out.report!.tables.some((t) => t.status === 'loaded'), s.name).toBe(true);
    }
  });

  it(`${COUNT} mutants: no throw, no hang, nothing lost`, async () => {
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    for (let i = 0; i < COUNT; i++) {
      const m = mutant(seeds, SEED, i);
      const out = await checkLoad(engine, [{ name: m.name, bytes: m.bytes }], LIMIT_MS);
      for (const t of out.report?.tables ?? []) statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
      if (out.problems.length) failures.push(`#${i} ${m.how}: ${out.problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // The mutants must exercise both paths: some still load, some are refused.
    expect(statuses.get('loaded') ?? 0).toBeGreaterThan(10);
    expect(statuses.get('refused') ?? 0).toBeGreaterThan(3);
  }, 120_000);
});
