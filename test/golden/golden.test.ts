/**
 * Golden tests of the rule pack: each folder test/golden/<rule id>/ holds input.json
 * (slip type → rows of normalised text, optional `as_of`) and expected.json (the
 * findings in output order; only the keys given are compared). Every rule file must
 * have a folder, and every folder an expected.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendObjects } from '../../src/core/audit/tables';
import { loadRulePack } from '../../src/core/rules/load';
import { defaultAsOf, runRules } from '../../src/core/rules/run';
import { SLIP_TYPE_IDS } from '../../src/core/schema/slip-types';
import type { SlipTypeId } from '../../src/core/types';
import { createNodeEngine } from '../../src/engine/duckdb-node';

const ROOT = join(import.meta.dirname, '..', '..');
const GOLDEN = join(ROOT, 'test', 'golden');
const ruleFiles = readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => ({ path: `rules/${f}`, text: readFileSync(join(ROOT, 'rules', f), 'utf8') }));
const pack = loadRulePack(ruleFiles);
const folders = readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

type Input = { as_of?: string } & Partial<Record<SlipTypeId, Record<string, string | number | boolean | null>[]>>;

describe('rule pack', () => {
  it('loads without problems', () => {
    expect(pack.problems).toEqual([]);
    expect(pack.rules.length).toBe(ruleFiles.length);
  });
  it('has a golden folder with expected.json for every rule, and no stray folder', () => {
    const ids = pack.rules.map((r) => r.id as string).sort();
    expect(ids.filter((id) => !folders.includes(id))).toEqual([]);
    expect(folders.filter((f) => !ids.includes(f))).toEqual([]);
    expect(folders.filter((f) => !existsSync(join(GOLDEN, f, 'expected.json')))).toEqual([]);
    expect(folders.filter((f) => !existsSync(join(GOLDEN, f, 'input.json')))).toEqual([]);
  });
});

describe.each(folders)('golden %s', (folder) => {
  it('gives the expected findings', async () => {
    const rule = pack.rules.find((r) => r.id === folder);
    expect(rule, `no rule file for ${folder}`).toBeDefined();
    const input = JSON.parse(readFileSync(join(GOLDEN, folder, 'input.json'), 'utf8')) as Input;
    const expected = JSON.parse(readFileSync(join(GOLDEN, folder, 'expected.json'), 'utf8')) as Record<string, unknown>[];
    const engine = await createNodeEngine();
    try {
      for (const [type, rows] of Object.entries(input)) {
        if (type === 'as_of') continue;
        if (!SLIP_TYPE_IDS.includes(type as SlipTypeId)) throw new Error(`${folder}: unknown slip type ${type}`);
        const objects = (rows as Record<string, unknown>[]).map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
        await appendObjects(engine, type as SlipTypeId, objects, { file: `${type}.csv`, sheet: '' });
      }
      const asOf = input.as_of ?? (await defaultAsOf(engine));
      expect(asOf).not.toBeNull();
      const { statuses, findings } = await runRules(engine, [rule!], { asOf: asOf! });
      expect(statuses[0].status).toBe('ran');
      const got = findings.map((f, i) => Object.fromEntries(Object.keys(expected[i] ?? f).map((k) => [k, f[k as keyof typeof f]])));
      expect(got).toEqual(expected);
    } finally {
      await engine.close();
    }
  });
});
