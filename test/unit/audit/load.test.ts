import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { loadFiles } from '../../../src/core/audit/load';
import type { InputFile } from '../../../src/core/audit/types';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
// Two passes of the same length, one byte apart, and a copy of the first.
const A = enc('出门证号,日期,关联单号\nMP01,2025-03-05,CK001\n');
const B = enc('出门证号,日期,关联单号\nMP02,2025-03-05,CK001\n');

describe('loadFiles and the files\' hashes', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await createNodeEngine(); });
  afterAll(() => engine.close());

  const given = {
    'computed by the loader': (b: Uint8Array) => ({}),
    'given': (b: Uint8Array) => ({ sha256: sha(b) }),
    // As the app hands them over: still being worked out while the file loads.
    'on its way': (b: Uint8Array) => ({ sha256: new Promise<string>((r) => setTimeout(() => r(sha(b)), 30)) }),
  };
  it.each(Object.entries(given))('tells a copy from a file of the same size, the hash %s', async (_how, hash) => {
    const files: InputFile[] = [
      { name: 'a.csv', bytes: A, ...hash(A) }, { name: 'b.csv', bytes: B, ...hash(B) }, { name: 'a-copy.csv', bytes: A.slice(), ...hash(A) },
    ];
    const report = await loadFiles(engine, files);
    expect(report.tables.map((t) => [t.name, t.status, t.sha256])).toEqual([
      ['a.csv', 'loaded', sha(A)], ['b.csv', 'loaded', sha(B)], ['a-copy.csv', 'skipped', sha(A)],
    ]);
    expect(report.tables[2].refusal).toEqual({ code: 'duplicate', detail: { of: 'a.csv' } });
  });
});
