/**
 * Nothing lost, on every real file we have: the real-world conformance corpus (files
 * from other tools' test suites, read in place from ../shared/fixtures/real-world and
 * never copied here), the sample exports and the test fixtures. Per table the counts
 * reconcile, every file gets a status with a reason, and each rejected row is listed.
 * The fuzz inputs get the same check in load-fuzz.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/engine/duckdb-node';
import type { Engine } from '../../../src/core/engine';
import { checkLoad } from './load-check';

const CORPUS = join('..', 'shared', 'fixtures', 'real-world');
const LIMIT_MS = 5_000;

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const dataFile = (p: string) => !/\.(md|json)$/i.test(p);
const corpus = existsSync(CORPUS) ? walk(CORPUS).filter(dataFile) : [];
const local = [...walk('sample-data'), ...walk(join('test', 'fixtures'))].filter(dataFile);

let engine: Engine;
beforeAll(async () => { engine = await createNodeEngine(); });
afterAll(async () => engine?.close());

async function check(path: string): Promise<void> {
  const out = await checkLoad(engine, [{ name: path.split(/[\\/]/).pop()!, bytes: new Uint8Array(readFileSync(path)) }], LIMIT_MS);
  expect(out.problems).toEqual([]);
  const tables = out.report!.tables;
  expect(tables.length).toBeGreaterThan(0);
  for (const t of tables) expect(t.status === 'loaded' || t.reason !== '').toBe(true);
}

describe.skipIf(corpus.length === 0)(`real-world corpus (${CORPUS})`, () => {
  it('is there', () => expect(corpus.length).toBeGreaterThan(30));
  it.each(corpus.map((p) => relative(CORPUS, p)))('%s', (name) => check(join(CORPUS, name)));
});

describe('sample data and fixtures', () => {
  it.each(local)('%s', (p) => check(p));
});

it.runIf(corpus.length === 0)(`real-world corpus absent: ${CORPUS} not found, its checks are skipped`, () => {
  console.warn(`corpus checks skipped: ${CORPUS} not found`);
});
