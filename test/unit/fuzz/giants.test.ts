/**
 * Bombs and giants through the whole load, each in a child process of its own so its
 * peak memory is its own: refused (or read) in under 5 s with a clear code, and the
 * peak resident memory growing by less than 512 MB, the budget of the app's parsing
 * worker (STACK-NOTES: a genuine 100k-row xlsx needs 450 MB). Refused bombs must not
 * even get that far: they are measured from the zip headers and stay under 64 MB.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GIANTS } from './giant-cases';

const LIMIT_MS = 5_000;
const MEMORY_MB = 512;
const REFUSED_EARLY_MB = 64;
/** Refused from the zip directory or the first bytes, before any parsing. */
const EARLY = new Set(['zip-bomb', 'zip-bomb-moderate', 'xml-bomb-xlsx', 'xml-bomb-spreadsheetml', 'million-columns']);

interface Outcome { ms: number; growthMB: number; problems: string[]; tables: { status: string; code: string; reason: string }[] }

describe('bombs and giants', () => {
  it.each(Object.entries(GIANTS).map(([id, c]) => [id, c.what] as const))('%s (%s)', (id) => {
    const c = GIANTS[id];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/unit/fuzz/giant-run.ts', id], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome;
    expect(out.problems).toEqual([]);
    expect(out.ms).toBeLessThan(LIMIT_MS);
    expect(out.growthMB).toBeLessThan(EARLY.has(id) ? REFUSED_EARLY_MB : MEMORY_MB);
    expect(out.tables).toHaveLength(1);
    const [t] = out.tables;
    expect(t.status).toBe('refused');
    expect(c.refused).toContain(t.code);
    // The reason names the problem, and stays short whatever the file holds.
    expect(t.reason.startsWith(t.code)).toBe(true);
    expect(t.reason.length).toBeLessThan(2_000);
  }, 60_000);
});
