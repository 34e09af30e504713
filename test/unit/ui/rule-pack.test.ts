import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { joinPack, placeProblem, ruleIdOf, splitPack } from '../../../src/ui/rule-pack';
import { loadRulePack } from '../../../src/core/rules/load';

const files = ['outbound.ungated', 'slip.number-gap'].map((id) => ({ path: `rules/${id}.yaml`, text: readFileSync(`rules/${id}.yaml`, 'utf8') }));

describe('rule pack as one YAML file', () => {
  it('round-trips the pack: the split documents load as the same rules', () => {
    const parts = splitPack('pack.yaml', joinPack(files));
    expect(parts.map((p) => p.path)).toEqual(files.map((f) => f.path));
    const back = loadRulePack(parts);
    expect(back.problems).toEqual([]);
    expect(back.rules.map((r) => r.id)).toEqual(['outbound.ungated', 'slip.number-gap']);
  });

  it('reports a problem at its line in the combined file', () => {
    const text = joinPack(files).replace('severity: critical', 'severity: fatal');
    const parts = splitPack('pack.yaml', text);
    const problems = loadRulePack(parts).problems;
    expect(problems).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.startsWith('severity: fatal')) + 1;
    expect(placeProblem(problems[0], parts)).toBe(`pack.yaml:${line}:11: ${problems[0].message}`);
  });

  it('reads the id a rule declares', () => {
    expect(ruleIdOf('# c\nid: "custom.a-b"  # note\n')).toBe('custom.a-b');
    expect(ruleIdOf('title: x')).toBe('');
  });
});
